package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"
	"unicode/utf8"
)

// fuzzTaskJSON is the task that the replace, merge-patch and complete inputs of
// FuzzTaskBody edit.
const fuzzTaskJSON = `{"title":"File the tax return","description":"Forms are in the blue folder.","priority":"high",` +
	`"due_date":"2026-12-31","tags":["admin","money"]}`

// fuzzBodyOps are the operations FuzzTaskBody sends its body to, chosen by op % 4; path
// ends where the id of the task to edit goes, if it needs one.
var fuzzBodyOps = []struct{ method, path, suffix string }{
	{http.MethodPost, "/api/tasks", ""},
	{http.MethodPut, "/api/tasks/", ""},
	{http.MethodPatch, "/api/tasks/", ""},
	{http.MethodPatch, "/api/tasks/", "/complete"},
}

// FuzzTaskBody sends arbitrary bytes with an arbitrary Content-Type as the body of create,
// replace, merge-patch and complete, each input for a user of its own: a create in an empty
// account, the others on a task the input has just created (fuzzTaskJSON). Besides what every
// response keeps (fuzzEnv.serve: nothing reaches PostgreSQL that it refuses, the task
// answered keeps the task rules, every refusal is a 4xx problem), the task is found (never
// 404), and a write that succeeds keeps what its body said: a due_date, priority or
// completed the body sets is what the task has.
func FuzzTaskBody(f *testing.F) {
	env := newFuzzEnv(f)
	f.Add(uint8(0), "application/json", []byte(`{"title":"Buy milk"}`))
	f.Add(uint8(1), "application/json", []byte(`{"title":"  Buy oat milk  ","completed":false,"priority":"low","tags":["Shopping"," shopping "]}`))
	f.Add(uint8(2), "application/merge-patch+json", []byte(`{"completed":true,"due_date":null}`))
	f.Add(uint8(3), "", []byte(nil))
	// Issue 12: many unknown properties, invisible and altered text.
	f.Add(uint8(0), "application/json", []byte(`{"title":"x","p0":1,"p1":1,"p2":1}`))
	f.Add(uint8(1), "application/json", []byte(`{"title":"\u200b\ufeff","tags":["\u2060"]}`))
	f.Add(uint8(2), "application/merge-patch+json", []byte(`{"title":"a\ud800","description":"\udc00"}`))
	f.Add(uint8(0), "application/json", []byte("{\"title\":\"\xff\"}"))
	f.Fuzz(func(t *testing.T, op uint8, contentType string, body []byte) {
		ct, ok := headerValue(contentType)
		if !ok {
			return
		}
		_, token := env.freshUser(t)
		o := fuzzBodyOps[int(op)%len(fuzzBodyOps)]
		path := o.path
		if o.method != http.MethodPost {
			path += env.createTask(t, token, fuzzTaskJSON).Id.String() + o.suffix
		}
		r := fuzzRequest(o.method, path, "", body)
		r.Header.Set("Authorization", "Bearer "+token)
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		w := env.serve(t, r)
		switch {
		case w.Code == http.StatusNotFound:
			t.Fatalf("%s %s: 404 for the caller's own task: %s", r.Method, path, w.Body)
		case w.Code < 300 && o.suffix == "":
			keepsWhatItWrote(t, body, w.Body.Bytes())
		}
	})
}

// keepsWhatItWrote fails t unless the task in answer has the due_date, priority and
// completed that body, a JSON object, gave it (fields the body leaves out or sets to null
// are not compared: a merge patch's null deletes).
func keepsWhatItWrote(t *testing.T, body, answer []byte) {
	t.Helper()
	sent, err := jsonMembers(body)
	if err != nil {
		return // accepted as JSON by the service, but a spelling whose meaning is its own choice
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(answer, &got); err != nil {
		t.Fatalf("answer %s: %v", answer, err)
	}
	for _, name := range []string{"due_date", "priority", "completed"} {
		raw, ok := sent[name]
		if !ok {
			continue
		}
		var want, have any
		if json.Unmarshal(raw, &want) != nil || want == nil {
			continue
		}
		if err := json.Unmarshal(got[name], &have); err != nil || !reflect.DeepEqual(have, want) {
			t.Fatalf("the body set %s to %s, the task has %s: %s", name, raw, got[name], answer)
		}
	}
}

// errNotJSONObject: the body is not one JSON object (the echo checks do not apply).
var errNotJSONObject = errors.New("not a JSON object")

// jsonMembers decodes body as one JSON object, keeping each member's raw value; duplicate
// members make it refuse (which member a decoder keeps is its own choice).
func jsonMembers(body []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(body) {
		return nil, errNotJSONObject
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, errNotJSONObject
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errNotJSONObject
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, errNotJSONObject
		}
		if _, dup := m[name]; dup {
			return nil, errNotJSONObject
		}
		m[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, errNotJSONObject
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errNotJSONObject
	}
	return m, nil
}
