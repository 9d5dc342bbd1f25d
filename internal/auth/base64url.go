package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// strictBase64URL decodes only the canonical spelling RFC 7515 §2 prescribes: the URL-safe
// alphabet, no padding, and zero in the unused bits of the last character.
var strictBase64URL = base64.RawURLEncoding.Strict()

// checkCompactEncoding refuses a token unless it is three segments of canonical base64url.
// jwx's decoder is lenient (padding, the standard alphabet, any unused trailing bits),
// so without this one signed token has dozens of spellings that all verify: 32 or more
// for an Ed25519 signature alone.
func checkCompactEncoding(token string) error {
	// Even the strict decoder skips CR and LF.
	if strings.ContainsAny(token, "\r\n") {
		return errors.New("line break in token")
	}
	if n := strings.Count(token, "."); n != 2 {
		return fmt.Errorf("not a compact JWS: %d segments, want 3", n+1)
	}
	i := 0
	for seg := range strings.SplitSeq(token, ".") {
		i++
		if _, err := strictBase64URL.DecodeString(seg); err != nil {
			return fmt.Errorf("segment %d is not canonical base64url: %w", i, err)
		}
	}
	return nil
}
