package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestTagList(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "tagger"
	var made []Task
	for _, tags := range [][]string{{"zz", "ab"}, {"ab"}, {"a-b", "ab", "a1"}, nil, {"é"}, {"b"}} {
		made = append(made, create(t, s, user, TaskFields{Title: "t", Tags: tags}))
	}
	create(t, s, "other", TaskFields{Title: "t", Tags: []string{"ab", "theirs"}})
	list := func(p TagListParams) ([]TagCount, *Position) {
		t.Helper()
		got, next, err := s.TagList(t.Context(), user, p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(got, func(a, b TagCount) int { return strings.Compare(a.Name, b.Name) }) {
			t.Fatalf("tags not sorted by name: %v", got)
		}
		return got, next
	}
	got, next := list(TagListParams{})
	want := []TagCount{{"a-b", 1}, {"a1", 1}, {"ab", 3}, {"b", 1}, {"zz", 1}, {"é", 1}}
	if !slices.Equal(got, want) || next != nil {
		t.Fatalf("tags = %v, next %v; want %v and no next", got, next, want)
	}

	t.Run("Pages", func(t *testing.T) {
		var all []TagCount
		var after *Position
		for pages := 1; ; pages++ {
			page, next := list(TagListParams{Limit: 4, After: after})
			all = append(all, page...)
			if next == nil {
				if pages != 2 {
					t.Errorf("%d pages of 4 for %d tags", pages, len(want))
				}
				break
			}
			after = next
		}
		if !slices.Equal(all, want) {
			t.Fatalf("paged tags = %v, want %v", all, want)
		}
		forged := Position{Key: "ab", ID: made[0].ID}
		if _, _, err := s.TagList(t.Context(), user, TagListParams{After: &forged}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("a position TagList did not give out: %v, want ErrInvalid", err)
		}
	})

	t.Run("CountsFollowWrites", func(t *testing.T) {
		// Deleting, editing and restoring tasks moves the counts; a tag leaves with its
		// last task.
		if err := s.TaskDelete(t.Context(), user, made[2].ID, nil); err != nil { // a-b, ab, a1
			t.Fatal(err)
		}
		if _, err := s.TaskUpdate(t.Context(), user, made[0].ID, TaskChanges{Fields: TaskFields{Tags: []string{"zz", "new"}}, SetTags: true}, nil); err != nil {
			t.Fatal(err)
		}
		got, _ := list(TagListParams{})
		want := []TagCount{{"ab", 1}, {"b", 1}, {"new", 1}, {"zz", 1}, {"é", 1}}
		if !slices.Equal(got, want) {
			t.Fatalf("after delete and update: %v, want %v", got, want)
		}
		if _, err := s.TaskRestore(t.Context(), user, made[2].ID); err != nil {
			t.Fatal(err)
		}
		got, _ = list(TagListParams{})
		want = []TagCount{{"a-b", 1}, {"a1", 1}, {"ab", 2}, {"b", 1}, {"new", 1}, {"zz", 1}, {"é", 1}}
		if !slices.Equal(got, want) {
			t.Fatalf("after restore: %v, want %v", got, want)
		}
	})

	none, _, err := s.TagList(t.Context(), "nobody", TagListParams{})
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("no tags: %#v, %v; want empty non-nil", none, err)
	}
}
