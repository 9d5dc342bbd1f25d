package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// openLoop is a fixed-rate measurement: requests are sent on schedule whatever the
// latency, and each latency counts from when its request was due (no coordinated omission).
type openLoop struct {
	Rate       float64 `json:"rate"`
	Sent       int     `json:"sent"`
	Errors     int     `json:"errors"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	P99OverP50 float64 `json:"p99_over_p50"`
}

func runOpenLoop(ctx context.Context, base string, users []*benchUser, rate float64, d time.Duration) (*openLoop, error) {
	if rate < 1 {
		rate = 1
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}}
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	n := int(d.Seconds() * rate)
	lat := make([]time.Duration, n)
	errs := make([]bool, n)
	sem := make(chan struct{}, 512)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		u := users[rand.IntN(len(users))]
		id := u.Tasks[rand.IntN(len(u.Tasks))]
		sem <- struct{}{}
		wg.Add(1)
		go func(i int, due time.Time) {
			defer wg.Done()
			defer func() { <-sem }()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/tasks/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+u.Token)
			res, err := c.Do(req)
			if err == nil {
				_, _ = drain(res)
				errs[i] = res.StatusCode != http.StatusOK
			} else {
				errs[i] = true
			}
			lat[i] = time.Since(due)
		}(i, due)
	}
	wg.Wait()
	ol := &openLoop{Rate: rate, Sent: n}
	for _, e := range errs {
		if e {
			ol.Errors++
		}
	}
	slices.Sort(lat)
	if n > 0 {
		ol.P50ms = float64(lat[n/2]) / 1e6
		ol.P99ms = float64(lat[n*99/100]) / 1e6
		if ol.P50ms > 0 {
			ol.P99OverP50 = ol.P99ms / ol.P50ms
		}
	}
	return ol, nil
}
