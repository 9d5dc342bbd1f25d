package fracindex

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The cases of the reference implementation (rocicorp/fractional-indexing, base 62), so
// that keys written here and by other clients of the scheme agree.
func TestBetweenReferenceCases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ a, b, want string }{
		{"", "", "a0"},
		{"", "a0", "Zz"},
		{"", "Zz", "Zy"},
		{"a0", "", "a1"},
		{"a1", "", "a2"},
		{"a0", "a1", "a0V"},
		{"a1", "a2", "a1V"},
		{"a0V", "a1", "a0l"},
		{"Zz", "a0", "ZzV"},
		{"Zz", "a1", "a0"},
		{"", "Y00", "Xzzz"},
		{"bzz", "", "c000"},
		{"a0", "a0V", "a0G"},
		{"a0", "a0G", "a08"},
		{"b125", "b129", "b127"},
		{"a0", "a1V", "a1"},
		{"Zz", "a01", "a0"},
		{"", "a0V", "a0"},
		{"", "b999", "b99"},
		{"", "A000000000000000000000000001", "A000000000000000000000000000V"},
		{"zzzzzzzzzzzzzzzzzzzzzzzzzzy", "", "zzzzzzzzzzzzzzzzzzzzzzzzzzz"},
		{"zzzzzzzzzzzzzzzzzzzzzzzzzzz", "", "zzzzzzzzzzzzzzzzzzzzzzzzzzzV"},
	} {
		got, err := Between(tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Errorf("Between(%q, %q) = %q, %v; want %q", tc.a, tc.b, got, err, tc.want)
		}
	}
}

func TestBetweenRefusesInvalidKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ a, b string }{
		{"", "A00000000000000000000000000"}, // the smallest integer: nothing before it
		{"a00", ""},                         // a fraction ending in 0
		{"a00", "a1"},
		{"0", "1"},    // no integer head
		{"a1", "a0"},  // out of order
		{"a1", "a1"},  // equal
		{"a", ""},     // integer part too short
		{"a0-", ""},   // not a digit
		{"", "b1"},    // 'b' needs three characters
		{"a0", "a0é"}, // not ASCII
	} {
		if got, err := Between(tc.a, tc.b); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Between(%q, %q) = %q, %v; want ErrInvalidKey", tc.a, tc.b, got, err)
		}
	}
}

// checkBetween fails unless key is valid and strictly between a and b.
func checkBetween(t *testing.T, a, b, key string) {
	t.Helper()
	if err := Validate(key); err != nil {
		t.Fatalf("Between(%q, %q) = %q: %v", a, b, key, err)
	}
	if (a != "" && key <= a) || (b != "" && key >= b) {
		t.Fatalf("Between(%q, %q) = %q is not strictly between", a, b, key)
	}
}

// TestBetweenKeepsAnyOrder inserts thousands of keys at random places of a list and checks
// after each that the list's keys are valid, distinct and sorted as the list is ordered.
func TestBetweenKeepsAnyOrder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var list []string
	for range 5000 {
		i := rng.IntN(len(list) + 1) // insert before list[i]
		var a, b string
		if i > 0 {
			a = list[i-1]
		}
		if i < len(list) {
			b = list[i]
		}
		key, err := Between(a, b)
		if err != nil {
			t.Fatalf("Between(%q, %q): %v", a, b, err)
		}
		checkBetween(t, a, b, key)
		list = slices.Insert(list, i, key)
	}
	if !slices.IsSorted(list) {
		t.Fatal("the list's keys are not sorted")
	}
	if len(slices.Compact(slices.Clone(list))) != len(list) {
		t.Fatal("two items share a key")
	}
}

// TestBetweenKeysStayShort: adding at either end, as new tasks do at the top, grows keys
// logarithmically; only repeated insertion into one gap grows them linearly.
func TestBetweenKeysStayShort(t *testing.T) {
	t.Parallel()
	top, bottom := First, First
	for range 100_000 {
		next, err := Between("", top)
		if err != nil {
			t.Fatal(err)
		}
		checkBetween(t, "", top, next)
		top = next
		if bottom, err = Between(bottom, ""); err != nil {
			t.Fatal(err)
		}
	}
	if len(top) > 4 || len(bottom) > 4 {
		t.Errorf("after 100,000 insertions at each end the keys are %q and %q: want at most 4 characters", top, bottom)
	}
	a, b := "a0", "a1"
	for range 100 {
		key, err := Between(a, b)
		if err != nil {
			t.Fatal(err)
		}
		checkBetween(t, a, b, key)
		b = key // always just after a
	}
	if len(b) > 2+100/5 {
		t.Errorf("100 insertions into one gap made a key of %d characters", len(b))
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"a0", "Zz", "a0V", "e00000", "Xzzz", "A000000000000000000000000000V", strings.Repeat("z", 27)} {
		if err := Validate(key); err != nil {
			t.Errorf("Validate(%q) = %v", key, err)
		}
	}
	for _, key := range []string{"", "a", "a0V0", "Z", "0", "e0000", "A00000000000000000000000000"} {
		if err := Validate(key); err == nil {
			t.Errorf("Validate(%q) = nil, want an error", key)
		}
	}
}

// TestSpread: n valid keys strictly between the bounds, in order, distinct, and short.
func TestSpread(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b   string
		n, max int // max: the longest key allowed
	}{
		{"", "", 1, 2},
		{"", "", 1000, 4},
		{"", "", 100_000, 6},
		{"a0", "a1", 1, 3},
		{"a0", "a1", 61, 4},
		{"a0", "a1", 3000, 5},
		{"Zz", "", 50, 3},
		{"", "Zz", 50, 3},
		{"a0" + strings.Repeat("0", 28) + "1", "a0" + strings.Repeat("0", 28) + "2", 17, 33}, // a narrow gap
	} {
		keys, err := Spread(tc.a, tc.b, tc.n)
		if err != nil || len(keys) != tc.n {
			t.Fatalf("Spread(%q, %q, %d): %d keys, %v", tc.a, tc.b, tc.n, len(keys), err)
		}
		longest := 0
		for i, key := range keys {
			checkBetween(t, tc.a, tc.b, key)
			if i > 0 && key <= keys[i-1] {
				t.Fatalf("Spread(%q, %q, %d): %q then %q", tc.a, tc.b, tc.n, keys[i-1], key)
			}
			longest = max(longest, len(key))
		}
		if longest > tc.max {
			t.Errorf("Spread(%q, %q, %d): a key of %d characters, want at most %d", tc.a, tc.b, tc.n, longest, tc.max)
		}
	}
	if keys, err := Spread("a1", "a0", 3); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("bounds out of order: %q, %v", keys, err)
	}
	if keys, err := Spread("a1", "a0", 0); keys != nil || err != nil {
		t.Errorf("no keys: %q, %v", keys, err)
	}
}
