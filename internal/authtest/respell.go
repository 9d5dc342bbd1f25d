package authtest

import (
	"encoding/json"
	"strings"
	"testing"
)

// Respelling is another way to write a base64url segment that a lenient decoder reads
// as the same bytes.
type Respelling struct {
	// Name says how it differs from the canonical spelling, for subtest names:
	// "LastCharB", "Padded", "PaddedLastCharB", "StdAlphabet", "StdAlphabetPadded".
	Name    string
	Segment string
}

// base64URLAlphabet is RFC 4648 §5's alphabet, in value order.
const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// Respellings returns every non-canonical spelling of the canonical unpadded base64url
// segment seg that Go's and jwx's lenient decoders decode to the same bytes: the last
// character with other values in its unused low bits (15 for a segment of length 2 mod 4,
// 3 for 3 mod 4), each of those and the canonical one with `=` padding, and the standard
// alphabet (`+/` for `-_`) with and without padding when seg uses `-` or `_`. An Ed25519
// signature (64 bytes, 86 characters) has 31 or 33 of them.
func Respellings(seg string) []Respelling {
	if seg == "" {
		return nil
	}
	var out []Respelling
	pad := ""
	unused := 0 // low bits of the last character that carry no data
	switch len(seg) % 4 {
	case 2:
		pad, unused = "==", 4
	case 3:
		pad, unused = "=", 2
	}
	if pad != "" {
		head, last := seg[:len(seg)-1], strings.IndexByte(base64URLAlphabet, seg[len(seg)-1])
		for low := range 1 << unused {
			c := base64URLAlphabet[last&^(1<<unused-1)|low]
			if c == seg[len(seg)-1] {
				out = append(out, Respelling{Name: "Padded", Segment: seg + pad})
				continue
			}
			name := "LastChar" + map[byte]string{'-': "Dash", '_': "Underscore"}[c]
			if c != '-' && c != '_' {
				name += string(c)
			}
			out = append(out,
				Respelling{Name: name, Segment: head + string(c)},
				Respelling{Name: "Padded" + name, Segment: head + string(c) + pad})
		}
	}
	if strings.ContainsAny(seg, "-_") {
		std := strings.NewReplacer("-", "+", "_", "/").Replace(seg)
		out = append(out, Respelling{Name: "StdAlphabet", Segment: std})
		if pad != "" {
			out = append(out, Respelling{Name: "StdAlphabetPadded", Segment: std + pad})
		}
	}
	return out
}

// SegmentWithSpareBits encodes m as JSON in base64url with an "x-pad" member added
// (m is changed) so that the encoding is 2 mod 4 characters long: its last character
// then has 4 unused bits and Respellings finds 31 or more other spellings of it. For
// headers and payloads to respell (sign them with SignEncoded).
func SegmentWithSpareBits(t testing.TB, m map[string]any) string {
	t.Helper()
	pad := ""
	for {
		m["x-pad"] = pad
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("authtest: marshal: %v", err)
		}
		if enc := b64(b); len(enc)%4 == 2 {
			return enc
		}
		pad += "x"
	}
}
