package store

import (
	"errors"
	"fmt"
)

// Per-user quotas: what one user may hold, so that one user's data cannot make every other
// user's requests slow. The database enforces the first two, in the trigger that
// counts them (user_quota in db/migrations/0009_quotas_search.sql holds the same numbers;
// TestQuotaLimitsAgree keeps them equal); the store enforces the third.
const (
	// MaxLiveTasks is the most live (not deleted) tasks a user may have. Creating, restoring
	// or a repeating task's next occurrence beyond it is ErrTaskQuota; deleting always works.
	MaxLiveTasks = 20000
	// MaxTags is the most distinct tags a user's live tasks may carry: what GET /api/tags
	// lists (like Todoist's 500 labels). A write that would add another is ErrTagQuota.
	MaxTags = 500
	// MaxIdempotencyKeys is the most Idempotency-Keys (every operation's together) a user
	// may hold at once; a key is held for 24 hours after its first use, with the response
	// it replays. A request with a new key beyond it is ErrIdempotencyKeyQuota.
	MaxIdempotencyKeys = 1000
)

// Quota errors. Each is an ErrQuotaExceeded; Translate makes the database's refusals these.
var (
	// ErrQuotaExceeded: the write would take the user over one of the quotas above. Nothing
	// of it is written.
	ErrQuotaExceeded = errors.New("quota exceeded")
	// ErrTaskQuota: the write would give the user more than MaxLiveTasks live tasks.
	ErrTaskQuota = fmt.Errorf("%w: at most %d live tasks per user", ErrQuotaExceeded, MaxLiveTasks)
	// ErrTagQuota: the write would give the user's live tasks more than MaxTags distinct tags.
	ErrTagQuota = fmt.Errorf("%w: at most %d distinct tags per user", ErrQuotaExceeded, MaxTags)
	// ErrIdempotencyKeyQuota: the user holds MaxIdempotencyKeys keys already.
	ErrIdempotencyKeyQuota = fmt.Errorf("%w: at most %d idempotency keys per user within 24 hours", ErrQuotaExceeded, MaxIdempotencyKeys)
)

// quotaConstraints are the constraint names the quota trigger raises its check_violation
// with (tasks_count_usage in 0009_quotas_search.sql).
var quotaConstraints = map[string]error{
	"user_quota_tasks": ErrTaskQuota,
	"user_quota_tags":  ErrTagQuota,
}
