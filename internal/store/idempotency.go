package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// Idempotency key namespaces, one per operation that takes keys: a key sent to two
// operations is two keys.
const (
	idemCreate     = "tasks.create"
	idemBulk       = "tasks.bulk"
	idemListCreate = "lists.create"
)

// keyed is a request under an Idempotency-Key: the operation's namespace, the key and a
// hash of the request, which a repeat must match.
type keyed struct {
	namespace, key string
	hash           []byte
}

// savedResponse is the response of a keyed operation: saved with the key after the first
// request, given back to a repeat.
type savedResponse interface {
	save() ([]byte, error)
	restore(saved []byte) error
}

// withIdempotencyKey runs fn in one transaction under userID's idempotency key k. The first
// request with the key runs fn, which fills response, and saves response; a repeat with the
// same hash within idempotency_key_lifetime() restores the saved response instead and
// reports replayed; another hash is ErrIdempotencyMismatch. Concurrent requests with one key
// serialise on the key's row.
func (s *Store) withIdempotencyKey(ctx context.Context, userID string, k keyed, response savedResponse,
	fn func(ctx context.Context, q *db.Queries) error) (replayed bool, err error) {
	err = s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		claim := db.IdempotencyClaimParams{UserID: userID, Namespace: k.namespace, Key: k.key, RequestHash: k.hash}
		if _, err := q.IdempotencyClaim(ctx, claim); err != nil {
			if !isNotFound(err) {
				return fmt.Errorf("claim idempotency key: %w", err)
			}
			// Claimed before, within its lifetime: replay or refuse.
			prev, err := q.IdempotencyGet(ctx, db.IdempotencyGetParams{UserID: userID, Namespace: k.namespace, Key: k.key})
			if err != nil {
				return fmt.Errorf("read idempotency key: %w", err)
			}
			if string(prev.RequestHash) != string(k.hash) {
				return ErrIdempotencyMismatch
			}
			if err := response.restore(prev.Response); err != nil {
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
		body, err := response.save()
		if err != nil {
			return fmt.Errorf("encode response: %w", err)
		}
		save := db.IdempotencySaveResponseParams{UserID: userID, Namespace: k.namespace, Key: k.key, Response: body}
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

// Saved responses are versioned by their shape. Version 1 is the shape saved since keys
// exist — the JSON of the Task and the []BulkResult of that time, field for field — which the
// types below spell out with explicit names, so that changing Task or BulkResult changes
// nothing saved. Rows saved before 0003_sync_order.sql lack position, before
// 0004_due_time.sql due_time (which read as "" and nil, as they did). A later version must
// be told apart by its shape (an object with "v": 2, say) while version 1 still decodes: a
// key lives idempotency_key_lifetime() across a deploy. Decoding refuses unknown fields, so
// that a shape this code does not know is an error, not a wrong replay.

// taskV1 is a create's saved response, version 1.
type taskV1 struct {
	ID          uuid.UUID  `json:"id"`
	Title       string     `json:"title"`
	Description *string    `json:"description"`
	Completed   bool       `json:"completed"`
	Priority    string     `json:"priority"`
	DueDate     *time.Time `json:"due_date"`
	DueTime     *string    `json:"due_time"`
	Tags        []string   `json:"tags"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	CompletedAt *time.Time `json:"completed_at"`
	Version     int64      `json:"version"`
	Position    string     `json:"position"`
	DeletedAt   *time.Time `json:"deleted_at,omitempty"`
	Repeat      string     `json:"repeat"`
	NextID      *uuid.UUID `json:"next_id,omitempty"`
}

// bulkResultV1 is one result of a bulk action's saved response (a JSON array), version 1.
type bulkResultV1 struct {
	ID     uuid.UUID `json:"id"`
	Status string    `json:"status"`
	Detail string    `json:"detail,omitempty"`
}

// taskResponse saves and restores a create's task.
type taskResponse struct{ task *Task }

func (r taskResponse) save() ([]byte, error) {
	t := r.task
	return json.Marshal(taskV1{
		ID: t.ID, Title: t.Title, Description: t.Description, Completed: t.Completed,
		Priority: string(t.Priority), DueDate: t.DueDate, DueTime: t.DueTime, Tags: t.Tags,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, CompletedAt: t.CompletedAt, Version: t.Version,
		Position: t.Position, DeletedAt: t.DeletedAt, Repeat: string(t.Repeat), NextID: t.NextID,
	})
}

func (r taskResponse) restore(saved []byte) error {
	var v taskV1
	if err := decodeStrict(saved, &v); err != nil {
		return err
	}
	*r.task = Task{
		ID: v.ID, Title: v.Title, Description: v.Description, Completed: v.Completed,
		Priority: Priority(v.Priority), DueDate: v.DueDate, DueTime: v.DueTime, Tags: v.Tags,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, CompletedAt: v.CompletedAt, Version: v.Version,
		Position: v.Position, DeletedAt: v.DeletedAt, Repeat: Repeat(v.Repeat), NextID: v.NextID,
	}
	return nil
}

// bulkResponse saves and restores a bulk action's results.
type bulkResponse struct{ results *[]BulkResult }

func (r bulkResponse) save() ([]byte, error) {
	v := make([]bulkResultV1, len(*r.results))
	for i, res := range *r.results {
		v[i] = bulkResultV1{ID: res.ID, Status: string(res.Status), Detail: res.Detail}
	}
	return json.Marshal(v)
}

func (r bulkResponse) restore(saved []byte) error {
	var v []bulkResultV1
	if err := decodeStrict(saved, &v); err != nil {
		return err
	}
	*r.results = make([]BulkResult, len(v))
	for i, res := range v {
		(*r.results)[i] = BulkResult{ID: res.ID, Status: BulkStatus(res.Status), Detail: res.Detail}
	}
	return nil
}

// decodeStrict decodes the JSON value saved into v, refusing fields v does not have.
func decodeStrict(saved []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(saved))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// listV1 is a list create's saved response, version 1.
type listV1 struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	Color       *string   `json:"color"`
	Inbox       bool      `json:"inbox"`
	Role        string    `json:"role"`
	MemberCount int       `json:"member_count"`
	Position    string    `json:"position"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

// listResponse saves and restores a list create's list.
type listResponse struct{ list *List }

func (r listResponse) save() ([]byte, error) {
	l := r.list
	return json.Marshal(listV1{
		ID: l.ID, Name: l.Name, Color: l.Color, Inbox: l.Inbox, Role: string(l.Role), MemberCount: l.MemberCount,
		Position: l.Position, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt, Version: l.Version,
	})
}

func (r listResponse) restore(saved []byte) error {
	var v listV1
	if err := decodeStrict(saved, &v); err != nil {
		return err
	}
	*r.list = List{
		ID: v.ID, Name: v.Name, Color: v.Color, Inbox: v.Inbox, Role: Role(v.Role), MemberCount: v.MemberCount,
		Position: v.Position, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Version: v.Version,
	}
	return nil
}
