package httpapi

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// TestTaskJSONKnowsTask fails when api.Task changes shape (a field added to the contract):
// the responses stay correct — taskResponse falls back to encoding/json — but lose the fast
// path until appendTask and taskJSONFields learn the new field.
func TestTaskJSONKnowsTask(t *testing.T) {
	t.Parallel()
	if !fastTaskJSON {
		typ := reflect.TypeFor[api.Task]()
		var got []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			got = append(got, f.Name+" "+f.Type.String()+" "+f.Tag.Get("json"))
		}
		t.Fatalf("api.Task is no longer the shape appendTask writes, so every task body takes encoding/json; "+
			"teach appendTask the change and update taskJSONFields to:\n\t%s", strings.Join(got, "\n\t"))
	}
}

// encodingJSON is what the generated response types write for the same body.
func encodingJSON(r taskResponse) ([]byte, error) {
	var v any
	if r.one {
		v = toAPI(r.tasks[0])
	} else {
		page := make([]api.Task, len(r.tasks))
		for i, x := range r.tasks {
			page[i] = toAPI(x)
		}
		v = page
	}
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

var awkwardStrings = []string{
	"", "Buy milk", "a\"b", `back\slash`, "<b>&amp;</b>", "tab\there", "new\nline", "\r\f\b\x00\x1f\x7f",
	"Café ☕", "日本語", "emoji 🧪", "\u2028\u2029", "bad \xff utf8", "\xc3", "replacement \uFFFD ok",
	"/slashes/", "'single'", "%41", strings.Repeat("x", 300),
}

func randomTask(rng *rand.Rand) store.Task {
	pick := func() string {
		if rng.IntN(3) == 0 {
			b := make([]byte, rng.IntN(12))
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			return string(b)
		}
		return awkwardStrings[rng.IntN(len(awkwardStrings))]
	}
	ptr := func(s string) *string {
		if rng.IntN(2) == 0 {
			return nil
		}
		return &s
	}
	ts := func() time.Time {
		zones := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -7*3600)}
		years := []int{2026, 1999, 0, 9999, 1, 2100, -1, 10000}
		return time.Date(years[rng.IntN(len(years))], time.Month(1+rng.IntN(12)), 1+rng.IntN(28),
			rng.IntN(24), rng.IntN(60), rng.IntN(60), []int{0, 1000, 123456000, 999999999, 5}[rng.IntN(5)], zones[rng.IntN(len(zones))])
	}
	id := func() uuid.UUID {
		var u uuid.UUID
		for i := range u {
			u[i] = byte(rng.IntN(256))
		}
		return u
	}
	task := store.Task{
		ID: id(), ListID: id(), SubtasksTotal: rng.IntN(1 << rng.IntN(31)), SubtasksCompleted: rng.IntN(3),
		Title: pick(), Description: ptr(pick()), Completed: rng.IntN(2) == 0,
		Priority: []store.Priority{"low", "medium", "high"}[rng.IntN(3)], DueTime: ptr("17:0" + string(rune('0'+rng.IntN(10)))),
		CreatedAt: ts(), UpdatedAt: ts(), Version: rng.Int64(), Position: pick(),
	}
	if rng.IntN(2) == 0 {
		parent := id()
		task.ParentID = &parent
	}
	if rng.IntN(2) == 0 {
		d := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		task.DueDate = &d
	}
	if rng.IntN(2) == 0 {
		c := ts()
		task.CompletedAt = &c
	}
	switch rng.IntN(3) {
	case 0: // nil: toAPI sends []
	case 1:
		task.Tags = []string{}
	default:
		for range rng.IntN(4) {
			task.Tags = append(task.Tags, pick())
		}
	}
	return task
}

// saneTask gives t times encoding/json accepts.
func saneTask(t store.Task) store.Task {
	now := time.Date(2026, 11, 25, 21, 0, 0, 123456789, time.UTC)
	t.CreatedAt, t.UpdatedAt = now, now
	if t.CompletedAt != nil {
		t.CompletedAt = &now
	}
	return t
}

// TestTaskJSONMatchesEncodingJSON: the fast path writes the bytes encoding/json writes for
// the generated types, for single tasks and pages, plain and awkward text alike, or declines
// (a time encoding/json refuses); the response body is those bytes either way.
func TestTaskJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	const n = 3000
	fast := 0
	for i := range n {
		var r taskResponse
		if i%3 == 0 {
			r = oneTask(http.StatusOK, randomTask(rng), `"1"`)
		} else {
			r = taskResponse{status: http.StatusOK}
			for range rng.IntN(5) {
				r.tasks = append(r.tasks, randomTask(rng))
			}
			if r.tasks == nil {
				r.tasks = []store.Task{}
			}
		}
		want, wantErr := encodingJSON(r)
		got, ok := appendTaskPageJSON([]byte("prefix"), r.tasks)
		if r.one {
			got, ok = appendTaskJSON([]byte("prefix"), &r.tasks[0])
		}
		if ok {
			fast++
			if wantErr != nil || !bytes.Equal(got, append([]byte("prefix"), want...)) {
				t.Fatalf("case %d:\n got %s\nwant %s (%v)", i, got, want, wantErr)
			}
		} else if string(got) != "prefix" {
			t.Fatalf("case %d: declined, but changed the buffer to %q", i, got)
		}
		got, err := r.appendBody(nil)
		if (err != nil) != (wantErr != nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("case %d: body\n got %s (%v)\nwant %s (%v)", i, got, err, want, wantErr)
		}
	}
	if fast < n/4 {
		t.Errorf("the fast path wrote %d of %d bodies: the cases hardly test it", fast, n)
	}
	t.Logf("the fast path wrote %d of %d bodies; encoding/json the others", fast, n)
}
