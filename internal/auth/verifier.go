package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/httprc/v3/errsink"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
	"golang.org/x/sync/singleflight"
)

// Defaults applied by New for zero Config fields.
const (
	defaultMinRefresh        = 5 * time.Minute
	defaultMaxRefresh        = time.Hour
	defaultUnknownKIDRefresh = 60 * time.Second
	defaultWarmupTimeout     = 3 * time.Second
	defaultHTTPTimeout       = 5 * time.Second

	// clockSkew is the leeway for exp, nbf and iat (API contract: at most 60 s).
	clockSkew = 60 * time.Second
	// maxJWKSBytes caps a JWKS response; Better Auth's is well under 10 KiB.
	maxJWKSBytes = 1 << 20
	// shutdownTimeout bounds Close.
	shutdownTimeout = 5 * time.Second
)

// Config says where the signing keys live and which tokens to accept.
type Config struct {
	// JWKSURL is the JWKS endpoint (Better Auth: <BETTER_AUTH_URL>/api/auth/jwks).
	// Required by New.
	JWKSURL string
	// Issuer, when not empty, must equal the token's iss exactly.
	Issuer string
	// Audience, when not empty, must be the token's aud or one of its entries.
	Audience string
	// MinRefresh and MaxRefresh bound the periodic JWKS refresh (Cache-Control
	// max-age is honoured within them). Defaults: 5 minutes and 1 hour.
	MinRefresh, MaxRefresh time.Duration
	// UnknownKIDRefresh is the minimum time between two refreshes triggered by
	// tokens with an unknown kid (or by requests while no key set is loaded).
	// Default 60 s; tests set it small.
	UnknownKIDRefresh time.Duration
	// WarmupTimeout bounds the first fetch in New and every on-demand refresh a
	// request waits for. Default 3 s.
	WarmupTimeout time.Duration
	// HTTPClient fetches the JWKS. Default: a client with a 5 s timeout.
	HTTPClient *http.Client
	// NoTokenCache turns off the cache of verified tokens, so every Verify checks the
	// signature (benchmarks use it to measure the full verification).
	NoTokenCache bool
	// Now is the clock that exp, nbf and iat, and the token cache's expiry, are checked
	// against. Default time.Now; tests set it to reach the clock-skew edges without
	// sleeping.
	Now func() time.Time
	// Logger receives warm-up and refresh failures and dropped keys. Default: discard.
	Logger *slog.Logger
}

// Errors returned by Verify and carried in the Internal field of the HTTP errors
// produced by Authenticator. Match them with errors.Is.
var (
	// ErrNoToken means the request carried no bearer token: the Authorization
	// header is missing, empty or uses another scheme. Answer 401 with a bare
	// `WWW-Authenticate: Bearer`.
	ErrNoToken = errors.New("no bearer token")
	// ErrInvalidToken means the token was rejected, whatever the reason (format,
	// algorithm, key, signature, claims). The cause is wrapped with it. Answer 401
	// with `WWW-Authenticate: Bearer error="invalid_token"`.
	ErrInvalidToken = errors.New("invalid token")
	// ErrKeysUnavailable means no key set has been loaded yet (the JWKS has been
	// unreachable since start-up), so no token can be checked. Answer 503 with
	// Retry-After.
	ErrKeysUnavailable = errors.New("signing keys unavailable")
)

// errRefreshSkipped is returned by refresh when the last attempt was too recent, or
// when there is nothing to refresh (static set, closed verifier).
var errRefreshSkipped = errors.New("jwks refresh skipped")

// Verifier checks bearer tokens against a JWKS. It is safe for concurrent use; build
// one per process with New (or NewStatic for `todo-api dev`) and Close it on shutdown.
type Verifier struct {
	log   *slog.Logger
	url   string
	now   func() time.Time
	rules []jwt.ValidateOption // claim checks (claimRules)

	// Remote key sets (New).
	cache       *jwk.Cache
	res         *httprc.ResourceBase[jwk.Set] // handle on the cached set; Resource() never blocks
	ring        atomic.Pointer[keyring]       // keyring of the last set seen
	sf          singleflight.Group
	lastRefresh atomic.Int64 // unix nanos of the last on-demand refresh attempt
	minGap      time.Duration
	waitMax     time.Duration
	closed      atomic.Bool
	closeOnce   sync.Once
	cancel      context.CancelFunc

	// In-memory key set (NewStatic).
	static *keyring

	// tokens remembers verified tokens until exp or the next key set change.
	tokens *tokenCache
}

