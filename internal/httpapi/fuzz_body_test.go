package httpapi_test

import (
	"net/http"
	"testing"
)

// fuzzBodyOps are the operations FuzzTaskBody sends its body to, chosen by op % 4.
var fuzzBodyOps = []struct{ method, path string }{
	{http.MethodPost, "/api/tasks"},
	{http.MethodPut, "/api/tasks/" + fuzzTaskID.String()},
	{http.MethodPatch, "/api/tasks/" + fuzzTaskID.String()},
	{http.MethodPatch, "/api/tasks/" + fuzzTaskID.String() + "/complete"},
}

// FuzzTaskBody sends arbitrary bytes with an arbitrary Content-Type as the body of create,
// replace, merge-patch and complete. Whatever the input, nothing reaches the store that
// breaks the task rules (trimmed title of 1..200 characters, description of at most 2000,
// at most 10 trimmed lower-case unique tags of 1..32, a known priority, no NUL), and
// every refusal is a 4xx problem.
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
		o := fuzzBodyOps[int(op)%len(fuzzBodyOps)]
		r := fuzzRequest(o.method, o.path, "", body)
		r.Header.Set("Authorization", "Bearer "+env.token)
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		w := env.serve(t, r)
		if w.Code < 300 {
			checkTask(t, w.Body.Bytes())
		}
	})
}
