package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestTokenCache(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	ringA, ringB := &keyring{}, &keyring{}
	tests := []struct {
		name  string
		ring  *keyring
		at    time.Time
		found bool
	}{
		{"HitWhileValidWithSameKeys", ringA, now, true},
		{"MissAfterValidUntil", ringA, now.Add(2 * time.Minute), false},
		{"MissAtValidUntil", ringA, now.Add(time.Minute), false},
		{"MissAfterKeySetChanged", ringB, now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTokenCache()
			c.put("tok", cachedToken{id: Identity{UserID: "alice", Name: "Alice"}, validUntil: now.Add(time.Minute), ring: ringA})
			id, ok := c.get("tok", tt.ring, tt.at)
			if ok != tt.found || (ok && id != Identity{UserID: "alice", Name: "Alice"}) {
				t.Fatalf("get = %+v, %v; want found=%v", id, ok, tt.found)
			}
			if _, ok := c.get("other", ringA, now); ok {
				t.Fatal("an unknown token was found")
			}
		})
	}
}

func TestTokenCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := newTokenCache()
	r := &keyring{}
	for i := range maxCachedTokens + 10 {
		c.put(fmt.Sprint(i), cachedToken{id: Identity{UserID: "u"}, validUntil: time.Now().Add(time.Hour), ring: r})
	}
	if n := len(c.entries); n > maxCachedTokens {
		t.Fatalf("cache holds %d entries, bound is %d", n, maxCachedTokens)
	}
}