// New starts a Verifier that fetches the JWKS at cfg.JWKSURL and keeps it fresh in
// the background until Close. It waits at most cfg.WarmupTimeout for the first
// fetch; if that fails the failure is logged, New still succeeds and Verify answers
// ErrKeysUnavailable until a fetch succeeds. Only a bad Config is an error.
// ctx bounds the warm-up only; the background refresh runs until Close.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}

	v := &Verifier{
		log:     cfg.Logger,
		url:     cfg.JWKSURL,
		now:     cfg.Now,
		rules:   claimRules(cfg.Now, cfg.Issuer, cfg.Audience),
		minGap:  cfg.UnknownKIDRefresh,
		waitMax: cfg.WarmupTimeout,
	}
	if !cfg.NoTokenCache {
		v.tokens = newTokenCache()
	}

	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	v.cancel = cancel
	client := httprc.NewClient(
		httprc.WithHTTPClient(cfg.HTTPClient),
		// Only ever fetch the configured URL.
		httprc.WithWhitelist(httprc.NewMapWhitelist().Add(cfg.JWKSURL)),
		httprc.WithErrorSink(errsink.NewFunc(func(_ context.Context, err error) {
			v.log.Warn("jwks background refresh failed", "url", cfg.JWKSURL, "err", err)
		})),
	)
	cache, err := jwk.NewCache(bg, client)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("start jwks cache: %w", err)
	}
	v.cache = cache

	warmCtx, warmCancel := context.WithTimeout(ctx, cfg.WarmupTimeout)
	defer warmCancel()
	err = cache.Register(warmCtx, cfg.JWKSURL,
		// Never block here: the default waits for the first fetch without a deadline.
		jwk.WithWaitReady(false),
		jwk.WithMinInterval(cfg.MinRefresh),
		jwk.WithMaxInterval(cfg.MaxRefresh),
		// Register replaces a missing client with jwx's own default, so pass ours
		// here too (the httprc.NewClient option alone is not used for the fetch).
		jwk.WithHTTPClient(cfg.HTTPClient),
		jwk.WithMaxFetchBodySize(maxJWKSBytes),
		// One key jwx cannot parse (e.g. Ed448) must not void the whole set; such
		// entries become jwk.UnsupportedKey placeholders that buildKeyring drops.
		jwk.WithStrictKeySetParsing(false),
	)
	if err != nil {
		v.Close()
		return nil, fmt.Errorf("register jwks %q: %w", cfg.JWKSURL, err)
	}
	res, err := cache.LookupResource(warmCtx, cfg.JWKSURL)
	if err != nil {
		v.Close()
		return nil, fmt.Errorf("look up jwks resource: %w", err)
	}
	v.res = res

	// Bounded warm-up. It counts as an on-demand refresh for the rate limit.
	v.lastRefresh.Store(time.Now().UnixNano())
	if _, err := cache.Refresh(warmCtx, cfg.JWKSURL); err != nil {
		v.log.Warn("jwks warm-up failed; answering 503 until the key set loads",
			"url", cfg.JWKSURL, "err", err)
	}
	return v, nil
}

// NewStatic returns a Verifier over an in-memory key set, for `todo-api dev`, whose
// issuer lives in the same process. Private keys in set are reduced to their public
// half. issuer and audience work as in Config ("" = not checked). Close is a no-op.
func NewStatic(set jwk.Set, issuer, audience string) *Verifier {
	v := &Verifier{
		log:    slog.New(slog.DiscardHandler),
		now:    time.Now,
		rules:  claimRules(time.Now, issuer, audience),
		tokens: newTokenCache(),
	}
	ring := buildKeyring(set)
	ring.src = nil
	v.static = ring
	return v
}

// Ready reports whether tokens can be checked: nil once a key set has been loaded.
// While none is, it triggers a (rate-limited) fetch and returns an error wrapping
// ErrKeysUnavailable; /readyz can call it.
func (v *Verifier) Ready(ctx context.Context) error {
	if _, ok := v.currentRing(); ok {
		return nil
	}
	err := v.refresh(ctx)
	if _, ok := v.currentRing(); ok {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrKeysUnavailable, err)
	}
	return ErrKeysUnavailable
}

