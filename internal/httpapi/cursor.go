package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

// A cursor is opaque to clients: base64url(payload) "." base64url(tag), where the tag is an
// HMAC-SHA-256, keyed with the database's cursor key, over the payload, the caller and the
// listing it belongs to (filters, sort, order; limit excluded). A client cannot make a valid
// cursor, only hand back one the service issued: a cursor edited by hand, issued to another
// user or used with other filters fails the check and is a 400; its position never reaches
// the database. Every replica reads the same key (db/migrations/0007), so a cursor from one
// is good at the others.
//
// A cursor always fits the contract's 1024 characters. The payload is binary, so a key costs
// its bytes and nothing more (JSON wrote '<' as six). A key of up to maxCursorKey bytes —
// every key but a title of some 175 four-byte characters — travels whole:
//
//	cursorExact | id (16) | key
//
// A longer one does not fit whatever the encoding (200 emoji are 800 bytes), so the cursor
// names the page's last task, a digest of its key, and an anchor — a position at or before
// the page's end whose key fits (the position the page started after, or that cursor's own
// anchor), absent for the start of the listing:
//
//	cursorByTask | id (16) | sha256(key)[:16] | [anchor id (16) | anchor key]
//
// The next request reads the task's key (store.TaskListKey; tombstones keep theirs): while
// its digest matches, the page continues exactly after it. When the task was retitled or
// purged meanwhile, the page continues after the anchor instead: it precedes the lost
// position in the listing's own order — whatever the database's collation and the direction,
// since the anchor is a place the listing has already passed — so tasks may repeat but none
// is skipped.

// errBadCursor is the one error a malformed, tampered or foreign cursor gives.
var errBadCursor = errors.New("invalid cursor")

// badCursor is the 400 for a cursor that is not one this listing (of: "listing", "feed")
// issued, or whose position the database cannot read.
func badCursor(of string) *problemError {
	return badQuery("query.cursor", "not a cursor this "+of+" issued; start again without it")
}

// Payload kinds.
const (
	cursorExact  byte = 1
	cursorByTask byte = 2
)

const (
	// maxCursor is the contract's maxLength of the cursor parameter.
	maxCursor = 1024
	tagLen    = 16
	digestLen = 16
	// maxCursorPayload is the longest payload whose cursor (payload, ".", tag) fits maxCursor.
	maxCursorPayload = (maxCursor - 1 - (tagLen*8+5)/6) * 6 / 8
	// maxCursorKey is the longest key a cursor carries: in either kind of payload.
	maxCursorKey = maxCursorPayload - 1 - 16 - digestLen - 16
)

// cursorScope identifies the listing a cursor belongs to: the caller and a canonical form
// of the filters and order, with the key that signs it.
type cursorScope struct {
	key    []byte
	userID string
	query  string
}

func (sc cursorScope) tag(payload []byte) []byte {
	m := hmac.New(sha256.New, sc.key)
	m.Write([]byte("todo-api cursor v3\x00"))
	m.Write([]byte(sc.userID))
	m.Write([]byte{0})
	m.Write([]byte(sc.query))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:tagLen]
}

// cursorEncoding is base64url without padding, strict: a cursor has exactly one spelling, so
// changing any character of it changes the bytes the tag covers — once decodeCursor has
// refused line breaks, which encoding/base64 skips even in strict mode.
var cursorEncoding = base64.RawURLEncoding.Strict()

// seek is where a page starts: after the position after (nil: at the start of the listing),
// with anchor, a position at or before it whose key fits in a cursor (nil: the start).
type seek struct {
	after, anchor *store.Position
}

// encodeCursor returns the cursor of the page that follows the page from started at and ended
// at next.
func encodeCursor(next store.Position, from seek, sc cursorScope) string {
	var payload []byte
	if len(next.Key) <= maxCursorKey {
		payload = append(append([]byte{cursorExact}, next.ID[:]...), next.Key...)
	} else {
		payload = append(append([]byte{cursorByTask}, next.ID[:]...), keyDigest(next.Key)...)
		if a := from.anchor; a != nil && len(a.Key) <= maxCursorKey {
			payload = append(append(payload, a.ID[:]...), a.Key...)
		}
	}
	return cursorEncoding.EncodeToString(payload) + "." + cursorEncoding.EncodeToString(sc.tag(payload))
}

