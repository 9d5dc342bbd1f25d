package httpapi

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

// A cursor is opaque to clients: base64url(JSON position) "." base64url(check), where the
// check is a SHA-256 over the position, the caller and the listing it belongs to (filters,
// sort, order, limit excluded). A cursor edited by hand, issued to another user or used with
// other filters fails the check and is a 400; it never reaches the database.

// errBadCursor is the one error a malformed, tampered or foreign cursor gives.
var errBadCursor = errors.New("invalid cursor")

type cursorPosition struct {
	Key string    `json:"k"`
	ID  uuid.UUID `json:"i"`
}

// cursorScope identifies the listing a cursor belongs to: the caller and a canonical form
// of the filters and order.
type cursorScope struct {
	userID string
	query  string
}

func (sc cursorScope) check(payload []byte) []byte {
	h := sha256.New()
	h.Write([]byte("todo-api cursor v1\x00"))
	h.Write([]byte(sc.userID))
	h.Write([]byte{0})
	h.Write([]byte(sc.query))
	h.Write([]byte{0})
	h.Write(payload)
	return h.Sum(nil)[:16]
}

func encodeCursor(pos store.Position, sc cursorScope) (string, error) {
	payload, err := json.Marshal(cursorPosition{Key: pos.Key, ID: pos.ID})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(sc.check(payload)), nil
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
	check, err := enc.DecodeString(string(c))
	if err != nil || subtle.ConstantTimeCompare(check, sc.check(payload)) != 1 {
		return nil, errBadCursor
	}
	var pos cursorPosition
	if err := json.Unmarshal(payload, &pos); err != nil || pos.ID == uuid.Nil {
		return nil, errBadCursor
	}
	return &store.Position{Key: pos.Key, ID: pos.ID}, nil
}
