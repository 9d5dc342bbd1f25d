package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// BearerToken extracts the token from an Authorization header value of the form
// "Bearer <token>" (scheme case-insensitive, RFC 6750). It returns ErrNoToken when
// the header is empty, uses another scheme or carries no token, and ErrInvalidToken
// when the token part is malformed (contains whitespace).
func BearerToken(header string) (string, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return "", ErrNoToken
	}
	scheme, rest, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", ErrNoToken
	}
	token := strings.TrimLeft(rest, " ")
	if token == "" {
		return "", ErrNoToken
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return "", fmt.Errorf("%w: whitespace in bearer token", ErrInvalidToken)
	}
	return token, nil
}

// userIDKey is the context key for the authenticated user id.
type userIDKey struct{}

// nameKey is the context key for the authenticated user's display name.
type nameKey struct{}

// expiresKey is the context key for the moment the request's token expires.
type expiresKey struct{}

// Identity is who a verified token identifies: the user id (sub) and a display name (the
// name claim, else email, else ""), which only labels the user for others (a shared
// list's members) and never decides anything.
type Identity struct {
	UserID string
	Name   string
	// Expires is the token's exp: what outlives the request that verified it (a live event
	// stream) must end then.
	Expires time.Time
}

// WithIdentity returns a copy of ctx carrying id: its user id as WithUserID does, and its
// display name for DisplayName. Only Authenticator (and tests) should call it.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	ctx = context.WithValue(WithUserID(ctx, id.UserID), nameKey{}, id.Name)
	return context.WithValue(ctx, expiresKey{}, id.Expires)
}

// Expires returns when the request's token expires (its exp claim), or the zero time when
// the request carried no verified token.
func Expires(ctx context.Context) time.Time {
	exp, _ := ctx.Value(expiresKey{}).(time.Time)
	return exp
}

// DisplayName returns the authenticated user's display name, or "" when the token
// carried none.
func DisplayName(ctx context.Context) string {
	name, _ := ctx.Value(nameKey{}).(string)
	return name
}

// WithUserID returns a copy of ctx carrying sub as the authenticated user id. Only
// Authenticator (and tests) should call it: it is the sole source of identity.
func WithUserID(ctx context.Context, sub string) context.Context {
	return context.WithValue(ctx, userIDKey{}, sub)
}

// UserID returns the authenticated user id stored by Authenticator. ok is false when
// the request was not authenticated, which for a route that requires auth is a
// wiring bug (answer 500, never proceed).
func UserID(ctx context.Context) (string, bool) {
	sub, ok := ctx.Value(userIDKey{}).(string)
	return sub, ok && sub != ""
}
