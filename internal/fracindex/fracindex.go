// Package fracindex makes order keys for a manually ordered list: strings that sort in list
// order byte by byte (PostgreSQL's COLLATE "C"), so that moving an item rewrites only its
// own key — Between(the key before, the key after). It is the common fractional-indexing
// scheme over base-62 digits (0-9, A-Z, a-z): a key is an integer part whose first
// character gives its length ('a'..'z': 2..27 characters, growing upwards; 'Z'..'A': 2..27,
// growing downwards) and an optional fraction that never ends in '0'. Keys stay short when
// items are added at either end (the integer part counts up or down) and grow by about one
// character per six insertions into the same gap.
package fracindex

import (
	"errors"
	"fmt"
	"strings"
)

// digits are the base-62 digits in byte order.
const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// ErrInvalidKey: a key that this scheme cannot have produced, or bounds out of order.
var ErrInvalidKey = errors.New("invalid order key")

// First is the key of the only item of a list (Between("", "")).
const First = "a0"

// smallestInteger is the lowest integer part; nothing can be put before it without a fraction.
var smallestInteger = "A" + strings.Repeat("0", 26)

// Between returns a key that sorts strictly after a and strictly before b. An empty a means
// "before every key" (the start of the list), an empty b "after every key" (its end). The
// result is deterministic: the same bounds give the same key.
func Between(a, b string) (string, error) {
	if a != "" {
		if err := Validate(a); err != nil {
			return "", err
		}
	}
	if b != "" {
		if err := Validate(b); err != nil {
			return "", err
		}
	}
	if a != "" && b != "" && a >= b {
		return "", fmt.Errorf("%w: %q is not before %q", ErrInvalidKey, a, b)
	}
	switch {
	case a == "" && b == "":
		return First, nil
	case a == "":
		ib := integerPart(b)
		if ib == smallestInteger {
			return ib + midpoint("", b[len(ib):]), nil
		}
		if ib < b {
			return ib, nil // b has a fraction: its integer part alone sorts before it
		}
		prev, ok := decrement(ib)
		if !ok {
			return "", fmt.Errorf("%w: nothing sorts before %q", ErrInvalidKey, b)
		}
		return prev, nil
	case b == "":
		ia := integerPart(a)
		next, ok := increment(ia)
		if !ok {
			return ia + midpoint(a[len(ia):], ""), nil
		}
		return next, nil
	}
	ia, ib := integerPart(a), integerPart(b)
	if ia == ib {
		return ia + midpoint(a[len(ia):], b[len(ib):]), nil
	}
	next, ok := increment(ia)
	if ok && next < b {
		return next, nil
	}
	return ia + midpoint(a[len(ia):], ""), nil
}

// Spread returns n keys, in order, strictly between a and b (empty as for Between), spread
// evenly by bisection: the middle key is Between(a, b), each half is spread the same way
// between it and its bound. They are as short as the bounds allow — about one character past
// a and b's common prefix per 62 keys, fewer between short bounds or towards an open end — so
// respacing the items around a gap that repeated insertion has made long gives them short
// keys again. The result is deterministic.
func Spread(a, b string, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	mid, err := Between(a, b)
	if err != nil {
		return nil, err
	}
	left, err := Spread(a, mid, (n-1)/2)
	if err != nil {
		return nil, err
	}
	right, err := Spread(mid, b, n-1-(n-1)/2)
	if err != nil {
		return nil, err
	}
	return append(append(left, mid), right...), nil
}

// Validate reports whether key is a key of this scheme.
func Validate(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	n, ok := integerLength(key[0])
	if !ok || n > len(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	for i := 1; i < len(key); i++ {
		if strings.IndexByte(digits, key[i]) < 0 {
			return fmt.Errorf("%w: %q has a character outside 0-9A-Za-z", ErrInvalidKey, key)
		}
	}
	if key == smallestInteger || (len(key) > n && key[len(key)-1] == '0') {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	return nil
}

// integerLength is the length of an integer part starting with head.
func integerLength(head byte) (int, bool) {
	switch {
	case head >= 'a' && head <= 'z':
		return int(head-'a') + 2, true
	case head >= 'A' && head <= 'Z':
		return int('Z'-head) + 2, true
	}
	return 0, false
}

// integerPart is the integer part of a valid key.
func integerPart(key string) string {
	n, _ := integerLength(key[0])
	return key[:n]
}

// digitAt is the value of s's digit i, 0 past its end (a fraction's trailing zeros are
// implicit).
func digitAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	return strings.IndexByte(digits, s[i])
}

// midpoint returns a fraction strictly between fractions a and b (b empty: no upper bound),
// where a < b and neither ends in '0'.
func midpoint(a, b string) string {
	if b != "" {
		// A common prefix (a padded with zeros) stays; the midpoint is of what follows.
		n := 0
		for n < len(b) && digitAt(a, n) == strings.IndexByte(digits, b[n]) {
			n++
		}
		if n > 0 {
			return b[:n] + midpoint(a[min(n, len(a)):], b[n:])
		}
	}
	da, db := digitAt(a, 0), len(digits)
	if b != "" {
		db = strings.IndexByte(digits, b[0])
	}
	if db-da > 1 {
		return string(digits[(da+db+1)/2]) // rounding half up
	}
	// Consecutive first digits.
	if len(b) > 1 {
		return b[:1] // b's first digit alone sorts before b and after a
	}
	return string(digits[da]) + midpoint(a[min(1, len(a)):], "")
}

// increment returns the next integer part, or false after the largest one.
func increment(x string) (string, bool) {
	head, digs := x[0], []byte(x[1:])
	for i := len(digs) - 1; i >= 0; i-- {
		if d := strings.IndexByte(digits, digs[i]) + 1; d < len(digits) {
			digs[i] = digits[d]
			return string(head) + string(digs), true
		}
		digs[i] = digits[0]
	}
	// Every digit carried: the next length.
	switch head {
	case 'Z':
		return "a" + digits[:1], true
	case 'z':
		return "", false
	}
	head++
	if head > 'a' {
		digs = append(digs, digits[0])
	} else {
		digs = digs[:len(digs)-1]
	}
	return string(head) + string(digs), true
}

// decrement returns the previous integer part, or false before the smallest one.
func decrement(x string) (string, bool) {
	head, digs := x[0], []byte(x[1:])
	last := digits[len(digits)-1]
	for i := len(digs) - 1; i >= 0; i-- {
		if d := strings.IndexByte(digits, digs[i]) - 1; d >= 0 {
			digs[i] = digits[d]
			return string(head) + string(digs), true
		}
		digs[i] = last
	}
	// Every digit borrowed: the previous length.
	switch head {
	case 'a':
		return "Z" + string(last), true
	case 'A':
		return "", false
	}
	head--
	if head < 'Z' {
		digs = append(digs, last)
	} else {
		digs = digs[:len(digs)-1]
	}
	return string(head) + string(digs), true
}
