package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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
	// BulkForbidden: a task of a list the caller only views; it is unchanged.
	BulkForbidden BulkStatus = "forbidden"
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

// TaskBulk applies b to userID's tasks and those of the lists userID edits (bulkApply) in one transaction, with one set-based statement, and
// returns one result per id in b.IDs' order: BulkOK (done, or nothing to do), BulkNotFound
// (no such live task userID reaches — for BulkRestore, no such task deleted within the
// retention (see GoneError) — which covers other users' tasks alike) or BulkInvalid
// (add_tags would exceed 10 tags; that task is left as it was, the others are changed) or
// BulkForbidden (a task of a list userID only views, unchanged). Only
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
		found, err := bulkApply(ctx, q, userID, b)
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
		if err == nil && replayed {
			err = s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
				return forgetLost(ctx, q, userID, results)
			})
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("bulk %s: %w", b.Action, err)
	}
	return results, replayed, nil
}

// bulkApply runs b for userID: on userID's own tasks among b.IDs, and on those of other
// owners' lists userID is a member of — an editor's as the owner's (their clock, their
// rows), a viewer's not at all (BulkForbidden). The owners' clocks are all taken first, in
// the order of their ids, so that two bulk actions of members of each other's lists never
// wait for each other in a cycle; then the memberships are held (TaskBulkAccessHeld) and
// each owner's statement runs. A task whose list userID left meanwhile is not found. A bulk
// action on userID's own tasks only pays one read more than before sharing.
func bulkApply(ctx context.Context, q *db.Queries, userID string, b Bulk) (map[uuid.UUID]BulkResult, error) {
	reach, err := q.TaskBulkAccess(ctx, db.TaskBulkAccessParams{UserID: userID, Ids: b.IDs})
	if err != nil {
		return nil, fmt.Errorf("read the tasks' lists: %w", err)
	}
	// The owners whose clocks are taken: the caller, and those of the lists among reach the
	// caller may write (a viewer may not take an owner's clock: row-level security).
	owners, shared := []string{userID}, false
	for _, r := range reach {
		shared = shared || r.OwnerID != userID
		if Role(r.Role) != RoleViewer && !slices.Contains(owners, r.OwnerID) {
			owners = append(owners, r.OwnerID)
		}
	}
	if !shared {
		return bulkStatement(ctx, q, userID, b)
	}
	if err := takeClocks(ctx, q, owners...); err != nil {
		return nil, err
	}
	found, err := bulkStatement(ctx, q, userID, b)
	if err != nil {
		return nil, err
	}
	held, err := q.TaskBulkAccessHeld(ctx, db.TaskBulkAccessHeldParams{UserID: userID, Ids: b.IDs})
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	byOwner := map[string][]uuid.UUID{}
	for _, h := range held {
		switch {
		case Role(h.Role) == RoleViewer:
			found[h.ID] = BulkResult{ID: h.ID, Status: BulkForbidden}
		case !slices.Contains(owners, h.OwnerID):
			// An editor since the first read: its owner's clock is not held, so the task is
			// left alone (not found), as if the bulk action had come first.
		default:
			byOwner[h.OwnerID] = append(byOwner[h.OwnerID], h.ID)
		}
	}
	for _, o := range owners {
		if len(byOwner[o]) == 0 {
			continue
		}
		theirs, err := bulkStatement(ctx, q, o, Bulk{Action: b.Action, IDs: byOwner[o], Tags: b.Tags})
		if err != nil {
			return nil, err
		}
		maps.Copy(found, theirs)
	}
	return found, nil
}

// forgetLost makes the replayed results of the tasks userID no longer reaches (a list they
// left or lost since) BulkNotFound, as for any task out of reach.
func forgetLost(ctx context.Context, q *db.Queries, userID string, results []BulkResult) error {
	ids := make([]uuid.UUID, len(results))
	for i, r := range results {
		ids[i] = r.ID
	}
	reach, err := q.TaskBulkAccess(ctx, db.TaskBulkAccessParams{UserID: userID, Ids: ids})
	if err != nil {
		return fmt.Errorf("read the tasks' lists: %w", err)
	}
	for i, r := range results {
		if !slices.ContainsFunc(reach, func(a *db.TaskBulkAccessRow) bool { return a.ID == r.ID }) {
			results[i] = BulkResult{ID: r.ID, Status: BulkNotFound}
		}
	}
	return nil
}

// bulkStatement runs b's statement on userID's tasks (userID is the owner: the caller, or
// the owner of a list the caller edits) and returns the result of every id it found.
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

// bulkResultV1 is one result of a bulk action's saved response (a JSON array), version 1:
// see idempotency.go for how saved responses are versioned.
type bulkResultV1 struct {
	ID     uuid.UUID `json:"id"`
	Status string    `json:"status"`
	Detail string    `json:"detail,omitempty"`
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
