package httpapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

func testScope() cursorScope {
	return cursorScope{key: []byte("a cursor key of thirty-two bytes"), userID: "user", query: "order=asc&sort=title"}
}

// TestCursorWorstCaseFits: the longest cursor either kind of payload can make is within the
// contract's 1024 characters — a key of maxCursorKey bytes travels whole; a longer one (200
// four-byte characters and more) by its task, with an anchor of maxCursorKey bytes.
func TestCursorWorstCaseFits(t *testing.T) {
	t.Parallel()
	sc := testScope()
	id := uuid.Max
	longest := strings.Repeat("k", maxCursorKey)
	for name, tc := range map[string]struct {
		next store.Position
		from seek
	}{
		"ExactLongest":               {store.Position{Key: longest, ID: id}, seek{}},
		"ByTaskWithoutAnchor":        {store.Position{Key: strings.Repeat("😀", 200), ID: id}, seek{}},
		"ByTaskWithLongestAnchor":    {store.Position{Key: strings.Repeat("😀", 1000), ID: id}, seek{anchor: &store.Position{Key: longest, ID: id}}},
		"ByTaskWithForgedLongAnchor": {store.Position{Key: strings.Repeat("😀", 1000), ID: id}, seek{anchor: &store.Position{Key: longest + "kkkkkkkkkkkkkkkkk", ID: id}}},
	} {
		c := encodeCursor(tc.next, tc.from, sc)
		if len(c) > maxCursor {
			t.Errorf("%s: %d characters, more than %d", name, len(c), maxCursor)
		}
	}
	kind := func(key string) byte {
		c := encodeCursor(store.Position{Key: key, ID: id}, seek{}, sc)
		payload, err := cursorEncoding.DecodeString(strings.Split(c, ".")[0])
		if err != nil {
			t.Fatal(err)
		}
		return payload[0]
	}
	if kind(longest) != cursorExact || kind(longest+"k") != cursorByTask {
		t.Errorf("a key of maxCursorKey bytes is kind %d, one byte longer kind %d", kind(longest), kind(longest+"k"))
	}
}

// TestCursorRoundTrip: what a cursor says comes back — exactly, by its task while the task
// keeps its key, and as the anchor when it lost it or is gone.
func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc := testScope()
	id, anchorID := uuid.New(), uuid.New()
	short := store.Position{Key: "a <short> key", ID: id}
	long := store.Position{Key: strings.Repeat("😀", 200), ID: id}
	anchor := &store.Position{Key: "anchor", ID: anchorID}
	keyOf := func(key string, err error) func(context.Context, uuid.UUID) (string, error) {
		return func(_ context.Context, got uuid.UUID) (string, error) {
			if got != id {
				t.Errorf("looked up %s, want %s", got, id)
			}
			return key, err
		}
	}
	boom := errors.New("database down")
	for _, tc := range []struct {
		name    string
		next    store.Position
		from    seek
		keyOf   func(context.Context, uuid.UUID) (string, error)
		after   *store.Position
		anchor  *store.Position
		wantErr error
	}{
		{"Exact", short, seek{anchor: anchor}, nil, &short, &short, nil},
		{"ByTaskUnchanged", long, seek{anchor: anchor}, keyOf(long.Key, nil), &long, anchor, nil},
		{"ByTaskRetitled", long, seek{anchor: anchor}, keyOf(long.Key+"!", nil), anchor, anchor, nil},
		{"ByTaskPurged", long, seek{anchor: anchor}, keyOf("", store.ErrNotFound), anchor, anchor, nil},
		{"ByTaskFromTheStart", long, seek{}, keyOf("", store.ErrNotFound), nil, nil, nil},
		{"ByTaskUnchangedFromTheStart", long, seek{}, keyOf(long.Key, nil), &long, nil, nil},
		{"ByTaskNoLookup", long, seek{anchor: anchor}, nil, anchor, anchor, nil},
		{"ByTaskLookupFails", long, seek{anchor: anchor}, keyOf("", boom), nil, nil, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeCursor(ctx, encodeCursor(tc.next, tc.from, sc), sc, tc.keyOf)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if !samePosition(got.after, tc.after) || !samePosition(got.anchor, tc.anchor) {
				t.Errorf("after %+v anchor %+v, want %+v and %+v", got.after, got.anchor, tc.after, tc.anchor)
			}
		})
	}
}

func samePosition(a, b *store.Position) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// TestCursorEveryEditIsRefused changes each character of a cursor to every other character
// of the alphabet, one at a time: each edit is refused. The encoding is strict, so no two
// spellings decode alike (unpadded base64 has spare bits in its last character), and the
// tag covers every payload byte.
func TestCursorEveryEditIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc := testScope()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
	for _, next := range []store.Position{{Key: "short", ID: uuid.New()}, {Key: strings.Repeat("😀", 200), ID: uuid.New()}} {
		c := encodeCursor(next, seek{anchor: &store.Position{Key: "anchor", ID: uuid.New()}}, sc)
		if _, err := decodeCursor(ctx, c, sc, nil); err != nil {
			t.Fatalf("the cursor itself: %v", err)
		}
		for i := range len(c) {
			for _, r := range alphabet {
				if byte(r) == c[i] {
					continue
				}
				edited := c[:i] + string(r) + c[i+1:]
				if _, err := decodeCursor(ctx, edited, sc, nil); !errors.Is(err, errBadCursor) {
					t.Fatalf("character %d changed to %q: %v, want errBadCursor", i, r, err)
				}
			}
		}
	}
}

// TestCursorScope: a cursor is good for its own user and listing only.
func TestCursorScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc := testScope()
	c := encodeCursor(store.Position{Key: "k", ID: uuid.New()}, seek{}, sc)
	for name, other := range map[string]cursorScope{
		"OtherUser":  {key: sc.key, userID: "other", query: sc.query},
		"OtherQuery": {key: sc.key, userID: sc.userID, query: "order=desc&sort=title"},
		"OtherKey":   {key: []byte("another key of thirty-two bytes!"), userID: sc.userID, query: sc.query},
	} {
		if _, err := decodeCursor(ctx, c, other, nil); !errors.Is(err, errBadCursor) {
			t.Errorf("%s: %v, want errBadCursor", name, err)
		}
	}
}
