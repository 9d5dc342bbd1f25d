package httpapi

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

// TestIdempotencyRequestHashIsFrozen: the request hashes of a create and of a bulk action are
// the ones keys already held were stored with (computed from the store's TaskFields and Bulk
// as they were until issue 13), so a retry sent across a deploy still replays.
func TestIdempotencyRequestHashIsFrozen(t *testing.T) {
	t.Parallel()
	desc, due, at := "Forms are in the blue folder.", time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), "09:30"
	ids := []uuid.UUID{uuid.MustParse("0190b5c2-7d3e-7a1b-9c4d-5e6f7a8b9c0d"), uuid.MustParse("0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10")}
	key := "k"
	for _, tc := range []struct {
		name string
		hash func() (string, []byte, error)
		want string
	}{
		{"CreateWithDefaults", func() (string, []byte, error) {
			return idempotencyInput(&key, createRequestOf(store.TaskFields{Title: "Buy milk", Priority: "medium", Tags: []string{}}))
		}, "eddfef88de35991660f4130650109438e02ec8c966ddea17ab1d109b0e91e501"},
		{"CreateWithRepeatNone", func() (string, []byte, error) {
			return idempotencyInput(&key, createRequestOf(store.TaskFields{Title: "Buy milk", Priority: "medium", Tags: []string{}, Repeat: "none"}))
		}, "eddfef88de35991660f4130650109438e02ec8c966ddea17ab1d109b0e91e501"},
		{"CreateWithEveryField", func() (string, []byte, error) {
			return idempotencyInput(&key, createRequestOf(store.TaskFields{Title: "File the tax return", Description: &desc, Completed: true,
				Priority: "high", DueDate: &due, DueTime: &at, Tags: []string{"admin", "money"}, Repeat: "yearly"}))
		}, "db1db02321fd14bcb243db5b98ead669b38b16a0d85c8e468ef544bccd0b88d9"},
		{"BulkWithTags", func() (string, []byte, error) {
			return idempotencyInput(&key, bulkRequestOf(store.Bulk{Action: "add_tags", IDs: ids, Tags: []string{"urgent"}}))
		}, "80320c78a017d906e31cb37a240af710e068ea2a76a56fce1da1734147863220"},
		{"BulkWithoutTags", func() (string, []byte, error) {
			return idempotencyInput(&key, bulkRequestOf(store.Bulk{Action: "complete", IDs: ids[:1]}))
		}, "df21cb686f85a041c631e3cc8ae1280f079947a2587b58e99af3392e80f7297d"},
	} {
		k, hash, err := tc.hash()
		if err != nil || k != key {
			t.Fatalf("%s: key %q, err %v", tc.name, k, err)
		}
		if got := hex.EncodeToString(hash); got != tc.want {
			t.Errorf("%s: request hash %s, want %s (the hash keys already held were stored with)", tc.name, got, tc.want)
		}
	}
}
