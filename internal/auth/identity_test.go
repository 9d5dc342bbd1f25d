package auth_test

import (
	"strings"
	"testing"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/authtest"
)

// TestVerifyIdentityName: the display name is the name claim, else email, each only when it
// is a usable label (a string of 1..255 characters without control characters, trimmed);
// else none. A bad name never refuses the token. A cached token keeps its name.
func TestVerifyIdentityName(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	for _, tt := range []struct {
		name string
		opts []authtest.TokenOption
		want string
	}{
		{"Name", []authtest.TokenOption{authtest.WithClaim("name", "Ana Lima"), authtest.WithClaim("email", "ana@example.com")}, "Ana Lima"},
		{"EmailWithoutName", []authtest.TokenOption{authtest.WithoutClaim("name"), authtest.WithClaim("email", "ana@example.com")}, "ana@example.com"},
		{"Neither", []authtest.TokenOption{authtest.WithoutClaim("name"), authtest.WithoutClaim("email")}, ""},
		{"NameTrimmed", []authtest.TokenOption{authtest.WithClaim("name", "  Ana  ")}, "Ana"},
		{"NameNotAString", []authtest.TokenOption{authtest.WithClaim("name", 42), authtest.WithClaim("email", "ana@example.com")}, "ana@example.com"},
		{"NameBlank", []authtest.TokenOption{authtest.WithClaim("name", "   "), authtest.WithClaim("email", "ana@example.com")}, "ana@example.com"},
		{"NameWithControl", []authtest.TokenOption{authtest.WithClaim("name", "Ana\u0000"), authtest.WithClaim("email", "ana@example.com")}, "ana@example.com"},
		{"NameTooLong", []authtest.TokenOption{authtest.WithClaim("name", strings.Repeat("é", 256)), authtest.WithoutClaim("email")}, ""},
		{"Name255", []authtest.TokenOption{authtest.WithClaim("name", strings.Repeat("é", 255))}, strings.Repeat("é", 255)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := iss.Token(t, sub, tt.opts...)
			for _, pass := range []string{"verified", "cached"} {
				id, err := v.VerifyIdentity(t.Context(), token)
				if err != nil {
					t.Fatalf("%s: %v", pass, err)
				}
				if want := (auth.Identity{UserID: sub, Name: tt.want, Expires: id.Expires}); id != want || id.Expires.IsZero() {
					t.Fatalf("%s: %+v, want name %q", pass, id, tt.want)
				}
			}
		})
	}
}
