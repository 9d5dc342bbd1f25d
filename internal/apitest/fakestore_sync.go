package apitest

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

// The change feed, restore, bulk and clock operations of FakeStore. Deletions in the fake
// are final (no tombstones), so the feed lists live tasks only and restore finds only live
// ones; the HTTP layer's part — validation, cursors, rendering — is what the fake serves.

// UserClock implements httpapi.Store: the latest change among the user's tasks.
func (s *FakeStore) UserClock(_ context.Context, userID string) (store.Clock, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("UserClock", userID) {
		return store.Clock{}, store.ErrInvalid
	}
	var c store.Clock
	for _, ft := range s.tasks[userID] {
		if ft.task.UpdatedAt.After(c.Last) {
			c.Last = ft.task.UpdatedAt
		}
	}
	c.Now = s.opts.Now().UTC()
	return c, nil
}

// TaskListWithClock implements httpapi.Store: UserClock, then TaskList.
func (s *FakeStore) TaskListWithClock(ctx context.Context, userID string, p store.ListParams) (store.Clock, []store.Task, *store.Position, error) {
	c, err := s.UserClock(ctx, userID)
	if err != nil {
		return store.Clock{}, nil, nil, err
	}
	tasks, next, err := s.TaskList(ctx, userID, p)
	return c, tasks, next, err
}

// TaskChanges implements httpapi.Store: live tasks by (updated_at, id).
func (s *FakeStore) TaskChanges(_ context.Context, userID string, p store.ChangesParams) ([]store.Task, *store.Position, error) {
	const op = "TaskChanges"
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.checkUser(op, userID)
	if p.Limit < 1 || p.Limit > fakeMaxLimit {
		s.violation(op, "limit %d outside 1..%d", p.Limit, fakeMaxLimit)
		ok = false
	}
	if !ok {
		return nil, nil, store.ErrInvalid
	}
	var all []store.Task
	for _, ft := range s.tasks[userID] {
		all = append(all, ft.task)
	}
	slices.SortFunc(all, func(a, b store.Task) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	var out []store.Task
	for _, t := range all {
		switch {
		case p.After != nil:
			key := store.ChangeKey(t)
			if key < p.After.Key || (key == p.After.Key && slices.Compare(t.ID[:], p.After.ID[:]) <= 0) {
				continue
			}
		case p.UpdatedAfter != nil && !t.UpdatedAt.After(*p.UpdatedAfter):
			continue
		}
		out = append(out, t)
	}
	if len(out) > p.Limit {
		out = out[:p.Limit]
		last := out[len(out)-1]
		return out, &store.Position{Key: store.ChangeKey(last), ID: last.ID}, nil
	}
	return out, nil, nil
}

// TaskRestore implements httpapi.Store: a live task is returned as it is.
func (s *FakeStore) TaskRestore(_ context.Context, userID string, id uuid.UUID) (store.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskRestore", userID) {
		return store.Task{}, store.ErrInvalid
	}
	ft, err := s.lookup(userID, id, nil)
	if err != nil {
		return store.Task{}, err
	}
	return ft.task, nil
}

// TaskBulk implements httpapi.Store, checking the action, the ids and the tags.
func (s *FakeStore) TaskBulk(_ context.Context, userID string, b store.Bulk, _ string, _ []byte) ([]store.BulkResult, bool, error) {
	const op = "TaskBulk"
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.checkUser(op, userID)
	if len(b.IDs) == 0 || len(b.IDs) > store.MaxBulkIDs {
		s.violation(op, "%d ids, want 1..%d", len(b.IDs), store.MaxBulkIDs)
		ok = false
	}
	seen := map[uuid.UUID]bool{}
	for _, id := range b.IDs {
		if seen[id] {
			s.violation(op, "id %s repeated", id)
			ok = false
		}
		seen[id] = true
	}
	switch b.Action {
	case store.BulkComplete, store.BulkUncomplete, store.BulkDelete, store.BulkRestore:
		if len(b.Tags) > 0 {
			s.violation(op, "tags given for %s", b.Action)
			ok = false
		}
	case store.BulkAddTags, store.BulkRemoveTags:
		if len(b.Tags) == 0 || !s.checkTags(op, b.Tags) {
			ok = false
		}
	default:
		s.violation(op, "unknown action %q", b.Action)
		ok = false
	}
	if !ok {
		return nil, false, store.ErrInvalid
	}
	results := make([]store.BulkResult, len(b.IDs))
	for i, id := range b.IDs {
		results[i] = store.BulkResult{ID: id, Status: store.BulkOK}
		ft, err := s.lookup(userID, id, nil)
		if err != nil {
			results[i].Status = store.BulkNotFound
			continue
		}
		before := ft.task.Completed
		switch b.Action {
		case store.BulkComplete, store.BulkUncomplete:
			ft.task.Completed = b.Action == store.BulkComplete
		case store.BulkDelete:
			delete(s.tasks[userID], id)
			continue
		case store.BulkRestore:
			continue
		case store.BulkAddTags:
			tags := slices.Clone(ft.task.Tags)
			for _, t := range b.Tags {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			if len(tags) > fakeMaxTags {
				results[i].Status = store.BulkInvalid
				continue
			}
			ft.task.Tags = tags
		case store.BulkRemoveTags:
			ft.task.Tags = slices.DeleteFunc(slices.Clone(ft.task.Tags), func(t string) bool { return slices.Contains(b.Tags, t) })
		}
		s.touch(ft, before)
	}
	return results, false, nil
}

// TaskMove implements httpapi.Store: after afterID (nil: to the top). The fake keeps no
// manual order; it checks ownership of both tasks and records the change.
func (s *FakeStore) TaskMove(_ context.Context, userID string, id uuid.UUID, afterID *uuid.UUID) (store.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskMove", userID) {
		return store.Task{}, store.ErrInvalid
	}
	ft, err := s.lookup(userID, id, nil)
	if err != nil {
		return store.Task{}, err
	}
	if afterID != nil {
		if *afterID == id {
			s.violation("TaskMove", "task %s moved after itself", id)
			return store.Task{}, store.ErrInvalid
		}
		if _, err := s.lookup(userID, *afterID, nil); err != nil {
			return store.Task{}, err
		}
	}
	s.touch(ft, ft.task.Completed)
	return ft.task, nil
}