// decodeCursor returns where the page a cursor asks for starts. keyOf reads a task's current
// key in the listing's order (store.ErrNotFound when it has none); nil: there is none to read
// (a feed, whose keys are short timestamps, never issues a cursor that needs it).
func decodeCursor(ctx context.Context, s string, sc cursorScope, keyOf func(ctx context.Context, id uuid.UUID) (string, error)) (seek, error) {
	p, c, ok := strings.Cut(s, ".")
	if !ok || strings.ContainsAny(s, "\r\n") {
		return seek{}, errBadCursor
	}
	payload, err := cursorEncoding.DecodeString(p)
	if err != nil {
		return seek{}, errBadCursor
	}
	tag, err := cursorEncoding.DecodeString(c)
	if err != nil || !hmac.Equal(tag, sc.tag(payload)) {
		return seek{}, errBadCursor
	}
	// From here on the payload is one this service wrote for this listing.
	if len(payload) < 17 {
		return seek{}, errBadCursor
	}
	kind, id, rest := payload[0], uuid.UUID(payload[1:17]), payload[17:]
	if id == uuid.Nil {
		return seek{}, errBadCursor
	}
	switch kind {
	case cursorExact:
		pos := &store.Position{Key: string(rest), ID: id}
		return seek{after: pos, anchor: pos}, nil
	case cursorByTask:
		if len(rest) < digestLen {
			return seek{}, errBadCursor
		}
		digest, rest := rest[:digestLen], rest[digestLen:]
		var anchor *store.Position
		if len(rest) > 0 {
			if len(rest) < 16 || uuid.UUID(rest[:16]) == uuid.Nil {
				return seek{}, errBadCursor
			}
			anchor = &store.Position{ID: uuid.UUID(rest[:16]), Key: string(rest[16:])}
		}
		if keyOf != nil {
			key, err := keyOf(ctx, id)
			switch {
			case err == nil && hmac.Equal(keyDigest(key), digest):
				return seek{after: &store.Position{Key: key, ID: id}, anchor: anchor}, nil
			case err != nil && !errors.Is(err, store.ErrNotFound):
				return seek{}, err
			}
		}
		// The task is gone or no longer has that key: continue after the anchor.
		return seek{after: anchor, anchor: anchor}, nil
	}
	return seek{}, errBadCursor
}

// keyDigest identifies a key too long for a cursor.
func keyDigest(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:digestLen]
}

// pageQuery is a page's query: the listing's canonical query with the page's limit and,
// when it has one, its cursor.
func pageQuery(canon url.Values, limit int, cursor *string) url.Values {
	q := make(url.Values, len(canon)+2)
	maps.Copy(q, canon)
	q.Set("limit", strconv.Itoa(limit))
	if cursor != nil {
		q.Set("cursor", *cursor)
	}
	return q
}

// nextLink is the Link header naming the page after this one: path with the listing's
// canonical query, the limit and cursor.
func nextLink(path string, canon url.Values, limit int, cursor string) *string {
	link := fmt.Sprintf(`<%s?%s>; rel="next"`, path, pageQuery(canon, limit, &cursor).Encode())
	return &link
}

// cursorKey loads the cursor key from the store on first use and keeps it: a database that
// is down at start delays the first listing (503 until it answers), not the start.
type cursorKey struct {
	load func(ctx context.Context) ([]byte, error)
	mu   sync.Mutex // serialises loads
	key  atomic.Pointer[[]byte]
}

// get returns the key, loading it if no call has yet.
func (k *cursorKey) get(ctx context.Context) ([]byte, error) {
	if key := k.key.Load(); key != nil {
		return *key, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if key := k.key.Load(); key != nil {
		return *key, nil
	}
	key, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	k.key.Store(&key)
	return key, nil
}

// scope is the cursor scope of the listing query for userID, signed with the key.
func (k *cursorKey) scope(ctx context.Context, userID, query string) (cursorScope, error) {
	key, err := k.get(ctx)
	if err != nil {
		return cursorScope{}, err
	}
	return cursorScope{key: key, userID: userID, query: query}, nil
}
