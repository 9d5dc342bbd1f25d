package devissuer_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/devissuer"
)

const (
	iss = "http://localhost:8080"
	aud = "http://localhost:8080"
	sub = "dev-user"
)

func TestMintedTokenVerifiesWithNewStatic(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "dev", "key.jwk")
	di, err := devissuer.LoadOrCreate(path)
	if err != nil {
		t.Fatalf("LoadOrCreate: %v", err)
	}

	tests := []struct {
		name     string
		issuer   string
		audience string
		verifier *auth.Verifier
		wantErr  error
	}{
		{name: "IssuerAndAudience", issuer: iss, audience: aud, verifier: auth.NewStatic(di.PublicSet(), iss, aud)},
		{name: "NoIssuerNoAudience", verifier: auth.NewStatic(di.PublicSet(), "", "")},
		{name: "WrongAudience", issuer: iss, audience: "http://elsewhere", verifier: auth.NewStatic(di.PublicSet(), iss, aud), wantErr: auth.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token, err := di.Mint(sub, 15*time.Minute, tt.issuer, tt.audience)
			if err != nil {
				t.Fatalf("Mint: %v", err)
			}
			got, err := tt.verifier.Verify(t.Context(), token)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Verify = %q, %v; want %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != sub {
				t.Fatalf("Verify = %q, %v", got, err)
			}
		})
	}
}

func TestMintHeaderIsEdDSAWithThumbprintKid(t *testing.T) {
	t.Parallel()
	di, err := devissuer.LoadOrCreate(filepath.Join(t.TempDir(), "key.jwk"))
	if err != nil {
		t.Fatal(err)
	}
	token, err := di.Mint(sub, time.Minute, iss, aud)
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.SplitN(token, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	var hdr map[string]any
	if err := json.Unmarshal(b, &hdr); err != nil {
		t.Fatal(err)
	}
	if hdr["alg"] != "EdDSA" || hdr["kid"] != di.KeyID() || di.KeyID() == "" {
		t.Fatalf("header = %v, want alg EdDSA and kid %q", hdr, di.KeyID())
	}
	key, ok := di.PublicSet().Key(0)
	if !ok || di.PublicSet().Len() != 1 {
		t.Fatal("public set must hold exactly one key")
	}
	if kid, _ := key.KeyID(); kid != di.KeyID() {
		t.Fatalf("public kid %q != %q", kid, di.KeyID())
	}
	if _, err := json.Marshal(di.PublicSet()); err != nil {
		t.Fatal(err)
	}
	pub, _ := json.Marshal(key)
	if strings.Contains(string(pub), `"d"`) {
		t.Fatalf("public set leaks the private key: %s", pub)
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	t.Parallel()

	t.Run("CreatesWith0600AndDir0700", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "data")
		path := filepath.Join(dir, "dev-key.jwk")
		if _, err := devissuer.LoadOrCreate(path); err != nil {
			t.Fatal(err)
		}
		assertMode(t, path, 0o600)
		assertMode(t, dir, 0o700)
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != 1 {
			t.Fatalf("directory holds %v (%v), want only the key", entries, err)
		}
	})

	t.Run("ReusesTheKey", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "key.jwk")
		first, err := devissuer.LoadOrCreate(path)
		if err != nil {
			t.Fatal(err)
		}
		token, err := first.Mint(sub, time.Minute, iss, aud)
		if err != nil {
			t.Fatal(err)
		}
		second, err := devissuer.LoadOrCreate(path)
		if err != nil {
			t.Fatal(err)
		}
		if first.KeyID() != second.KeyID() {
			t.Fatalf("kid changed: %q → %q", first.KeyID(), second.KeyID())
		}
		if _, err := auth.NewStatic(second.PublicSet(), iss, aud).Verify(t.Context(), token); err != nil {
			t.Fatalf("a token of the first load does not verify with the second: %v", err)
		}
	})

	t.Run("TightensWideMode", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "key.jwk")
		if _, err := devissuer.LoadOrCreate(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := devissuer.LoadOrCreate(path); err != nil {
			t.Fatal(err)
		}
		assertMode(t, path, 0o600)
	})

	t.Run("ConcurrentCreatorsShareOneKey", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "key.jwk")
		const n = 8
		kids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				di, err := devissuer.LoadOrCreate(path)
				if err != nil {
					t.Error(err)
					return
				}
				kids[i] = di.KeyID()
			})
		}
		wg.Wait()
		for _, kid := range kids[1:] {
			if kid != kids[0] {
				t.Fatalf("kids differ: %v", kids)
			}
		}
	})
}

func TestLoadOrCreateRejectsBadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
	}{
		{name: "NotJSON", content: "hello"},
		{name: "PublicKeyOnly", content: `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`},
		{name: "SymmetricKey", content: `{"kty":"oct","k":"c2VjcmV0"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "key.jwk")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := devissuer.LoadOrCreate(path); err == nil {
				t.Fatal("LoadOrCreate accepted a bad key file")
			}
		})
	}
}

func TestMintRejectsBadInput(t *testing.T) {
	t.Parallel()
	di, err := devissuer.LoadOrCreate(filepath.Join(t.TempDir(), "key.jwk"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sub  string
		ttl  time.Duration
	}{
		{name: "EmptySub", sub: "", ttl: time.Minute},
		{name: "LongSub", sub: strings.Repeat("x", 256), ttl: time.Minute},
		{name: "ZeroTTL", sub: sub},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := di.Mint(tt.sub, tt.ttl, iss, aud); err == nil {
				t.Fatal("Mint accepted bad input")
			}
		})
	}
}

// assertMode fails unless path has exactly permission bits want.
func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Fatalf("%s mode = %v, want %v", path, got, want)
	}
}
