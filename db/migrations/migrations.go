// Package migrations embeds the goose SQL migrations that define the database schema. sqlc
// reads the same files (in name order) as its schema, so the code and the database agree.
package migrations

import "embed"

// FS holds every migration file, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
