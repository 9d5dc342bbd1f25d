package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// RegisterTypes is a pgxpool AfterConnect hook: it lets conn read uuid columns straight
// into uuid.UUID and send uuid.UUID parameters as their 16 bytes. Without it pgx goes
// through uuid.UUID's sql.Scanner — the 16 bytes rendered as text and parsed back — for
// every id of every row, a quarter of the CPU of reading a page of tasks, and through its
// driver.Valuer (text again) for every id parameter, 3–4% of the CPU of reading one task
// (make bench, pprof). What a scan yields and what a parameter means do not change
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

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(uuid.UUID); ok && format == pgtype.BinaryFormatCode {
		return encodeUUID{}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

type encodeUUID struct{}

// Encode appends the 16 bytes (a nil *uuid.UUID never gets here: pgx sends NULL itself).
func (encodeUUID) Encode(value any, buf []byte) ([]byte, error) {
	u := value.(uuid.UUID)
	return append(buf, u[:]...), nil
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
