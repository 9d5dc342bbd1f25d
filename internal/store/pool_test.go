package store

import (
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestRegisterTypesScansAlike: with RegisterTypes, uuid values, NULLs and the store's reads
// come out as they do with pgx's own type map, and uuid parameters (values, pointers, nil)
// reach the server as the same values.
func TestRegisterTypesScansAlike(t *testing.T) {
	t.Parallel()
	url := dbtest.NewURL(t)
	plain, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close(t.Context())
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := pgx.ConnectConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close(t.Context())
	if err := RegisterTypes(t.Context(), fast); err != nil {
		t.Fatal(err)
	}
	if _, ok := fast.TypeMap().PlanEncode(pgtype.UUIDOID, pgtype.BinaryFormatCode, uuid.UUID{}).(encodeUUID); !ok {
		t.Error("uuid.UUID parameters do not take the direct plan")
	}
	const sql = `SELECT $1::uuid, NULL::uuid, NULL::uuid, $1::uuid, $1::uuid::text`
	want := uuid.MustParse("0190b5c2-7d3e-7a1b-9c4d-5e6f7a8b9c0d")
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		type out struct {
			id, keep uuid.UUID
			null     *uuid.UUID
			ptr      *uuid.UUID
			text     uuid.UUID
		}
		scan := func(conn *pgx.Conn) (o out, err error) {
			o.keep = uuid.MustParse("11111111-2222-3333-4444-555555555555") // NULL leaves it
			err = conn.QueryRow(t.Context(), sql, mode, want).Scan(&o.id, &o.keep, &o.null, &o.ptr, &o.text)
			return o, err
		}
		a, errA := scan(plain)
		b, errB := scan(fast)
		if errA != nil || errB != nil || a.id != b.id || a.keep != b.keep || (a.null == nil) != (b.null == nil) ||
			a.ptr == nil || b.ptr == nil || *a.ptr != *b.ptr || a.text != b.text || b.id != want {
			t.Errorf("%v: pgx %+v %v, RegisterTypes %+v %v", mode, a, errA, b, errB)
		}
		params := func(conn *pgx.Conn) (s [3]string, null bool, err error) {
			err = conn.QueryRow(t.Context(), `SELECT $1::uuid::text, $2::uuid::text, $3::uuid IS NULL, $4::uuid::text`, mode,
				want, &want, (*uuid.UUID)(nil), uuid.Nil).Scan(&s[0], &s[1], &null, &s[2])
			return s, null, err
		}
		sa, na, errA := params(plain)
		sb, nb, errB := params(fast)
		if errA != nil || errB != nil || sa != sb || na != nb || !nb || sb[0] != want.String() || sb[1] != want.String() || sb[2] != uuid.Nil.String() {
			t.Errorf("%v: parameters: pgx %v %v %v, RegisterTypes %v %v %v", mode, sa, na, errA, sb, nb, errB)
		}
	}

	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	pc.AfterConnect = RegisterTypes
	pool, err := pgxpool.NewWithConfig(t.Context(), pc)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := New(pool, Options{})
	created, _, err := s.TaskCreate(t.Context(), "typed", TaskFields{Title: "x", Priority: "low"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.TaskGet(t.Context(), "typed", created.ID)
	if err != nil || got.ID != created.ID {
		t.Fatalf("TaskGet: %v %v, want %v", got.ID, err, created.ID)
	}
	page, _, err := s.TaskList(t.Context(), "typed", ListParams{Sort: SortCreated, Desc: true, Limit: 5})
	if err != nil || len(page) != 1 || page[0].ID != created.ID {
		t.Fatalf("TaskList: %+v %v", page, err)
	}
}

// TestPoolCollector: the collector reports the pool's statistics under their db_pool_ names.
func TestPoolCollector(t *testing.T) {
	t.Parallel()
	pool := newPool(t, dbtest.NewURL(t), func(c *pgxpool.Config) { c.MaxConns = 3 })
	if err := pool.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewPoolCollector(pool))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			got[f.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	want := []string{"db_pool_acquire_wait_seconds_total", "db_pool_acquired_connections", "db_pool_acquires_total",
		"db_pool_canceled_acquires_total", "db_pool_connections", "db_pool_empty_acquires_total", "db_pool_idle_connections", "db_pool_max_connections"}
	if len(got) != len(want) {
		t.Fatalf("metrics %v, want %v", got, want)
	}
	for _, name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("no %s among %v", name, got)
		}
	}
	if got["db_pool_max_connections"] != 3 || got["db_pool_acquires_total"] < 1 {
		t.Errorf("max_connections %v, acquires %v; want 3 and at least 1", got["db_pool_max_connections"], got["db_pool_acquires_total"])
	}
}
