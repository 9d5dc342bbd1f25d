package httpapi

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// idempotencyInput checks an Idempotency-Key header and hashes the request it guards in its
// normalised form: requests that differ only in spacing, key order or tag case are the same
// request. No header: no key and no hash.
func idempotencyInput[R createRequest | bulkRequest | listCreateRequest](header *string, normalised R) (key string, hash []byte, err error) {
	if header == nil {
		return "", nil, nil
	}
	key = *header
	var fe fieldErrors
	if checkText("header.Idempotency-Key", key, &fe); len(fe) > 0 {
		return "", nil, badRequest("A header is invalid.", nil, fe...)
	}
	b, err := json.Marshal(normalised)
	if err != nil {
		return "", nil, fmt.Errorf("hash request: %w", err)
	}
	sum := sha256.Sum256(b)
	return key, sum[:], nil
}

// The request hashes of the keys held for the last 24 hours were computed from these
// forms, which are therefore frozen: changing a field, its name, its order or its encoding
// turns the retry of every key taken before the change into a 422 (key reused with another
// body). They are the JSON the store's TaskFields and Bulk had when the hash was introduced,
// held here so that the store's types can change; TestIdempotencyRequestHashIsFrozen pins
// the bytes.

// createRequest is a create (POST /api/tasks) as its request hash covers it.
type createRequest struct {
	Title       string
	Description *string
	Completed   bool
	Priority    string
	DueDate     *time.Time
	DueTime     *string
	Tags        []string
	Repeat      string `json:",omitempty"` // no repeat is omitted: hashed as before tasks could repeat
}

// createRequestOf is the hashed form of a create of f.
func createRequestOf(f store.TaskFields) createRequest {
	r := createRequest{Title: f.Title, Description: f.Description, Completed: f.Completed, Priority: string(f.Priority),
		DueDate: f.DueDate, DueTime: f.DueTime, Tags: f.Tags, Repeat: string(f.Repeat)}
	if r.Repeat == string(api.RepeatNone) {
		r.Repeat = ""
	}
	return r
}

// bulkRequest is a bulk action (POST /api/tasks/bulk) as its request hash covers it.
type bulkRequest struct {
	Action string
	IDs    []uuid.UUID
	Tags   []string
}

// bulkRequestOf is the hashed form of b.
func bulkRequestOf(b store.Bulk) bulkRequest {
	return bulkRequest{Action: string(b.Action), IDs: b.IDs, Tags: b.Tags}
}

// listCreateRequest is a list create (POST /api/lists) as its request hash covers it.
type listCreateRequest struct {
	Name  string
	Color *string
}

// listCreateRequestOf is the hashed form of a list create of f.
func listCreateRequestOf(f store.ListFields) listCreateRequest {
	return listCreateRequest{Name: f.Name, Color: f.Color}
}
