package httpapi_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

func TestListTags(t *testing.T) {
	t.Parallel()
	f := setup(t)
	getTags := func(t *testing.T, tok string) []api.TagCount {
		t.Helper()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: tok})
		wantStatus(t, r, http.StatusOK)
		var tags []api.TagCount
		r.JSON(t, &tags)
		return tags
	}
	if tags := getTags(t, f.tokA); tags == nil || len(tags) != 0 {
		t.Fatalf("no tasks: tags %+v, want []", tags)
	}
	f.createA(t, map[string]any{"title": "1", "tags": []string{"work", "Home"}})
	f.createA(t, map[string]any{"title": "2", "tags": []string{"home"}})
	f.createA(t, map[string]any{"title": "3", "tags": []string{"Zeta", "alpha", "work", "Beta"}})
	f.createA(t, map[string]any{"title": "4"})
	f.create(t, f.tokB, map[string]any{"title": "B's", "tags": []string{"secret", "home"}})

	want := []api.TagCount{{Name: "alpha", Count: 1}, {Name: "beta", Count: 1}, {Name: "home", Count: 2}, {Name: "work", Count: 2}, {Name: "zeta", Count: 1}}
	if got := getTags(t, f.tokA); !slices.Equal(got, want) {
		t.Errorf("A's tags %+v, want %+v", got, want)
	}
	if got := getTags(t, f.tokB); !slices.Equal(got, []api.TagCount{{Name: "home", Count: 1}, {Name: "secret", Count: 1}}) {
		t.Errorf("B's tags %+v", got)
	}
}
