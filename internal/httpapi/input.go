package httpapi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rules every request's input shares: text PostgreSQL can hold, what trimming takes, what
// counts as visible, and one copy of each repeated value.

// msgInvisible refuses text made only of characters that do not show.
const msgInvisible = "must have a visible character: this one has only blank or zero-width ones"

// trimText trims what surrounds a title or a tag and does not show: Unicode's White_Space
// (which has every \p{Zs}) and the zero-width space, word joiner and byte order mark that
// copying text picks up. Other invisible characters stay: at the end of a text they may
// belong to what precedes them (a variation selector, the tag characters of a flag).
func trimText(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u2060' || r == '\ufeff'
	})
}

// visible reports whether s has a character that shows: one that is not White_Space,
// a control, a format character (zero-width joiners, direction marks, soft hyphen…), a
// variation selector, another default-ignorable code point (Hangul fillers) or the blank
// Braille pattern.
func visible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && r != '\u2800' &&
			!unicode.In(r, unicode.Cc, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) {
			return true
		}
	}
	return false
}

// checkText refuses what PostgreSQL text cannot hold: NUL, and invalid UTF-8 (which JSON
// decoding never yields, but query parameters and headers can carry).
func checkText(field, s string, fe *fieldErrors) {
	if strings.ContainsRune(s, 0) {
		fe.add(field, "must not contain the NUL character")
	}
	if !utf8.ValidString(s) {
		fe.add(field, "must be valid UTF-8")
	}
}

// dedupe returns s without repeats, in first-seen order (never nil). For each repeat, when
// repeated is set, it calls repeated with the repeat's index in s and its first one's.
func dedupe[T comparable](s []T, repeated func(i, first int)) []T {
	out := make([]T, 0, len(s))
	first := make(map[T]int, len(s))
	for i, v := range s {
		if j, seen := first[v]; seen {
			if repeated != nil {
				repeated(i, j)
			}
			continue
		}
		first[v] = i
		out = append(out, v)
	}
	return out
}
