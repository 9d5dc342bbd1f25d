package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// openLoop is a fixed-rate measurement: request i is due at start + i/rate whatever the
// latency of the others, and its latency counts from when it was due, not from when it was
// sent, so a request that waits for a free connection counts its wait (no coordinated
// omission).
type openLoop struct {
	Rate       float64 `json:"rate"`
	Conns      int     `json:"conns"`
	Sent       int     `json:"sent"`
	Errors     int     `json:"errors"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	P99OverP50 float64 `json:"p99_over_p50"`
	// How late requests left the generator (sent minus due): when its p99 is a large part
	// of P99ms, the wait was for a connection (every worker busy) or for the generator's own
	// CPU, not in the server.
	SendLagP50ms float64 `json:"send_lag_p50_ms"`
	SendLagP99ms float64 `json:"send_lag_p99_ms"`
}

// runOpenLoop sends GET /api/tasks/{id} (random user, random own task) at rate per second
// for d over conns persistent connections. It is deliberately light, so its own CPU shows
// up as little as possible in the latencies: a fixed set of workers, one keep-alive
// connection each, requests formatted before the clock starts, no goroutine or timer per
// request. Each worker takes the next request number from a shared counter, sleeps until it
// is due (or sends at once when it is late) and waits for the answer.
func runOpenLoop(ctx context.Context, base string, users []*benchUser, rate float64, d time.Duration, conns int) (*openLoop, error) {
	if rate < 1 {
		rate = 1
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	n := int(d.Seconds() * rate)
	reqs := make([][]byte, n)
	for i := range reqs {
		usr := users[rand.IntN(len(users))]
		id := usr.Tasks[rand.IntN(len(usr.Tasks))]
		reqs[i] = fmt.Appendf(nil, "GET /api/tasks/%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", id, u.Host, usr.Token)
	}
	lat := make([]time.Duration, n)
	lag := make([]time.Duration, n)
	failed := make([]bool, n)
	interval := float64(time.Second) / rate
	var next atomic.Int64
	start := time.Now().Add(50 * time.Millisecond) // every worker connected and waiting
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w olConn
			defer w.close()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				due := start.Add(time.Duration(float64(i) * interval))
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				}
				sent := time.Now()
				ok := w.do(u.Host, reqs[i])
				lat[i], lag[i], failed[i] = time.Since(due), sent.Sub(due), !ok
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ol := &openLoop{Rate: rate, Conns: conns, Sent: n}
	for _, f := range failed {
		if f {
			ol.Errors++
		}
	}
	if n > 0 {
		slices.Sort(lat)
		slices.Sort(lag)
		ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
		ol.P50ms, ol.P99ms = ms(lat[n/2]), ms(lat[n*99/100])
		ol.SendLagP50ms, ol.SendLagP99ms = ms(lag[n/2]), ms(lag[n*99/100])
		if ol.P50ms > 0 {
			ol.P99OverP50 = ol.P99ms / ol.P50ms
		}
	}
	return ol, nil
}

// olConn is one worker's keep-alive connection, dialled on first use and again after an
// error.
type olConn struct {
	c net.Conn
	r *bufio.Reader
}

// do writes one formatted request and reads its response; ok is a 200 read to the end.
func (w *olConn) do(host string, req []byte) (ok bool) {
	if w.c == nil {
		c, err := net.DialTimeout("tcp", host, 5*time.Second)
		if err != nil {
			return false
		}
		w.c = c
		if w.r == nil {
			w.r = bufio.NewReaderSize(c, 16<<10)
		} else {
			w.r.Reset(c)
		}
	}
	_ = w.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := w.c.Write(req); err != nil {
		w.close()
		return false
	}
	res, err := http.ReadResponse(w.r, nil)
	if err != nil {
		w.close()
		return false
	}
	_, err = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if err != nil || res.Close {
		w.close()
	}
	return err == nil && res.StatusCode == http.StatusOK
}

func (w *olConn) close() {
	if w.c != nil {
		_ = w.c.Close()
		w.c = nil
	}
}
