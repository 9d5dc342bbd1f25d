package httpapi

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
)

// idempotencyInput checks an Idempotency-Key header and hashes the normalised request it
// guards: requests that differ only in spacing, key order or tag case are the same request.
func idempotencyInput(header *string, normalised any) (key string, hash []byte, err error) {
	if header == nil {
		return "", nil, nil
	}
	key = *header
	var fe fieldErrors
	if checkText("header.Idempotency-Key", key, &fe); len(fe) > 0 {
		return "", nil, badRequest("A header is invalid.", nil, fe...)
	}
	b, err := json.Marshal(normalised)
	if err != nil {
		return "", nil, fmt.Errorf("hash request: %w", err)
	}
	sum := sha256.Sum256(b)
	return key, sum[:], nil
}
