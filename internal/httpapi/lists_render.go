package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// listToAPI renders a list in the contract's shape; color is always written.
func listToAPI(l store.List) api.List {
	out := api.List{
		Id: l.ID, Name: l.Name, Inbox: l.Inbox, Role: api.ListRole(l.Role), MemberCount: l.MemberCount,
		Position: l.Position, CreatedAt: l.CreatedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(),
	}
	if l.Color != nil {
		out.Color.Set(*l.Color)
	} else {
		out.Color.SetNull()
	}
	return out
}

// listsToAPI renders the caller's lists, and their collection ETag: a weak validator hashed
// from the rendering itself (and the contract), so it changes exactly when the answer does —
// lists have no clock of their own to hash, and a change of a task inside a list does not
// change the list.
func listsToAPI(lists []store.List) ([]api.List, string, error) {
	out := make([]api.List, len(lists))
	for i, l := range lists {
		out[i] = listToAPI(l)
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, "", fmt.Errorf("encode lists: %w", err)
	}
	h := sha256.New()
	h.Write([]byte("todo-api lists v1\x00"))
	h.Write(contractSum[:])
	h.Write(body)
	return out, `W/"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:15]) + `"`, nil
}
