package auth

import (
	"sync"
	"time"
)

// maxCachedTokens bounds the verified-token cache; when full it starts over.
const maxCachedTokens = 16384

// tokenCache remembers tokens that verified, by their exact bytes, with the identity and
// the keyring they verified against. Verify refuses every spelling of a token but the
// canonical one before it can be put here, so a token has one entry, not one per
// spelling of its base64url. A hit skips the signature check — the largest cost of
// a request — but only while the key set is the one the token verified with: any change of
// the JWKS (a rotation, a removed key) empties it in effect, so a revoked key stops
// working within one refresh, as without the cache. Entries end at the token's exp
// (plus skew). Failures are never cached. A nil *tokenCache caches nothing.
type tokenCache struct {
	mu      sync.RWMutex
	entries map[string]cachedToken
}

type cachedToken struct {
	id         Identity
	validUntil time.Time
	ring       *keyring
}

func newTokenCache() *tokenCache {
	return &tokenCache{entries: make(map[string]cachedToken)}
}

// get returns the identity of token if it verified against ring and is still valid at now.
func (c *tokenCache) get(token string, ring *keyring, now time.Time) (Identity, bool) {
	if c == nil {
		return Identity{}, false
	}
	c.mu.RLock()
	e, ok := c.entries[token]
	c.mu.RUnlock()
	if !ok || e.ring != ring || !now.Before(e.validUntil) {
		return Identity{}, false
	}
	return e.id, true
}

// put remembers a verified token.
func (c *tokenCache) put(token string, e cachedToken) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedTokens {
		// Start over rather than track recency: a full cache means many distinct live
		// tokens, and each costs one verification to re-enter.
		clear(c.entries)
	}
	c.entries[token] = e
}
