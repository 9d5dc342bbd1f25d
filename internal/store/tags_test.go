package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
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

// TestTagListCoversSharedLists: without a list, a member's tags are those of every list
// they are a member of — their own and the lists other owners share with them — each
// counted once, in pages; the owner's tags stay the owner's; a removed member loses the
// shared list's tags at once.
func TestTagListCoversSharedLists(t *testing.T) {
	t.Parallel()
	for mode, s := range sharingStores(t) {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			ana, ben := mode+"-tag-ana", mode+"-tag-ben"
			g := createList(t, s, ana, "Home")
			inv, err := s.InviteCreate(ctx, ana, "", g.ID, RoleViewer, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.InviteAccept(ctx, ben, "", inv.Token); err != nil {
				t.Fatal(err)
			}
			create(t, s, ana, TaskFields{Title: "shared", ListID: &g.ID, Tags: []string{"home", "zz"}})
			create(t, s, ana, TaskFields{Title: "shared too", ListID: &g.ID, Tags: []string{"home"}})
			create(t, s, ana, TaskFields{Title: "ana's inbox", Tags: []string{"private"}})
			create(t, s, ben, TaskFields{Title: "ben's", Tags: []string{"home", "a"}})
			tags := func(user string, p TagListParams) []TagCount {
				t.Helper()
				var all []TagCount
				for {
					page, next, err := s.TagList(ctx, user, p)
					if err != nil {
						t.Fatal(err)
					}
					all = append(all, page...)
					if next == nil {
						return all
					}
					p.After = next
				}
			}
			for _, c := range []struct {
				user  string
				limit int
				want  []TagCount
			}{
				{ben, 0, []TagCount{{"a", 1}, {"home", 3}, {"zz", 1}}},
				{ben, 1, []TagCount{{"a", 1}, {"home", 3}, {"zz", 1}}},
				{ben, 2, []TagCount{{"a", 1}, {"home", 3}, {"zz", 1}}},
				{ana, 0, []TagCount{{"home", 2}, {"private", 1}, {"zz", 1}}},
			} {
				if got := tags(c.user, TagListParams{Limit: c.limit}); !slices.Equal(got, c.want) {
					t.Errorf("%s's tags in pages of %d = %v, want %v", c.user, c.limit, got, c.want)
				}
			}
			if err := s.MemberRemove(ctx, ana, g.ID, ben); err != nil {
				t.Fatal(err)
			}
			if got, want := tags(ben, TagListParams{}), []TagCount{{"a", 1}, {"home", 1}}; !slices.Equal(got, want) {
				t.Errorf("after removal, ben's tags = %v, want %v", got, want)
			}
		})
	}
}
