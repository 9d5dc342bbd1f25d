package httpapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON decoders, encoding/json and kin-openapi's alike, replace invalid UTF-8 and unpaired
// surrogate escapes ("\ud800") in strings with U+FFFD without a word. The service refuses
// such text instead (a 422 naming the field): a client must know when its text would change.

// msgAltered is the field message for text that decoding would alter.
const msgAltered = `must be valid UTF-8, without unpaired surrogate escapes (\ud800 to \udfff): decoding would replace characters with U+FFFD`

// faithfulJSON reports whether decoding the JSON text data keeps every string as sent: data
// is valid UTF-8 and each of its \u escapes of a surrogate is half of a pair. It runs in one
// pass; escapes only occur in strings, so they need no parsing of the rest.
func faithfulJSON(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	for i := bytes.IndexByte(data, '\\'); i >= 0; {
		if i+1 >= len(data) {
			return true // a truncated document: the decoder refuses it
		}
		width := 2 // \" \\ \/ \b \f \n \r \t
		if data[i+1] == 'u' {
			width = 6
			switch r := hex4(data[i+2:]); {
			case r >= 0xdc00 && r <= 0xdfff: // a low surrogate with no high one before it
				return false
			case r >= 0xd800 && r <= 0xdbff:
				if len(data) < i+12 || data[i+6] != '\\' || data[i+7] != 'u' {
					return false
				}
				if lo := hex4(data[i+8:]); lo < 0xdc00 || lo > 0xdfff {
					return false
				}
				width = 12
			}
		}
		next := bytes.IndexByte(data[min(i+width, len(data)):], '\\')
		if next < 0 {
			break
		}
		i += width + next
	}
	return true
}

// hex4 decodes the 4 hex digits b starts with; -1 when it does not.
func hex4(b []byte) int {
	if len(b) < 4 {
		return -1
	}
	n := 0
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			n = n<<4 | int(c-'0')
		case 'a' <= c && c <= 'f':
			n = n<<4 | int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			n = n<<4 | int(c-'A'+10)
		default:
			return -1
		}
	}
	return n
}

// alteredField returns the JSON pointer of the first string in the JSON text data that
// decoding would alter (see faithfulJSON), or "/" when there is none or data is not JSON.
// It walks data once, token by token.
func alteredField(data []byte) string {
	type level struct {
		object  bool
		key     string // object: the current property
		index   int    // array: the current element
		wantKey bool   // object: the next string is a key
	}
	var stack []level
	at := func() string {
		parts := make([]string, len(stack))
		for i, l := range stack {
			if l.object {
				parts[i] = l.key
			} else {
				parts[i] = strconv.Itoa(l.index)
			}
		}
		return pointer(parts)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var start int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return "/"
		}
		end := dec.InputOffset()
		raw := data[start:end] // the token, after the separators before it
		start = end
		top := len(stack) - 1
		if s, ok := tok.(string); ok {
			key := top >= 0 && stack[top].wantKey
			if key {
				stack[top].key, stack[top].wantKey = s, false
			}
			if !faithfulJSON(raw) {
				return at()
			}
			if key {
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, level{object: true, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, level{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
			top--
		}
		// A value has ended.
		if top < 0 {
			return "/"
		}
		if stack[top].object {
			stack[top].wantKey = true
		} else {
			stack[top].index++
		}
	}
}

// pointer renders a JSON pointer (RFC 6901).
func pointer(parts []string) string {
	return "/" + strings.Join(escapePointer(parts), "/")
}

func escapePointer(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return out
}
