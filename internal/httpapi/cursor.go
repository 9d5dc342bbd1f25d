package httpapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

// A cursor is opaque to clients: base64url(JSON position) "." base64url(tag), where the tag
// is an HMAC-SHA-256, keyed with the database's cursor key, over the position, the caller and
// the listing it belongs to (filters, sort, order; limit excluded). A client cannot make a
// valid cursor, only hand back one the service issued: a cursor edited by hand, issued to
// another user or used with other filters fails the check and is a 400; its position never
// reaches the database. Every replica reads the same key (db/migrations/0007), so a cursor
// from one is good at the others.

// errBadCursor is the one error a malformed, tampered or foreign cursor gives.
var errBadCursor = errors.New("invalid cursor")

type cursorPosition struct {
	Key string    `json:"k"`
	ID  uuid.UUID `json:"i"`
}

// cursorScope identifies the listing a cursor belongs to: the caller and a canonical form
// of the filters and order, with the key that signs it.
type cursorScope struct {
	key    []byte
	userID string
	query  string
}

func (sc cursorScope) tag(payload []byte) []byte {
	m := hmac.New(sha256.New, sc.key)
	m.Write([]byte("todo-api cursor v2\x00"))
	m.Write([]byte(sc.userID))
	m.Write([]byte{0})
	m.Write([]byte(sc.query))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:16]
}

func encodeCursor(pos store.Position, sc cursorScope) (string, error) {
	payload, err := json.Marshal(cursorPosition{Key: pos.Key, ID: pos.ID})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(sc.tag(payload)), nil
}

func decodeCursor(s string, sc cursorScope) (*store.Position, error) {
	enc := base64.RawURLEncoding
	p, c, ok := bytes.Cut([]byte(s), []byte("."))
	if !ok {
		return nil, errBadCursor
	}
	payload, err := enc.DecodeString(string(p))
	if err != nil {
		return nil, errBadCursor
	}
	tag, err := enc.DecodeString(string(c))
	if err != nil || !hmac.Equal(tag, sc.tag(payload)) {
		return nil, errBadCursor
	}
	var pos cursorPosition
	if err := json.Unmarshal(payload, &pos); err != nil || pos.ID == uuid.Nil {
		return nil, errBadCursor
	}
	return &store.Position{Key: pos.Key, ID: pos.ID}, nil
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