// Close stops the background refresh. Keys already loaded keep verifying tokens,
// but no further fetch happens. It is safe to call more than once.
func (v *Verifier) Close() {
	v.closeOnce.Do(func() {
		v.closed.Store(true)
		if v.cache != nil {
			ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			defer cancel()
			if err := v.cache.Shutdown(ctx); err != nil {
				v.log.Warn("jwks cache shutdown", "err", err)
			}
		}
		if v.cancel != nil {
			v.cancel()
		}
	})
}

// currentRing returns the keyring for the loaded key set, or false if none has
// loaded yet. It never blocks: ResourceBase.Resource is an atomic load (this is
// what jwk.Cache.Lookup does after its controller round trip, which we do once in
// New instead of per request).
func (v *Verifier) currentRing() (*keyring, bool) {
	if v.static != nil {
		return v.static, true
	}
	set := v.res.Resource()
	if set == nil {
		return nil, false
	}
	if ring := v.ring.Load(); ring != nil && ring.src == set {
		return ring, true
	}
	ring := buildKeyring(set)
	v.logChanges(v.ring.Swap(ring), ring)
	return ring, true
}

// logChanges reports what a new key set changed, once per change rather than at
// every periodic refresh: newly unusable keys and the loss of all usable keys.
func (v *Verifier) logChanges(prev, next *keyring) {
	for kid, reason := range next.dropped {
		if prev == nil || prev.dropped[kid] != reason {
			v.log.Warn("jwks key ignored", "url", v.url, "kid", kid, "reason", reason)
		}
	}
	if len(next.keys) == 0 && (prev == nil || len(prev.keys) > 0) {
		v.log.Warn("jwks has no usable keys; every token will be rejected", "url", v.url)
	}
	if prev == nil || len(prev.keys) != len(next.keys) {
		v.log.Info("jwks loaded", "url", v.url, "keys", len(next.keys))
	}
}

// refresh re-fetches the JWKS on demand. At most one attempt starts per
// UnknownKIDRefresh; concurrent callers share it (single-flight). The fetch runs
// detached from any one caller, bounded by WarmupTimeout; each caller waits at
// most until its own ctx is done.
func (v *Verifier) refresh(ctx context.Context) error {
	if v.cache == nil || v.closed.Load() {
		return errRefreshSkipped
	}
	ch := v.sf.DoChan("jwks", func() (any, error) {
		now := time.Now()
		last := v.lastRefresh.Load()
		if now.Sub(time.Unix(0, last)) < v.minGap || !v.lastRefresh.CompareAndSwap(last, now.UnixNano()) {
			return nil, errRefreshSkipped
		}
		rctx, cancel := context.WithTimeout(context.Background(), v.waitMax)
		defer cancel()
		if _, err := v.cache.Refresh(rctx, v.url); err != nil {
			v.log.Warn("jwks refresh failed", "url", v.url, "err", err)
			return nil, fmt.Errorf("refresh jwks: %w", err)
		}
		return nil, nil
	})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case r := <-ch:
		return r.Err
	}
}

// withDefaults checks cfg and fills in zero fields.
func withDefaults(cfg Config) (Config, error) {
	if cfg.JWKSURL == "" {
		return cfg, errors.New("auth config: JWKSURL is required")
	}
	u, err := url.Parse(cfg.JWKSURL)
	if err != nil {
		return cfg, fmt.Errorf("auth config: JWKSURL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, fmt.Errorf("auth config: JWKSURL %q must be an absolute http(s) URL", cfg.JWKSURL)
	}
	if cfg.MinRefresh <= 0 {
		cfg.MinRefresh = defaultMinRefresh
	}
	if cfg.MaxRefresh <= 0 {
		cfg.MaxRefresh = defaultMaxRefresh
	}
	if cfg.MaxRefresh < cfg.MinRefresh {
		return cfg, fmt.Errorf("auth config: MaxRefresh %s is below MinRefresh %s", cfg.MaxRefresh, cfg.MinRefresh)
	}
	if cfg.UnknownKIDRefresh <= 0 {
		cfg.UnknownKIDRefresh = defaultUnknownKIDRefresh
	}
	if cfg.WarmupTimeout <= 0 {
		cfg.WarmupTimeout = defaultWarmupTimeout
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg, nil
}
