package httpapi

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// The change feeds: how a client keeps a local copy of its tasks, or of a list's, current.

// ListTaskChanges is GET /api/tasks/changes: what changed in the caller's own lists after
// updated_after, tombstones included, in pages; 304 while the caller's clock has not moved.
func (h *handlers) ListTaskChanges(ctx context.Context, req api.ListTaskChangesRequestObject) (api.ListTaskChangesResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	f := feed{
		path:  "/api/tasks/changes",
		scope: "changes",
		clock: func() (store.Clock, error) { return h.store.UserClock(ctx, user) },
		read: func(cp store.ChangesParams) ([]store.Task, *store.Position, error) {
			return h.store.TaskChanges(ctx, user, cp)
		},
	}
	page, err := h.feedPage(ctx, user, f, req.Params)
	if err != nil {
		return nil, err
	}
	if page.body == nil {
		return api.ListTaskChanges304Response{Headers: api.CollectionNotModifiedResponseHeaders{ETag: page.tag}}, nil
	}
	return api.ListTaskChanges200JSONResponse{Body: page.body, Headers: api.ListTaskChanges200ResponseHeaders{ETag: page.tag, Link: page.link}}, nil
}

// feed is one change feed: where it is served, what keeps its cursors and ETags apart from
// other feeds', its clock (what its ETag hashes) and its pages.
type feed struct {
	path  string
	scope string
	clock func() (store.Clock, error)
	read  func(store.ChangesParams) ([]store.Task, *store.Position, error)
}

// feedPage is one page of a feed: its ETag, and its changes (nil when If-None-Match
// matches: 304) with the Link to the next page.
type feedPage struct {
	tag  string
	body []api.TaskChange
	link *string
}

// feedPage answers a feed's request: the cursor checked against the query it was issued
// for, 304 while the feed's clock has not moved, else a page.
func (h *handlers) feedPage(ctx context.Context, user string, f feed, p api.ListTaskChangesParams) (feedPage, error) {
	cp := store.ChangesParams{Limit: 50}
	if p.Limit != nil {
		cp.Limit = *p.Limit
	}
	canon := url.Values{}
	if p.UpdatedAfter != nil {
		after := p.UpdatedAfter.UTC()
		cp.UpdatedAfter = &after
		canon.Set("updated_after", after.Format(time.RFC3339Nano))
	}
	// The prefix keeps listing cursors and feed cursors (and one feed's from another's) apart.
	scope, err := h.cursorKey.scope(ctx, user, f.scope+"\x00"+canon.Encode())
	if err != nil {
		return feedPage{}, err
	}
	var from seek
	if p.Cursor != nil {
		// A change's key is a timestamp, which always fits in a cursor: none names its task.
		if from, err = decodeCursor(ctx, *p.Cursor, scope, nil); err != nil {
			return feedPage{}, badCursor("feed")
		}
		cp.After = from.after
	}
	clock, err := f.clock()
	if err != nil {
		return feedPage{}, err
	}
	page := feedPage{tag: collectionETag(f.scope, user, clock, pageQuery(canon, cp.Limit, p.Cursor))}
	if noneMatch(p.IfNoneMatch, page.tag) {
		return page, nil
	}
	changes, next, err := f.read(cp)
	if err != nil {
		if cp.After != nil && errors.Is(err, store.ErrInvalid) {
			return feedPage{}, badCursor("feed")
		}
		return feedPage{}, err
	}
	page.body = make([]api.TaskChange, len(changes))
	for i, t := range changes {
		if err := toChange(t, &page.body[i]); err != nil {
			return feedPage{}, err
		}
	}
	if next != nil {
		page.link = nextLink(f.path, canon, cp.Limit, encodeCursor(*next, from, scope))
	}
	return page, nil
}
