package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"testing"
)

// The contract's RSA minimum, 2048 bits, is counted on the modulus: a 2047-bit modulus is
// 256 bytes long too. jwx refuses such keys first, by a process-wide setting; this tests
// our own check alone.
func TestAlgsForRSAMinimum(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		bits int
		ok   bool
	}{
		{bits: 1024},
		{bits: 2047},
		{bits: 2048, ok: true},
	} {
		t.Run(fmt.Sprintf("RSA%d", tt.bits), func(t *testing.T) {
			t.Parallel()
			key, err := rsa.GenerateKey(rand.Reader, tt.bits)
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			if got := key.N.BitLen(); got != tt.bits {
				t.Fatalf("generated a %d-bit modulus, want %d", got, tt.bits)
			}
			algs, err := algsFor(&key.PublicKey)
			if tt.ok != (err == nil) {
				t.Fatalf("algsFor = %v, %v; want ok=%t", algs, err, tt.ok)
			}
		})
	}
}
