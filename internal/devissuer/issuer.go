// Package devissuer is the built-in token issuer of `todo-api dev` and
// `todo-api token`: an Ed25519 key kept in a local file, whose public half the dev
// server verifies with auth.NewStatic. It exists so that development needs no Better
// Auth; `todo-api serve` never uses it.
package devissuer

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// Permissions of the key file and of a directory created for it.
const (
	fileMode = 0o600
	dirMode  = 0o700
)

// Issuer signs development tokens with one Ed25519 key.
type Issuer struct {
	priv jwk.Key // private key with kid and alg set
	pub  jwk.Set // its public half, for auth.NewStatic
}

// LoadOrCreate returns the Issuer whose private key is stored at path as an Ed25519
// JWK, creating the key (file mode 0600, parent directory 0700 if missing) on first
// use so that tokens stay valid across restarts. A key file readable by others is
// tightened to 0600 with a warning. Two processes racing to create the file end up
// sharing whichever key was written first.
func LoadOrCreate(path string) (*Issuer, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := tightenMode(path); err != nil {
			return nil, err
		}
		return parse(b, path)
	case errors.Is(err, fs.ErrNotExist):
		return create(path)
	default:
		return nil, fmt.Errorf("read dev key: %w", err)
	}
}

// PublicSet is the issuer's public key set, for auth.NewStatic.
func (i *Issuer) PublicSet() jwk.Set { return i.pub }

// KeyID is the kid of the signing key (its RFC 7638 thumbprint).
func (i *Issuer) KeyID() string {
	kid, _ := i.priv.KeyID()
	return kid
}

// Mint signs a token for sub (1..255 characters) valid for ttl, with iss and aud set
// when issuer and audience are not empty: EdDSA, kid = the key thumbprint, iat = now.
func (i *Issuer) Mint(sub string, ttl time.Duration, issuer, audience string) (string, error) {
	if sub == "" || utf8.RuneCountInString(sub) > 255 {
		return "", errors.New("mint dev token: sub must be 1..255 characters")
	}
	if ttl <= 0 {
		return "", fmt.Errorf("mint dev token: ttl %s must be positive", ttl)
	}
	now := time.Now()
	b := jwt.NewBuilder().Subject(sub).IssuedAt(now).Expiration(now.Add(ttl))
	if issuer != "" {
		b = b.Issuer(issuer)
	}
	if audience != "" {
		b = b.Audience([]string{audience})
	}
	tok, err := b.Build()
	if err != nil {
		return "", fmt.Errorf("mint dev token: %w", err)
	}
	// jwt.Sign takes kid from the jwk.Key; it also always adds typ "JWT" (Better
	// Auth sends none), which the verifier ignores either way.
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.EdDSA(), i.priv))
	if err != nil {
		return "", fmt.Errorf("mint dev token: %w", err)
	}
	return string(signed), nil
}

// create generates a key and writes it to path without ever exposing a partial or
// world-readable file: write to a 0600 temp file in the same directory, then link it
// into place, which fails if another process got there first.
func create(path string) (*Issuer, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("create dev key directory: %w", err)
	}
	_, raw, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate dev key: %w", err)
	}
	key, err := jwk.Import(raw)
	if err != nil {
		return nil, fmt.Errorf("import dev key: %w", err)
	}
	b, err := json.Marshal(key)
	if err != nil {
		return nil, fmt.Errorf("encode dev key: %w", err)
	}

	tmp, err := os.CreateTemp(dir, ".devkey-*")
	if err != nil {
		return nil, fmt.Errorf("write dev key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(fileMode); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write dev key: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write dev key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write dev key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write dev key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreate(path) // lost the race: use the winner's key
		}
		return nil, fmt.Errorf("install dev key: %w", err)
	}
	return parse(b, path)
}

// parse builds an Issuer from the stored private JWK.
func parse(b []byte, path string) (*Issuer, error) {
	key, err := jwk.ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("parse dev key %s: %w", path, err)
	}
	var raw ed25519.PrivateKey
	if err := jwk.Export(key, &raw); err != nil {
		return nil, fmt.Errorf("dev key %s is not an Ed25519 private key: %w", path, err)
	}
	if err := jwk.AssignKeyID(key, jwk.WithForceAssign(true)); err != nil {
		return nil, fmt.Errorf("dev key id: %w", err)
	}
	if err := key.Set(jwk.AlgorithmKey, jwa.EdDSA()); err != nil {
		return nil, fmt.Errorf("dev key alg: %w", err)
	}
	pub, err := key.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("dev public key: %w", err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(pub); err != nil {
		return nil, fmt.Errorf("dev key set: %w", err)
	}
	return &Issuer{priv: key, pub: set}, nil
}

// tightenMode makes an existing key file 0600, warning if it was more open.
func tightenMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stat dev key: %w", err)
	}
	if fi.Mode().Perm()&^fileMode == 0 {
		return nil
	}
	slog.Warn("dev key file was accessible to others; restricting it to the owner",
		"path", path, "mode", fi.Mode().Perm().String())
	if err := os.Chmod(path, fileMode); err != nil {
		return fmt.Errorf("restrict dev key permissions: %w", err)
	}
	return nil
}
