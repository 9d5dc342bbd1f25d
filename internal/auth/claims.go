package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v3/jwt"
)

// claimRules are the jwx validation options for the contract: exp and sub required,
// exp/nbf/iat checked by clock with clockSkew of leeway, iss and aud compared exactly
// when configured ("" = not checked; aud may be a string or an array containing it).
func claimRules(clock func() time.Time, issuer, audience string) []jwt.ValidateOption {
	rules := []jwt.ValidateOption{
		jwt.WithClock(jwt.ClockFunc(clock)),
		jwt.WithAcceptableSkew(clockSkew),
		jwt.WithRequiredClaim(jwt.ExpirationKey),
		jwt.WithRequiredClaim(jwt.SubjectKey),
	}
	if issuer != "" {
		rules = append(rules, jwt.WithIssuer(issuer))
	}
	if audience != "" {
		rules = append(rules, jwt.WithAudience(audience))
	}
	return rules
}

// checkClaims parses the payload of a verified JWT with jwx, validates it with rules
// (claimRules) and returns sub, the display name (displayName: the name claim, else
// email, else "") and the moment the token stops being accepted (exp plus the clock
// skew). Other claims are ignored.
//
// Besides jwx's rules it enforces what the contract says and jwx lets through: the
// payload is exactly one JSON object in valid UTF-8 (jwx would read past trailing data
// and replace invalid bytes); exp, nbf and iat are JSON numbers of seconds since 1970,
// never negative (jwx also takes numeric and RFC 3339 strings); sub is 1..255
// characters without control characters (jwx takes any string, and null as "").
func checkClaims(payload []byte, rules []jwt.ValidateOption) (id Identity, validUntil time.Time, err error) {
	if !utf8.Valid(payload) {
		return Identity{}, time.Time{}, errors.New("claims are not valid UTF-8")
	}
	if err := checkNumericDates(payload); err != nil {
		return Identity{}, time.Time{}, err
	}
	tok := jwt.New()
	// encoding/json checks that payload is one JSON value, then hands it to jwx's decoder.
	if err := json.Unmarshal(payload, tok); err != nil {
		return Identity{}, time.Time{}, fmt.Errorf("claims: %w", err)
	}
	if err := jwt.Validate(tok, rules...); err != nil {
		return Identity{}, time.Time{}, fmt.Errorf("claims: %w", err)
	}
	sub, _ := tok.Subject()
	if err := checkSubject(sub); err != nil {
		return Identity{}, time.Time{}, err
	}
	exp, _ := tok.Expiration()
	return Identity{UserID: sub, Name: displayName(tok), Expires: exp}, exp.Add(clockSkew), nil
}

// maxNameChars bounds a display name, as the database's list_members.name does.
const maxNameChars = 255

// displayName is the token's name claim, else its email claim, each only when it is a
// string of 1..maxNameChars characters (trimmed) without control characters; else "".
// Better Auth's JWT plugin puts the user's name and email in its payload. A name is shown
// to the other members of a shared list; it is never an identity.
func displayName(tok jwt.Token) string {
	for _, claim := range []string{"name", "email"} {
		var v string
		if tok.Get(claim, &v) != nil {
			continue
		}
		v = strings.TrimSpace(v)
		if n := utf8.RuneCountInString(v); n == 0 || n > maxNameChars || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			continue
		}
		return v
	}
	return ""
}

// numericDates decodes only the time claims, each with the contract's rule. encoding/json
// matches member names case-insensitively, so an "EXP" member is held to the same rule:
// only stricter.
type numericDates struct {
	Exp numericDate `json:"exp"`
	Nbf numericDate `json:"nbf"`
	Iat numericDate `json:"iat"`
}

// numericDate refuses any JSON value but a number that does not start with a minus sign
// (RFC 7519 §2 NumericDate, seconds since 1970). It keeps nothing: jwx reads the value.
type numericDate struct{}

// errNumericDate is the refusal of numericDate.
var errNumericDate = errors.New("exp, nbf and iat must be non-negative JSON numbers")

// UnmarshalJSON implements json.Unmarshaler; encoding/json hands it one valid JSON value
// (null included). A malformed number (NaN, 01, 1e400) never gets here: the JSON parsers
// refuse it.
func (numericDate) UnmarshalJSON(b []byte) error {
	if b[0] < '0' || b[0] > '9' {
		return errNumericDate
	}
	return nil
}

// checkNumericDates refuses exp, nbf and iat unless each is absent or a numericDate.
func checkNumericDates(payload []byte) error {
	var d numericDates
	if err := json.Unmarshal(payload, &d); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	return nil
}

// checkSubject applies the contract's rule for sub: 1..maxSubjectChars characters, none
// of them a control character (NUL would only be refused later, by the database).
func checkSubject(sub string) error {
	n := 0
	for _, r := range sub {
		if unicode.IsControl(r) {
			return errors.New("sub contains a control character")
		}
		n++
	}
	if n == 0 || n > maxSubjectChars {
		return fmt.Errorf("sub must be a string of 1..%d characters", maxSubjectChars)
	}
	return nil
}
