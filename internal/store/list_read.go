package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// EnsureInbox returns userID's inbox, creating it on first need: concurrent first calls
// create exactly one (user_inbox, db/migrations/0011_lists.sql).
func (s *Store) EnsureInbox(ctx context.Context, userID string) (uuid.UUID, error) {
	var id uuid.UUID
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		var err error
		id, err = q.ListInboxEnsure(ctx, userID)
		return err
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("ensure inbox: %w", err)
	}
	return id, nil
}

// ListAll returns userID's live lists: the inbox first, then in the user's order. A user
// without an inbox gets one first, so the answer is never empty.
func (s *Store) ListAll(ctx context.Context, userID string) ([]List, error) {
	var lists []List
	read := func(ctx context.Context, q *db.Queries) error {
		rows, err := q.ListAll(ctx, userID)
		if err != nil {
			return err
		}
		lists = make([]List, len(rows))
		for i, r := range rows {
			lists[i] = listFromRow(r)
		}
		return nil
	}
	err := s.run(ctx, userID, autocommit, read)
	if err == nil && (len(lists) == 0 || !lists[0].Inbox) {
		// The first need of this user's inbox.
		if _, err = s.EnsureInbox(ctx, userID); err == nil {
			err = s.run(ctx, userID, autocommit, read)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("list lists: %w", err)
	}
	return lists, nil
}

// ListGet returns one of userID's live lists: ErrListNotFound when there is none.
func (s *Store) ListGet(ctx context.Context, userID string, id uuid.UUID) (List, error) {
	var list List
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		var err error
		list, err = readList(ctx, q, userID, id)
		return err
	})
	if err != nil {
		return List{}, fmt.Errorf("get list: %w", err)
	}
	return list, nil
}

// readList reads one of userID's live lists with q: ErrListNotFound when there is none.
func readList(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) (List, error) {
	row, err := q.ListGet(ctx, db.ListGetParams{UserID: userID, ID: id})
	if isNotFound(err) {
		return List{}, ErrListNotFound
	}
	if err != nil {
		return List{}, err
	}
	return listFromRow((*db.ListAllRow)(row)), nil
}
