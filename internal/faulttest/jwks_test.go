package faulttest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
)

// unknownKIDRefresh is how often `todo-api serve` may refetch the JWKS for a token whose kid
// it does not know (internal/auth's default; serve does not change it).
const unknownKIDRefresh = 60 * time.Second

// TestJWKSOutageAndRotation takes the JWKS away, floods the service with tokens of unknown
// key ids and rotates the issuer's key.
func TestJWKSOutageAndRotation(t *testing.T) {
	t.Parallel()
	db := startDatabase(t)
	iss := authtest.NewIssuer(t)
	api := startAPI(t, withRace, db, iss, nil)
	ctx := t.Context()
	c := newClient(30 * time.Second)
	list := func(token string) outcome {
		return request(ctx, c, "list", http.MethodGet, api.URL()+"/api/tasks", token, nil, nil)
	}
	fetchesAtStart := iss.Fetches()

	t.Run("KnownKeysWorkWhileTheJWKSIsDown", func(t *testing.T) {
		iss.SetDown(true)
		defer iss.SetDown(false)
		for i, kid := range []string{authtest.KIDEd25519, authtest.KIDRSA, authtest.KIDP256} {
			// A user never seen before, so the token is verified, not found in a cache.
			token := iss.Token(t, fmt.Sprintf("jwks-down-%d", i), authtest.WithKey(kid))
			created := request(ctx, c, "create", http.MethodPost, api.URL()+"/api/tasks", token, map[string]any{"title": "while the JWKS is down"}, nil)
			if created.Status != http.StatusCreated {
				t.Errorf("create with a %s token: %d %s", kid, created.Status, created.Body)
			}
			if o := list(token); o.Status != http.StatusOK {
				t.Errorf("list with a %s token: %d %s", kid, o.Status, o.Body)
			}
		}
		if n := iss.Fetches() - fetchesAtStart; n != 0 {
			t.Errorf("the JWKS was fetched %d times for tokens of known keys", n)
		}
	})

	t.Run("UnknownKIDFloodDoesNotFloodTheJWKS", func(t *testing.T) {
		const requests, workers = 1000, 32
		sign := iss.Signer(t, authtest.KIDEd25519, "")
		tokens := make([]string, requests)
		for i := range tokens {
			tokens[i] = iss.SignRaw(t, map[string]any{"alg": "EdDSA", "kid": fmt.Sprintf("flood-%d", i)}, iss.Claims("flooder"), sign)
		}
		before := iss.Fetches()
		statuses := map[int]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan string)
		for range workers {
			wg.Go(func() {
				for token := range next {
					o := list(token)
					mu.Lock()
					statuses[o.Status]++
					if o.Status != http.StatusUnauthorized || o.Err != nil {
						t.Errorf("unknown kid: %d %v %s", o.Status, o.Err, o.Body)
					}
					mu.Unlock()
				}
			})
		}
		for _, token := range tokens {
			next <- token
		}
		close(next)
		wg.Wait()
		fetched := iss.Fetches() - before
		t.Logf("%d requests with unknown kids: statuses %v, %d JWKS fetches", requests, statuses, fetched)
		if fetched > 1 {
			t.Errorf("%d requests with unknown kids caused %d JWKS fetches, want at most 1", requests, fetched)
		}
	})

	t.Run("RotatedKeyIsAcceptedWithinOneRefreshDuringAFlood", func(t *testing.T) {
		// Unknown kids keep arriving while the service learns the new key, also when a
		// refresh becomes due: they must not add fetches.
		sign := iss.Signer(t, authtest.KIDEd25519, "")
		floodCtx, stopFlood := context.WithCancel(ctx)
		var flood sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		for w := range 4 {
			flood.Go(func() {
				for i := 0; floodCtx.Err() == nil; i++ {
					token := iss.SignRaw(t, map[string]any{"alg": "EdDSA", "kid": fmt.Sprintf("flood-%d-%d", w, i)}, iss.Claims("flooder"), sign)
					o := list(token)
					mu.Lock()
					statuses[o.Status]++
					mu.Unlock()
					select {
					case <-floodCtx.Done():
					case <-time.After(50 * time.Millisecond):
					}
				}
			})
		}
		defer func() {
			stopFlood()
			flood.Wait()
			t.Logf("meanwhile, requests with unknown kids: statuses %v", statuses)
			if len(statuses) != 1 || statuses[http.StatusUnauthorized] == 0 {
				t.Errorf("requests with unknown kids: statuses %v, want only 401", statuses)
			}
		}()

		kid := iss.Rotate(t)
		rotatedAt := time.Now()
		before := iss.Fetches()
		token := iss.Token(t, "rotated-user", authtest.WithKey(kid))
		old := iss.Token(t, "old-key-user")
		var acceptedAt time.Time
		// The count of fetches (below) is the mechanism; the deadline a ceiling a busy machine
		// does not reach, short of a second refresh interval.
		for deadline := rotatedAt.Add(unknownKIDRefresh + 30*time.Second); acceptedAt.IsZero(); time.Sleep(250 * time.Millisecond) {
			o := list(token)
			switch {
			case o.Status == http.StatusOK:
				acceptedAt = o.end()
			case o.Status != http.StatusUnauthorized:
				t.Fatalf("a token of the new key before it is known: %d %v %s", o.Status, o.Err, o.Body)
			case time.Now().After(deadline):
				t.Fatalf("a token of the new key is still refused %v after the rotation (refresh interval %v)",
					time.Since(rotatedAt).Round(time.Second), unknownKIDRefresh)
			}
			if o := list(old); o.Status != http.StatusOK {
				t.Fatalf("a token of the old key after the rotation: %d %s", o.Status, o.Body)
			}
		}
		fetched := iss.Fetches() - before
		t.Logf("the new key was accepted %v after the rotation, after %d JWKS fetches", acceptedAt.Sub(rotatedAt).Round(time.Millisecond), fetched)
		// Polling for up to one refresh interval allows one fetch, two at its edge.
		if fetched > 2 {
			t.Errorf("%d JWKS fetches while the new key was being learnt", fetched)
		}
		if o := list(iss.Token(t, "another-rotated-user", authtest.WithKey(kid))); o.Status != http.StatusOK {
			t.Errorf("another token of the new key: %d %s", o.Status, o.Body)
		}
	})

	if n := api.raceReports(); n > 0 {
		t.Errorf("the race detector reported %d data races in the service", n)
	}
	if strings.Contains(api.logs.String(), `"level":"ERROR"`) {
		t.Errorf("the service logged errors:\n%s", lastLines(api.logs.String(), 20))
	}
}
