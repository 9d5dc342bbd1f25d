package httpapi

import (
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// A list operation's input, checked against the contract's rules and normalised into the
// store's types.

// maxListName is the longest list name, in characters after trimming.
const maxListName = 100

// normListName trims a list's name and checks it as a task's title is checked.
func normListName(s string, fe *fieldErrors) string {
	n := trimText(s)
	switch count := utf8.RuneCountInString(n); {
	case count < 1 || count > maxListName:
		fe.add("/name", "must be 1 to %d characters after trimming", maxListName)
	case !visible(n):
		fe.add("/name", msgInvisible)
	}
	checkText("/name", n, fe)
	return n
}

// normColor lower-cases a colour (the validator has checked its #rrggbb form); nil for
// absent or null.
func normColor(c nullable.Nullable[string]) *string {
	if !c.IsSpecified() || c.IsNull() {
		return nil
	}
	v := strings.ToLower(c.MustGet())
	return &v
}

// listFields validates a new list.
func listFields(in api.ListInput) (store.ListFields, error) {
	var fe fieldErrors
	f := store.ListFields{Name: normListName(in.Name, &fe), Color: normColor(in.Color)}
	return f, fe.err()
}

// listChanges validates a list's merge patch: only the fields present change.
func listChanges(p api.ListPatch) (store.ListChanges, error) {
	var fe fieldErrors
	var c store.ListChanges
	if p.Name != nil {
		c.SetName, c.Fields.Name = true, normListName(*p.Name, &fe)
	}
	if p.Color.IsSpecified() {
		c.SetColor, c.Fields.Color = true, normColor(p.Color)
	}
	return c, fe.err()
}

// listMoveTarget is the list to move after; nil: first after the inbox.
func listMoveTarget(m api.ListMove) *uuid.UUID {
	if !m.AfterId.IsSpecified() || m.AfterId.IsNull() {
		return nil
	}
	id := m.AfterId.MustGet()
	return &id
}
