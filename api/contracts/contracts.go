// Package contracts embeds the OpenAPI document, the source of truth for the HTTP API, so
// the binary serves exactly the contract it was generated from.
package contracts

import _ "embed"

// OpenAPIYAML is api/contracts/openapi.yaml as written.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte
