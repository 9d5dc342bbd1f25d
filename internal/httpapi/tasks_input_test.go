package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// writeMethods are the two operations taking a whole task (TaskInput): create and replace.
// Both must apply the same rules.
var writeMethods = []string{http.MethodPost, http.MethodPut}

// writeTarget is where writeTask sends method: /api/tasks for POST, a fresh task of userA's
// for PUT.
func (f *fixture) writeTarget(t *testing.T, method string) string {
	t.Helper()
	if method == http.MethodPut {
		return taskPath(f.createA(t, map[string]any{"title": "to be replaced", "description": "d", "priority": "high", "due_date": "2030-01-01", "tags": []string{"old"}}).Id)
	}
	return "/api/tasks"
}

// writeTask sends body as a create (POST) or a replace (PUT of a fresh task) for userA.
func (f *fixture) writeTask(t *testing.T, method string, body any) *apitest.Response {
	t.Helper()
	return f.Do(t, apitest.Req{Method: method, Path: f.writeTarget(t, method), Token: f.tokA, Body: body})
}

func wantWriteOK(t *testing.T, method string, r *apitest.Response) api.Task {
	t.Helper()
	want := http.StatusCreated
	if method == http.MethodPut {
		want = http.StatusOK
	}
	wantStatus(t, r, want)
	return r.Task(t)
}

// emojiTitle holds sequences made of invisible parts: a variation selector (U+FE0F) last,
// zero-width joiners, and a flag of tag characters ending in CANCEL TAG (U+E007F).
const emojiTitle = "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F \U0001F468\u200d\U0001F469\u200d\U0001F467 \u2764\ufe0f"

func TestTaskFieldsAccepted(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	cases := []struct {
		name  string
		body  any // a string is sent as it is
		check func(t *testing.T, task api.Task)
	}{
		{"TitleZeroWidthEdgesTrimmed", `{"title":"\u200b\ufeff Buy milk\u00a0\u200b\u2060"}`, func(t *testing.T, task api.Task) {
			if task.Title != "Buy milk" {
				t.Errorf("title %q, want %q", task.Title, "Buy milk")
			}
		}},
		{"TitleEmojiSequencesKept", map[string]any{"title": emojiTitle}, func(t *testing.T, task api.Task) {
			if task.Title != emojiTitle {
				t.Errorf("title %q, want %q", task.Title, emojiTitle)
			}
		}},
		{"TitleZeroWidthInsideKept", map[string]any{"title": "a\u200bb"}, func(t *testing.T, task api.Task) {
			if task.Title != "a\u200bb" {
				t.Errorf("title %q", task.Title)
			}
		}},
		{"TitleSurrogatePair", `{"title":"\ud83d\ude00 ok"}`, func(t *testing.T, task api.Task) {
			if task.Title != "😀 ok" {
				t.Errorf("title %q", task.Title)
			}
		}},
		{"TitleEscapedBackslashThenU", `{"title":"\\ud800"}`, func(t *testing.T, task api.Task) {
			if task.Title != `\ud800` {
				t.Errorf("title %q", task.Title)
			}
		}},
		{"TitleReplacementCharacterAsSent", "{\"title\":\"\\ufffd \xef\xbf\xbd\"}", func(t *testing.T, task api.Task) {
			if task.Title != "\ufffd \ufffd" {
				t.Errorf("title %q", task.Title)
			}
		}},
		{"TagZeroWidthEdgesTrimmed", map[string]any{"title": "x", "tags": []string{"\u200bWork\ufeff"}}, func(t *testing.T, task api.Task) {
			if !slices.Equal(task.Tags, []string{"work"}) {
				t.Errorf("tags %q", task.Tags)
			}
		}},
		{"TitleIsTrimmed", map[string]any{"title": " \t Buy milk \n "}, func(t *testing.T, task api.Task) {
			if task.Title != "Buy milk" {
				t.Errorf("title %q, want %q", task.Title, "Buy milk")
			}
		}},
		{"Title200MultiByteCharacters", map[string]any{"title": strings.Repeat("é", 200)}, func(t *testing.T, task api.Task) {
			if n := utf8.RuneCountInString(task.Title); n != 200 {
				t.Errorf("title has %d characters, want 200", n)
			}
		}},
		{"Title200Emoji", map[string]any{"title": strings.Repeat("😀", 200)}, func(t *testing.T, task api.Task) {
			if task.Title != strings.Repeat("😀", 200) {
				t.Errorf("title %q", task.Title)
			}
		}},
		{"Title1Character", map[string]any{"title": "x"}, nil},
		{"Defaults", map[string]any{"title": "only a title"}, func(t *testing.T, task api.Task) {
			if !task.Description.IsNull() || !task.DueDate.IsNull() || !task.CompletedAt.IsNull() {
				t.Errorf("description, due_date, completed_at should be null: %s", taskString(task))
			}
			if task.Completed || task.Priority != api.PriorityMedium || task.Tags == nil || len(task.Tags) != 0 {
				t.Errorf("defaults wrong: %s", taskString(task))
			}
			if task.CreatedAt.IsZero() || task.UpdatedAt.Before(task.CreatedAt) {
				t.Errorf("created_at %s, updated_at %s: want set, updated_at not before created_at", task.CreatedAt, task.UpdatedAt)
			}
			if d := time.Since(task.CreatedAt); d < -time.Minute || d > time.Minute {
				t.Errorf("created_at %s is not now", task.CreatedAt)
			}
		}},
		{"Description2000MultiByteCharacters", map[string]any{"title": "x", "description": strings.Repeat("ü", 2000)}, func(t *testing.T, task api.Task) {
			if utf8.RuneCountInString(descString(task)) != 2000 {
				t.Errorf("description has %d characters", utf8.RuneCountInString(descString(task)))
			}
		}},
		{"DescriptionNull", map[string]any{"title": "x", "description": nil}, func(t *testing.T, task api.Task) {
			if !task.Description.IsNull() {
				t.Errorf("description %q, want null", descString(task))
			}
		}},
		{"DescriptionEmpty", map[string]any{"title": "x", "description": ""}, func(t *testing.T, task api.Task) {
			if descString(task) != "" {
				t.Errorf("description %q, want empty", descString(task))
			}
		}},
		{"PriorityHigh", map[string]any{"title": "x", "priority": "high"}, func(t *testing.T, task api.Task) {
			if task.Priority != api.PriorityHigh {
				t.Errorf("priority %s", task.Priority)
			}
		}},
		{"PriorityLow", map[string]any{"title": "x", "priority": "low"}, func(t *testing.T, task api.Task) {
			if task.Priority != api.PriorityLow {
				t.Errorf("priority %s", task.Priority)
			}
		}},
		{"DueDateLeapDay", map[string]any{"title": "x", "due_date": "2024-02-29"}, func(t *testing.T, task api.Task) {
			if dateString(task) != "2024-02-29" {
				t.Errorf("due_date %q", dateString(task))
			}
		}},
		{"DueDateNull", map[string]any{"title": "x", "due_date": nil}, func(t *testing.T, task api.Task) {
			if !task.DueDate.IsNull() {
				t.Errorf("due_date %q, want null", dateString(task))
			}
		}},
		{"TagsTrimmedLowerCasedDeduplicated", map[string]any{"title": "x", "tags": []string{" Home", "home ", "HOME", "Work", "work", "Ünï"}}, func(t *testing.T, task api.Task) {
			if want := []string{"home", "work", "ünï"}; !slices.Equal(task.Tags, want) {
				t.Errorf("tags %q, want %q", task.Tags, want)
			}
		}},
		{"TenTags", map[string]any{"title": "x", "tags": []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}}, func(t *testing.T, task api.Task) {
			if len(task.Tags) != 10 {
				t.Errorf("tags %q", task.Tags)
			}
		}},
		{"Tag32MultiByteCharacters", map[string]any{"title": "x", "tags": []string{strings.Repeat("ß", 32)}}, func(t *testing.T, task api.Task) {
			if !slices.Equal(task.Tags, []string{strings.Repeat("ß", 32)}) {
				t.Errorf("tags %q", task.Tags)
			}
		}},
		{"CompletedTrueSetsCompletedAt", map[string]any{"title": "x", "completed": true}, func(t *testing.T, task api.Task) {
			at, err := task.CompletedAt.Get()
			if !task.Completed || err != nil || at.Before(task.CreatedAt.Add(-time.Second)) {
				t.Errorf("completed %v completed_at %s", task.Completed, taskString(task))
			}
		}},
		{"CompletedFalse", map[string]any{"title": "x", "completed": false}, func(t *testing.T, task api.Task) {
			if task.Completed || !task.CompletedAt.IsNull() {
				t.Errorf("%s", taskString(task))
			}
		}},
		{"EveryField", map[string]any{"title": "File taxes", "description": "blue folder", "completed": false, "priority": "high", "due_date": "2026-12-31", "tags": []string{"admin", "money"}}, func(t *testing.T, task api.Task) {
			if task.Title != "File taxes" || descString(task) != "blue folder" || task.Priority != api.PriorityHigh || dateString(task) != "2026-12-31" || !slices.Equal(task.Tags, []string{"admin", "money"}) {
				t.Errorf("%s", taskString(task))
			}
		}},
	}
	for _, method := range writeMethods {
		for _, tc := range cases {
			t.Run(method+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := svc.sub(t)
				task := wantWriteOK(t, method, f.writeTask(t, method, tc.body))
				if tc.check != nil {
					tc.check(t, task)
				}
				// What was answered is what was stored.
				stored, _ := f.get(t, f.tokA, task.Id)
				sameTask(t, stored, task)
			})
		}
	}
}

func TestTaskFieldsRefused(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	cases := []struct {
		name   string
		body   any
		fields []string // the fields the 422 must name, exactly
	}{
		{"TitleMissing", map[string]any{"description": "no title"}, []string{"/title"}},
		{"TitleEmpty", map[string]any{"title": ""}, []string{"/title"}},
		{"TitleBlank", map[string]any{"title": "   "}, []string{"/title"}},
		{"TitleTabsAndNewlines", map[string]any{"title": "\t\n \r"}, []string{"/title"}},
		{"TitleNull", map[string]any{"title": nil}, []string{"/title"}},
		{"TitleNumber", map[string]any{"title": 42}, []string{"/title"}},
		{"Title201MultiByteCharacters", map[string]any{"title": strings.Repeat("é", 201)}, []string{"/title"}},
		{"Title201Emoji", map[string]any{"title": strings.Repeat("😀", 201)}, []string{"/title"}},
		{"TitleWithNUL", map[string]any{"title": "a\x00b"}, []string{"/title"}},
		{"Description2001Characters", map[string]any{"title": "x", "description": strings.Repeat("ü", 2001)}, []string{"/description"}},
		{"DescriptionWithNUL", map[string]any{"title": "x", "description": "a\x00b"}, []string{"/description"}},
		{"DescriptionNumber", map[string]any{"title": "x", "description": 1}, []string{"/description"}},
		{"PriorityUnknown", map[string]any{"title": "x", "priority": "urgent"}, []string{"/priority"}},
		{"PriorityUpperCase", map[string]any{"title": "x", "priority": "HIGH"}, []string{"/priority"}},
		{"PriorityNull", map[string]any{"title": "x", "priority": nil}, []string{"/priority"}},
		{"CompletedString", map[string]any{"title": "x", "completed": "yes"}, []string{"/completed"}},
		{"DueDateFebruary30", map[string]any{"title": "x", "due_date": "2024-02-30"}, []string{"/due_date"}},
		{"DueDateMonth13", map[string]any{"title": "x", "due_date": "2024-13-01"}, []string{"/due_date"}},
		{"DueDateSlashes", map[string]any{"title": "x", "due_date": "2024/01/01"}, []string{"/due_date"}},
		{"DueDateDateTime", map[string]any{"title": "x", "due_date": "2024-01-01T00:00:00Z"}, []string{"/due_date"}},
		{"DueDateNotLeapYear", map[string]any{"title": "x", "due_date": "2023-02-29"}, []string{"/due_date"}},
		{"ElevenTags", map[string]any{"title": "x", "tags": []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}, []string{"/tags"}},
		{"Tag33Characters", map[string]any{"title": "x", "tags": []string{"ok", "fine", strings.Repeat("t", 33)}}, []string{"/tags/2"}},
		{"Tag33MultiByteCharacters", map[string]any{"title": "x", "tags": []string{strings.Repeat("ß", 33)}}, []string{"/tags/0"}},
		{"TagBlank", map[string]any{"title": "x", "tags": []string{"ok", "   "}}, []string{"/tags/1"}},
		{"TagEmpty", map[string]any{"title": "x", "tags": []string{""}}, []string{"/tags/0"}},
		{"TagWithNUL", map[string]any{"title": "x", "tags": []string{"a\x00b"}}, []string{"/tags/0"}},
		{"TagNumber", map[string]any{"title": "x", "tags": []any{"ok", 7}}, []string{"/tags/1"}},
		{"TagsNull", map[string]any{"title": "x", "tags": nil}, []string{"/tags"}},
		{"TagsString", map[string]any{"title": "x", "tags": "home"}, []string{"/tags"}},
		{"UnknownPropertiesNamedEach", map[string]any{"title": "x", "id": "0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", "user_id": userB, "created_at": "2020-01-01T00:00:00Z"}, []string{"/id", "/user_id", "/created_at"}},
		{"UnknownUpdatedAt", map[string]any{"title": "x", "updated_at": "2020-01-01T00:00:00Z"}, []string{"/updated_at"}},
		{"UnknownCompletedAt", map[string]any{"title": "x", "completed_at": "2020-01-01T00:00:00Z"}, []string{"/completed_at"}},
		{"UnknownVersion", map[string]any{"title": "x", "version": 7}, []string{"/version"}},
		{"ManyRulesAtOnce", map[string]any{"title": "", "priority": "urgent", "due_date": "2024-02-30", "owner": "me"}, []string{"/title", "/priority", "/due_date", "/owner"}},
		// Text that looks blank (issue 12): no visible character once trimmed.
		{"TitleZeroWidthOnly", `{"title":"\u200b\u200b\ufeff"}`, []string{"/title"}},
		{"TitleJoinersOnly", `{"title":"\u2060\u200d\u200c"}`, []string{"/title"}},
		{"TitleBidiMarksOnly", `{"title":"\u200e\u200f\u202a\u202c"}`, []string{"/title"}},
		{"TitleSoftHyphenOnly", `{"title":"\u00ad"}`, []string{"/title"}},
		{"TitleVariationSelectorOnly", `{"title":"\ufe0f"}`, []string{"/title"}},
		{"TitleHangulFillers", `{"title":"\u3164\u115f"}`, []string{"/title"}},
		{"TitleBrailleBlank", `{"title":"\u2800"}`, []string{"/title"}},
		{"TitleIdeographicSpaceAndZeroWidth", `{"title":"\u3000\u200b\u00a0"}`, []string{"/title"}},
		{"TagZeroWidthOnly", map[string]any{"title": "x", "tags": []string{"ok", "\u200b"}}, []string{"/tags/1"}},
		// Text JSON decoding would silently change into U+FFFD (issue 12).
		{"TitleLoneHighSurrogate", `{"title":"a\ud800b"}`, []string{"/title"}},
		{"TitleLoneLowSurrogate", `{"title":"\udc00"}`, []string{"/title"}},
		{"TitleHighSurrogateAtEnd", `{"title":"x\uD83D"}`, []string{"/title"}},
		{"TitleSwappedSurrogates", `{"title":"\ude00\ud83d"}`, []string{"/title"}},
		{"TitleInvalidUTF8", "{\"title\":\"a\xffb\"}", []string{"/title"}},
		{"TitleTruncatedUTF8", "{\"title\":\"a\xc3\"}", []string{"/title"}},
		{"TitleOverlongUTF8", "{\"title\":\"\xc0\xaf\"}", []string{"/title"}},
		{"TitleUTF8EncodedSurrogate", "{\"title\":\"\xed\xa0\x80\"}", []string{"/title"}},
		{"DescriptionLoneSurrogate", `{"title":"x","description":"ok \ud800\ud800"}`, []string{"/description"}},
		{"DescriptionInvalidUTF8", "{\"title\":\"x\",\"description\":\"caf\xe9\"}", []string{"/description"}},
		{"TagLoneSurrogate", `{"title":"x","tags":["ok","\udfff"]}`, []string{"/tags/1"}},
		{"TagInvalidUTF8", "{\"title\":\"x\",\"tags\":[\"\xfe\"]}", []string{"/tags/0"}},
		{"BodyIsArray", []any{map[string]any{"title": "x"}}, []string{"/"}},
	}
	for _, method := range writeMethods {
		for _, tc := range cases {
			t.Run(method+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := svc.sub(t)
				path := f.writeTarget(t, method)
				before, _ := f.list(t, f.tokA, "")
				r := f.Do(t, apitest.Req{Method: method, Path: path, Token: f.tokA, Body: tc.body})
				p := wantProblem(t, r, http.StatusUnprocessableEntity)
				if tc.name == "BodyIsArray" {
					if p.Errors == nil || len(*p.Errors) == 0 {
						t.Errorf("422 names no field: %s", r.Body)
					}
				} else {
					wantFields(t, p, tc.fields...)
				}
				after, _ := f.list(t, f.tokA, "")
				if len(after) != len(before) {
					t.Fatalf("a refused %s changed the number of tasks: %d → %d", method, len(before), len(after))
				}
				for i := range after {
					sameTask(t, after[i], before[i])
				}
			})
		}
	}
}

// The same rules hold for the values of a merge patch.
func TestTaskFieldsRefusedInPatch(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	cases := []struct {
		name   string
		body   any
		fields []string
	}{
		{"TitleNull", map[string]any{"title": nil}, []string{"/title"}},
		{"TitleBlank", map[string]any{"title": "  "}, []string{"/title"}},
		{"Title201Characters", map[string]any{"title": strings.Repeat("é", 201)}, []string{"/title"}},
		{"TitleWithNUL", map[string]any{"title": "a\x00"}, []string{"/title"}},
		{"Description2001Characters", map[string]any{"description": strings.Repeat("d", 2001)}, []string{"/description"}},
		{"DescriptionWithNUL", map[string]any{"description": "\x00"}, []string{"/description"}},
		{"PriorityUnknown", map[string]any{"priority": "urgent"}, []string{"/priority"}},
		{"PriorityNull", map[string]any{"priority": nil}, []string{"/priority"}},
		{"CompletedNull", map[string]any{"completed": nil}, []string{"/completed"}},
		{"DueDateFebruary30", map[string]any{"due_date": "2024-02-30"}, []string{"/due_date"}},
		{"ElevenTags", map[string]any{"tags": []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}, []string{"/tags"}},
		{"Tag33Characters", map[string]any{"tags": []string{"x", strings.Repeat("t", 33)}}, []string{"/tags/1"}},
		{"TagBlank", map[string]any{"tags": []string{" "}}, []string{"/tags/0"}},
		{"TagsNull", map[string]any{"tags": nil}, []string{"/tags"}},
		{"UnknownPropertiesNamedEach", map[string]any{"id": "0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", "user_id": userB, "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"}, []string{"/id", "/user_id", "/created_at", "/updated_at"}},
		{"TitleZeroWidthOnly", `{"title":"\u200b\u200b\ufeff"}`, []string{"/title"}},
		{"TagZeroWidthOnly", `{"tags":["\ufeff"]}`, []string{"/tags/0"}},
		{"TitleLoneSurrogate", `{"title":"\ud800"}`, []string{"/title"}},
		{"DescriptionInvalidUTF8", "{\"description\":\"\xff\"}", []string{"/description"}},
		{"TagLoneSurrogate", `{"tags":["a","b","\udbff"]}`, []string{"/tags/2"}},
	}
	for _, ct := range []string{"application/merge-patch+json", "application/json"} {
		for _, tc := range cases {
			t.Run(ct+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := svc.sub(t)
				task := f.createA(t, map[string]any{"title": "keep", "description": "keep", "due_date": "2030-01-01", "tags": []string{"keep"}})
				r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA, Body: tc.body, ContentType: ct})
				wantFields(t, wantProblem(t, r, http.StatusUnprocessableEntity), tc.fields...)
				got, _ := f.get(t, f.tokA, task.Id)
				sameTask(t, got, task)
			})
		}
	}
}

// completed_at follows completed through every way of changing it; updated_at changes on
// every modification and created_at never does.
func TestTaskTimestamps(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "t"})
	created := task.CreatedAt
	last := task

	step := func(t *testing.T, name string, req apitest.Req, wantCompleted bool) api.Task {
		t.Helper()
		req.Token = f.tokA
		r := f.Do(t, req)
		wantStatus(t, r, http.StatusOK)
		got := r.Task(t)
		if got.Completed != wantCompleted {
			t.Errorf("%s: completed %v, want %v", name, got.Completed, wantCompleted)
		}
		if at, err := got.CompletedAt.Get(); wantCompleted && (err != nil || at.Before(created)) {
			t.Errorf("%s: completed_at %s, want set", name, taskString(got))
		} else if !wantCompleted && !got.CompletedAt.IsNull() {
			t.Errorf("%s: completed_at %s, want null", name, taskString(got))
		}
		if !got.UpdatedAt.After(last.UpdatedAt) {
			t.Errorf("%s: updated_at %s did not move past %s", name, got.UpdatedAt, last.UpdatedAt)
		}
		if !got.CreatedAt.Equal(created) {
			t.Errorf("%s: created_at changed %s → %s", name, created, got.CreatedAt)
		}
		last = got
		return got
	}
	p := taskPath(task.Id)
	step(t, "PatchTitle", apitest.Req{Method: http.MethodPatch, Path: p, Body: map[string]any{"title": "t2"}, ContentType: "application/merge-patch+json"}, false)
	step(t, "PatchCompletedTrue", apitest.Req{Method: http.MethodPatch, Path: p, Body: map[string]any{"completed": true}, ContentType: "application/merge-patch+json"}, true)
	step(t, "PatchCompletedFalse", apitest.Req{Method: http.MethodPatch, Path: p, Body: map[string]any{"completed": false}}, false)
	step(t, "PutCompletedTrue", apitest.Req{Method: http.MethodPut, Path: p, Body: map[string]any{"title": "t3", "completed": true}}, true)
	step(t, "PutWithoutCompletedClearsIt", apitest.Req{Method: http.MethodPut, Path: p, Body: map[string]any{"title": "t3"}}, false)
	step(t, "ToggleOn", apitest.Req{Method: http.MethodPatch, Path: p + "/complete"}, true)
	step(t, "ToggleOff", apitest.Req{Method: http.MethodPatch, Path: p + "/complete"}, false)
	step(t, "SetCompletedTrue", apitest.Req{Method: http.MethodPatch, Path: p + "/complete", Body: map[string]any{"completed": true}}, true)
	step(t, "SetCompletedFalse", apitest.Req{Method: http.MethodPatch, Path: p + "/complete", Body: map[string]any{"completed": false}}, false)
	step(t, "PatchTags", apitest.Req{Method: http.MethodPatch, Path: p, Body: map[string]any{"tags": []string{"x"}}}, false)
	step(t, "PatchDueDate", apitest.Req{Method: http.MethodPatch, Path: p, Body: map[string]any{"due_date": "2031-01-01"}}, false)

	stored, _ := f.get(t, f.tokA, task.Id)
	sameTask(t, stored, last)
}

// The contract says title and tags are trimmed and then 1..200 (1..32) characters, so
// surrounding whitespace does not count against the limit.
func TestTaskFieldsLimitsApplyAfterTrimming(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": " " + strings.Repeat("a", 200) + " ", "tags": []string{" " + strings.Repeat("t", 32) + " "}})
	if task.Title != strings.Repeat("a", 200) || !slices.Equal(task.Tags, []string{strings.Repeat("t", 32)}) {
		t.Errorf("%s", taskString(task))
	}
}
