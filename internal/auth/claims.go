package auth

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// parserPool recycles claim parsers; a parser's values are only valid until Put.
var parserPool fastjson.ParserPool

// checkClaims validates the registered claims of a verified JWT payload and returns
// sub. It reads only what the contract constrains: exp (required), nbf and iat
// (optional), all NumericDate JSON numbers checked with clockSkew of leeway; iss and
// aud when configured (aud may be a string or an array of strings); sub, a JSON
// string of 1..255 characters. Other claims (name, email, …) are ignored.
//
// Keys match exactly (unlike encoding/json, which would take "EXP" for exp), and the
// JSON parser is the one jwx uses for headers. It replaces jwt.Parse's claim
// decoding, which costs more than an RS256 signature check. validUntil is when the
// token stops being accepted (exp plus the allowed clock skew).
func checkClaims(payload []byte, now time.Time, issuer, audience string) (sub string, validUntil time.Time, err error) {
	p := parserPool.Get()
	defer parserPool.Put(p)
	claims, err := p.ParseBytes(payload)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("claims are not JSON: %w", err)
	}
	if claims.Type() != fastjson.TypeObject {
		return "", time.Time{}, errors.New("claims are not a JSON object")
	}

	t := float64(now.UnixNano()) / float64(time.Second)
	skew := clockSkew.Seconds()
	exp, ok, err := numericDate(claims, "exp")
	switch {
	case err != nil:
		return "", time.Time{}, err
	case !ok:
		return "", time.Time{}, errors.New("exp missing")
	case t >= exp+skew:
		return "", time.Time{}, errors.New("token expired")
	}
	if nbf, ok, err := numericDate(claims, "nbf"); err != nil {
		return "", time.Time{}, err
	} else if ok && t+skew < nbf {
		return "", time.Time{}, errors.New("token not valid yet (nbf)")
	}
	if iat, ok, err := numericDate(claims, "iat"); err != nil {
		return "", time.Time{}, err
	} else if ok && t+skew < iat {
		return "", time.Time{}, errors.New("token issued in the future (iat)")
	}

	if issuer != "" {
		if iss, ok := stringClaim(claims, "iss"); !ok || iss != issuer {
			return "", time.Time{}, errors.New("iss mismatch")
		}
	}
	if audience != "" && !audienceContains(claims.Get("aud"), audience) {
		return "", time.Time{}, errors.New("aud mismatch")
	}

	sub, ok = stringClaim(claims, "sub")
	if !ok || sub == "" || !utf8.ValidString(sub) || utf8.RuneCountInString(sub) > maxSubjectChars {
		return "", time.Time{}, fmt.Errorf("sub must be a string of 1..%d characters", maxSubjectChars)
	}
	return sub, time.Unix(0, int64((exp+skew)*float64(time.Second))), nil
}

// numericDate reads claim name as a NumericDate (a JSON number of seconds).
// ok is false when the claim is absent; any other JSON type is an error.
func numericDate(claims *fastjson.Value, name string) (float64, bool, error) {
	v := claims.Get(name)
	if v == nil {
		return 0, false, nil
	}
	if v.Type() != fastjson.TypeNumber {
		return 0, false, fmt.Errorf("%s is not a number", name)
	}
	f, err := v.Float64()
	if err != nil {
		return 0, false, fmt.Errorf("%s: %w", name, err)
	}
	return f, true, nil
}

// stringClaim reads claim name if it is a JSON string. The result is a copy, valid
// after the parser is recycled.
func stringClaim(claims *fastjson.Value, name string) (string, bool) {
	v := claims.Get(name)
	if v == nil || v.Type() != fastjson.TypeString {
		return "", false
	}
	b, err := v.StringBytes()
	if err != nil {
		return "", false
	}
	return string(b), true
}

// audienceContains reports whether aud is want or an array of strings containing
// want (RFC 7519 §4.1.3). Non-string array entries void the claim.
func audienceContains(aud *fastjson.Value, want string) bool {
	if aud == nil {
		return false
	}
	switch aud.Type() {
	case fastjson.TypeString:
		b, err := aud.StringBytes()
		return err == nil && string(b) == want
	case fastjson.TypeArray:
		items, err := aud.Array()
		if err != nil {
			return false
		}
		found := false
		for _, it := range items {
			if it.Type() != fastjson.TypeString {
				return false
			}
			if b, err := it.StringBytes(); err == nil && string(b) == want {
				found = true
			}
		}
		return found
	default:
		return false
	}
}
