package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// RegisterTypes is a pgxpool AfterConnect hook: it lets conn read uuid columns straight
// into uuid.UUID. Without it pgx goes through uuid.UUID's sql.Scanner — the 16 bytes
// rendered as text and parsed back — for every id of every row, a quarter of the CPU of
// reading a page of tasks (make bench, pprof). What a scan yields does not change
// (TestRegisterTypesScansAlike).
func RegisterTypes(_ context.Context, conn *pgx.Conn) error {
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}})
	return nil
}

// uuidCodec is pgx's UUIDCodec with a direct binary scan into *uuid.UUID.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*uuid.UUID); ok && format == pgtype.BinaryFormatCode {
		return scanUUID{}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type scanUUID struct{}

// Scan copies the 16 bytes. NULL leaves dst as it is and is no error, as uuid.UUID.Scan(nil)
// does (a nullable column scans into *uuid.UUID, which pgx sets to nil itself).
func (scanUUID) Scan(src []byte, dst any) error {
	if src == nil {
		return nil
	}
	if len(src) != 16 {
		return fmt.Errorf("invalid length for UUID: %v", len(src))
	}
	copy(dst.(*uuid.UUID)[:], src)
	return nil
}
