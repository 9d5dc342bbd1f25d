package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
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

// NewPoolCollector returns a Prometheus collector of pool's statistics (db_pool_*): its
// connections open, idle and in use, its size, and its acquires — how many, how long they
// waited, how many had to wait and how many gave up.
func NewPoolCollector(pool *pgxpool.Pool) prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{
		pool:            pool,
		total:           d("connections", "Open connections."),
		idle:            d("idle_connections", "Idle connections."),
		acquired:        d("acquired_connections", "Connections in use."),
		maxConns:        d("max_connections", "Pool size limit."),
		acquireCount:    d("acquires_total", "Successful acquires."),
		acquireWait:     d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
		emptyAcquire:    d("empty_acquires_total", "Acquires that had to wait for a connection."),
		canceledAcquire: d("canceled_acquires_total", "Acquires canceled by their context (timeouts)."),
	}
}

// poolCollector exports pgxpool statistics.
type poolCollector struct {
	pool                                                     *pgxpool.Pool
	total, idle, acquired, maxConns                          *prometheus.Desc
	acquireCount, acquireWait, emptyAcquire, canceledAcquire *prometheus.Desc
}

// Describe sends the metrics' descriptions.
func (p *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{p.total, p.idle, p.acquired, p.maxConns, p.acquireCount, p.acquireWait, p.emptyAcquire, p.canceledAcquire} {
		ch <- d
	}
}

// Collect sends the pool's statistics as they are now.
func (p *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := p.pool.Stat()
	g := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	c := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	g(p.total, float64(s.TotalConns()))
	g(p.idle, float64(s.IdleConns()))
	g(p.acquired, float64(s.AcquiredConns()))
	g(p.maxConns, float64(s.MaxConns()))
	c(p.acquireCount, float64(s.AcquireCount()))
	c(p.acquireWait, s.AcquireDuration().Seconds())
	c(p.emptyAcquire, float64(s.EmptyAcquireCount()))
	c(p.canceledAcquire, float64(s.CanceledAcquireCount()))
}
