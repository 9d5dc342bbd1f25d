package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// BulkAction is what TaskBulk does to each task.
type BulkAction string

// Bulk actions.
const (
	BulkComplete   BulkAction = "complete"
	BulkUncomplete BulkAction = "uncomplete"
	BulkDelete     BulkAction = "delete"
	BulkRestore    BulkAction = "restore"
	BulkAddTags    BulkAction = "add_tags"
	BulkRemoveTags BulkAction = "remove_tags"
)

// BulkStatus is what a bulk action did to one id.
type BulkStatus string

// Bulk statuses.
const (
	BulkOK       BulkStatus = "ok"
	BulkNotFound BulkStatus = "not_found"
	BulkInvalid  BulkStatus = "invalid"
)

// MaxBulkIDs is the most ids one bulk action takes.
const MaxBulkIDs = 100

// Bulk is one bulk action: Action on each of IDs (distinct, at most MaxBulkIDs); Tags for
// the tag actions, normalised and de-duplicated by the caller.
type Bulk struct {
	Action BulkAction
	IDs    []uuid.UUID
	Tags   []string
}

// BulkResult is what a bulk action did to one id.
type BulkResult struct {
	ID     uuid.UUID
	Status BulkStatus
	Detail string // why, for BulkInvalid
}

// TaskBulk applies b to userID's tasks in one transaction, with one set-based statement, and
// returns one result per id in b.IDs' order: BulkOK (done, or nothing to do), BulkNotFound
// (no such live task of userID's — for BulkRestore, no such task deleted within the
// retention (see GoneError) — which covers other users' tasks alike) or BulkInvalid
// (add_tags would exceed 10 tags; that task is left as it was, the others are changed). Only
// tasks that change get a new version; they share one updated_at. BulkComplete also creates
// the next occurrence of each repeating task that has none (as TaskComplete does). With
// BulkComplete and BulkDelete cascade over each task's subtree, and BulkRestore restores
// what was deleted together with each task, as TaskComplete, TaskDelete and TaskRestore do
// (the results name the ids given only). With
// an idempotency key it behaves as TaskCreate does: a repeat of the same request
// (requestHash) returns the first results.
func (s *Store) TaskBulk(ctx context.Context, userID string, b Bulk, idemKey string, requestHash []byte) (results []BulkResult, replayed bool, err error) {
	if len(b.IDs) == 0 || len(b.IDs) > MaxBulkIDs {
		return nil, false, fmt.Errorf("bulk %s: %d ids: %w", b.Action, len(b.IDs), ErrInvalid)
	}
	apply := func(ctx context.Context, q *db.Queries) error {
		found, err := bulkStatement(ctx, q, userID, b)
		if err != nil {
			return err
		}
		results = make([]BulkResult, len(b.IDs))
		for i, id := range b.IDs {
			results[i] = BulkResult{ID: id, Status: BulkNotFound}
			if r, ok := found[id]; ok {
				results[i] = r
			}
		}
		return nil
	}
	if idemKey == "" {
		err = s.run(ctx, userID, transaction, apply)
	} else {
		replayed, err = s.withIdempotencyKey(ctx, userID, keyed{idemBulk, idemKey, requestHash}, bulkResponse{&results}, apply)
	}
	if err != nil {
		return nil, false, fmt.Errorf("bulk %s: %w", b.Action, err)
	}
	return results, replayed, nil
}

// bulkStatement runs b's statement and returns the result of every id it found.
func bulkStatement(ctx context.Context, q *db.Queries, userID string, b Bulk) (map[uuid.UUID]BulkResult, error) {
	var ids []uuid.UUID
	var err error
	switch b.Action {
	case BulkComplete, BulkUncomplete:
		ids, err = q.TaskBulkSetCompleted(ctx, db.TaskBulkSetCompletedParams{UserID: userID, Ids: b.IDs, Completed: b.Action == BulkComplete})
		if err == nil && b.Action == BulkComplete && len(ids) > 0 {
			// In the same transaction, under the clock the statement took: the subtrees,
			// then the next occurrences (with copies of the subtrees).
			if err = completeTrees(ctx, q, userID, ids); err == nil {
				err = nextOccurrences(ctx, q, userID, ids)
			}
		}
	case BulkDelete:
		var now time.Time
		if now, err = q.UserClockTickPurging(ctx, userID); err == nil {
			ids, err = q.TaskTreeDelete(ctx, db.TaskTreeDeleteParams{UserID: userID, Ids: b.IDs, Now: now})
		}
	case BulkRestore:
		var now time.Time
		if now, err = q.UserClockTick(ctx, userID); err == nil {
			ids, err = q.TaskTreeRestore(ctx, db.TaskTreeRestoreParams{UserID: userID, Ids: b.IDs, Now: now})
		}
	case BulkRemoveTags:
		ids, err = q.TaskBulkRemoveTags(ctx, db.TaskBulkRemoveTagsParams{UserID: userID, Ids: b.IDs, Tags: nonNil(b.Tags)})
	case BulkAddTags:
		rows, err := q.TaskBulkAddTags(ctx, db.TaskBulkAddTagsParams{UserID: userID, Ids: b.IDs, Tags: nonNil(b.Tags)})
		if err != nil {
			return nil, err
		}
		found := make(map[uuid.UUID]BulkResult, len(rows))
		for _, r := range rows {
			found[r.ID] = BulkResult{ID: r.ID, Status: BulkOK}
			if !r.Fits {
				found[r.ID] = BulkResult{ID: r.ID, Status: BulkInvalid, Detail: "the task would have more than 10 tags"}
			}
		}
		return found, nil
	default:
		return nil, fmt.Errorf("unknown action %q: %w", b.Action, ErrInvalid)
	}
	if err != nil {
		return nil, err
	}
	found := make(map[uuid.UUID]BulkResult, len(ids))
	for _, id := range ids {
		found[id] = BulkResult{ID: id, Status: BulkOK}
	}
	return found, nil
}
