package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/todo-api/todo-api/gen/db"
)

// Idempotency key namespaces, one per operation that takes keys: a key sent to two
// operations is two keys.
const (
	idemCreate = "tasks.create"
	idemBulk   = "tasks.bulk"
)

// withIdempotencyKey runs fn in one transaction under userID's idempotency key (namespace,
// key). The first request with the key runs fn, which fills response, and saves response;
// a repeat with the same requestHash within 24 hours decodes the saved response into
// response instead and reports replayed; another hash is ErrIdempotencyMismatch.
// Concurrent requests with one key serialise on the key's row.
func (s *Store) withIdempotencyKey(ctx context.Context, userID, namespace, key string, requestHash []byte, response any,
	fn func(ctx context.Context, q *db.Queries) error) (replayed bool, err error) {
	err = s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		claim := db.IdempotencyClaimParams{UserID: userID, Namespace: namespace, Key: key, RequestHash: requestHash}
		if _, err := q.IdempotencyClaim(ctx, claim); err != nil {
			if !isNotFound(err) {
				return fmt.Errorf("claim idempotency key: %w", err)
			}
			// Claimed before, within 24 hours: replay or refuse.
			prev, err := q.IdempotencyGet(ctx, db.IdempotencyGetParams{UserID: userID, Namespace: namespace, Key: key})
			if err != nil {
				return fmt.Errorf("read idempotency key: %w", err)
			}
			if string(prev.RequestHash) != string(requestHash) {
				return ErrIdempotencyMismatch
			}
			if err := json.Unmarshal(prev.Response, response); err != nil {
				return fmt.Errorf("decode replayed response: %w", err)
			}
			replayed = true
			return nil
		}
		if err := q.IdempotencyPurgeExpired(ctx, userID); err != nil {
			return fmt.Errorf("purge idempotency keys: %w", err)
		}
		if err := holdsKeyQuota(ctx, q, userID); err != nil {
			return err
		}
		if err := fn(ctx, q); err != nil {
			return err
		}
		body, err := json.Marshal(response)
		if err != nil {
			return fmt.Errorf("encode response: %w", err)
		}
		save := db.IdempotencySaveResponseParams{UserID: userID, Namespace: namespace, Key: key, Response: body}
		if err := q.IdempotencySaveResponse(ctx, save); err != nil {
			return fmt.Errorf("save idempotent response: %w", err)
		}
		return nil
	})
	return replayed, err
}

// holdsKeyQuota checks, once a new key is claimed and the expired ones purged, that userID
// holds no more than MaxIdempotencyKeys: else ErrIdempotencyKeyQuota, and the caller's
// transaction rolls the claim back. It takes the user's clock first — which the write under
// the key takes next anyway — so that concurrent claims of the user count one after another.
func holdsKeyQuota(ctx context.Context, q *db.Queries, userID string) error {
	if _, err := q.UserClockTick(ctx, userID); err != nil {
		return fmt.Errorf("take clock: %w", err)
	}
	held, err := q.IdempotencyCount(ctx, db.IdempotencyCountParams{UserID: userID, RowLimit: MaxIdempotencyKeys + 1})
	if err != nil {
		return fmt.Errorf("count idempotency keys: %w", err)
	}
	if held > MaxIdempotencyKeys {
		return ErrIdempotencyKeyQuota
	}
	return nil
}
