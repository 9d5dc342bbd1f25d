package auth

// CachedTokens is the number of entries in v's verified-token cache, for tests.
func CachedTokens(v *Verifier) int {
	v.tokens.mu.RLock()
	defer v.tokens.mu.RUnlock()
	return len(v.tokens.entries)
}
