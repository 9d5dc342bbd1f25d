package store

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// NewPoolCollector returns a Prometheus collector of pool's statistics (db_pool_*): open,
// idle and acquired connections, and how often and how long requests waited for one.
func NewPoolCollector(pool *pgxpool.Pool) prometheus.Collector {
	return newPoolCollector(pool)
}

// poolCollector exports pgxpool statistics.
type poolCollector struct {
	pool                                                   *pgxpool.Pool
	total, idle, acquired, maxConns                        *prometheus.Desc
	acquireCount, acquireWait, emptyAcquire, canceledAcqui *prometheus.Desc
}

func newPoolCollector(pool *pgxpool.Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{
		pool:          pool,
		total:         d("connections", "Open connections."),
		idle:          d("idle_connections", "Idle connections."),
		acquired:      d("acquired_connections", "Connections in use."),
		maxConns:      d("max_connections", "Pool size limit."),
		acquireCount:  d("acquires_total", "Successful acquires."),
		acquireWait:   d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
		emptyAcquire:  d("empty_acquires_total", "Acquires that had to wait for a connection."),
		canceledAcqui: d("canceled_acquires_total", "Acquires canceled by their context (timeouts)."),
	}
}

// Describe sends the descriptions of the pool's metrics.
func (p *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{p.total, p.idle, p.acquired, p.maxConns, p.acquireCount, p.acquireWait, p.emptyAcquire, p.canceledAcqui} {
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
	c(p.canceledAcqui, float64(s.CanceledAcquireCount()))
}
