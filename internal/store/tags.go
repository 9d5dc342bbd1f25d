package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// TagCount is one tag with the number of live tasks that carry it.
type TagCount struct {
	Name  string
	Count int64
}

// MaxTagPage is the largest page of TagList, and the default: MaxTags, so that one page
// holds every tag of a user within the quota.
const MaxTagPage = MaxTags

// TagListParams select a page of TagList.
type TagListParams struct {
	// Limit is the page size, 1 to MaxTagPage (0: MaxTagPage).
	Limit int
	// After continues after a page's last tag (see TagPosition).
	After *Position
	// ListID counts one list's tasks only: ErrNotFound when it is not one of the user's
	// live lists.
	ListID *uuid.UUID
}

// tagPositionSpace is the namespace of the ids TagPosition derives from tag names.
var tagPositionSpace = uuid.MustParse("0b1e1f5c-7a43-5c8e-9d7e-3f6b2a4c9e10")

// TagPosition is where a page of tags that ends at name ends. Tags have no id of their own
// (a name is unique per user), so its ID is derived from the name, and a position whose ID
// does not match its Key is not one TagList gave out.
func TagPosition(name string) Position {
	return Position{Key: name, ID: uuid.NewSHA1(tagPositionSpace, []byte(name))}
}

// TagList returns a page of the tags on the live tasks of every list userID is a member of,
// with their counts, by name (byte order), and, when more follow, the position to continue
// after. It reads a page of the per-owner tag counts the database keeps (user_tags) for
// userID's own lists and adds the counts over the live tasks of other owners' lists shared
// with userID — or, for one list (p.ListID), counts them over that list's live tasks.
func (s *Store) TagList(ctx context.Context, userID string, p TagListParams) ([]TagCount, *Position, error) {
	if p.Limit <= 0 {
		p.Limit = MaxTagPage
	}
	if p.Limit > MaxTagPage {
		return nil, nil, fmt.Errorf("list tags: limit %d: %w", p.Limit, ErrInvalid)
	}
	params := db.TagListParams{UserID: userID, RowLimit: int32(p.Limit + 1)}
	if p.After != nil {
		if TagPosition(p.After.Key) != *p.After {
			return nil, nil, fmt.Errorf("list tags: position %q: %w", p.After.Key, ErrInvalid)
		}
		params.After = &p.After.Key
	}
	var tags []TagCount
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		if p.ListID != nil {
			if _, err := readableList(ctx, q, userID, *p.ListID); err != nil {
				return err
			}
			rows, err := q.TagListInList(ctx, db.TagListInListParams{UserID: userID, ListID: *p.ListID, After: params.After, RowLimit: params.RowLimit})
			tags = make([]TagCount, len(rows))
			for i, r := range rows {
				tags[i] = TagCount{Name: r.Name, Count: r.Count}
			}
			return err
		}
		rows, err := q.TagList(ctx, params)
		if err != nil {
			return err
		}
		tags = make([]TagCount, len(rows))
		for i, r := range rows {
			tags[i] = TagCount{Name: r.Name, Count: r.Count}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list tags: %w", err)
	}
	if len(tags) > p.Limit {
		tags = tags[:p.Limit]
		next := TagPosition(tags[len(tags)-1].Name)
		return tags, &next, nil
	}
	return tags, nil, nil
}
