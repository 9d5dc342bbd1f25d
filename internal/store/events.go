package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// MemberList is a live list a user is a member of, with its owner: what the user's live
// event streams cover (internal/events).
type MemberList struct {
	OwnerID string
	ListID  uuid.UUID
}

// ListChange says that tasks of a list changed, the latest at ChangedAt (the owner's write
// clock).
type ListChange struct {
	ListID    uuid.UUID
	ChangedAt time.Time
}

// EventMemberLists returns the live lists userID is a member of, their own included.
func (s *Store) EventMemberLists(ctx context.Context, userID string) ([]MemberList, error) {
	var lists []MemberList
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		rows, err := q.EventMemberLists(ctx, userID)
		if err != nil {
			return err
		}
		lists = make([]MemberList, len(rows))
		for i, r := range rows {
			lists[i] = MemberList{OwnerID: r.OwnerID, ListID: r.ListID}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read member lists: %w", err)
	}
	return lists, nil
}

// EventListsChanged returns which of owner's lists hold changes stamped after after up to
// through (owner's write clock values), one per list with the latest. It reads as owner:
// the caller (internal/events) hands each list only to the streams of its members.
func (s *Store) EventListsChanged(ctx context.Context, owner string, after, through time.Time) ([]ListChange, error) {
	var changes []ListChange
	err := s.run(ctx, owner, autocommit, func(ctx context.Context, q *db.Queries) error {
		rows, err := q.EventListsChanged(ctx, db.EventListsChangedParams{UserID: owner, After: after, Through: through})
		if err != nil {
			return err
		}
		latest := make(map[uuid.UUID]int, len(rows))
		for _, r := range rows {
			if i, ok := latest[r.ListID]; ok {
				if r.ChangedAt.After(changes[i].ChangedAt) {
					changes[i].ChangedAt = r.ChangedAt
				}
				continue
			}
			latest[r.ListID] = len(changes)
			changes = append(changes, ListChange{ListID: r.ListID, ChangedAt: r.ChangedAt})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read changed lists: %w", err)
	}
	return changes, nil
}
