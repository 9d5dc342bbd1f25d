package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The composed bound (issue 19): what a request must cost at the least is what PostgreSQL
// spends on its bare statement(s) (pgbench, with row-level security as the service's role
// when the service runs as one: the rls bound) plus what Go's net/http spends sending the
// same response (httpbound.go). The service's CPU per request (server + PostgreSQL) over
// their sum is the figure the targets below hold; with -rounds N every figure is the median
// of N rounds that alternate their order (service first, then the bounds; then the bounds
// first, then the service; …).

// composedTargets: ours ÷ composed bound at most, by scenario (issue 19: single, a list of
// 50, create; "across all of a user's lists" is lists-all).
var composedTargets = map[string]float64{"single": 1.5, "list": 1.5, "create": 1.5, "lists-all": 2}

// The other targets.
const (
	openLoopTailTarget = 4.0  // open-loop p99 ÷ p50 at half the peak rate, at most
	mixRSSTargetMiB    = 64.0 // the server's RSS under mix, at most
)

// compose fills the composed bound and ratio of r from its measured parts; it leaves them
// zero when a part is missing.
func (r *row) compose() {
	pg := r.RLSBoundCPU
	if pg == 0 {
		pg = r.BoundPgCPU
	}
	if pg <= 0 || r.HTTPBoundCPU <= 0 {
		return
	}
	r.ComposedCPU = pg + r.HTTPBoundCPU
	r.ComposedRatio = (r.ServerCPUms + r.PgCPUms) / r.ComposedCPU
}

// medianRow combines the rounds of one scenario: the median of every rate, latency, CPU
// figure and ratio (each ratio the median of the rounds' own ratios, not a ratio of
// medians), the sum of requests and errors, the largest RSS.
func medianRow(rounds []row) row {
	if len(rounds) == 0 {
		return row{}
	}
	for i := range rounds {
		rounds[i].compose()
	}
	med := func(f func(row) float64) float64 {
		v := make([]float64, len(rounds))
		for i, x := range rounds {
			v[i] = f(x)
		}
		return median(v)
	}
	out := rounds[0]
	out.Rounds = len(rounds)
	out.RPS = med(func(x row) float64 { return x.RPS })
	out.P50ms = med(func(x row) float64 { return x.P50ms })
	out.P99ms = med(func(x row) float64 { return x.P99ms })
	out.BytesPerReq = med(func(x row) float64 { return x.BytesPerReq })
	out.BoundTPS = med(func(x row) float64 { return x.BoundTPS })
	out.Ratio = med(func(x row) float64 { return x.Ratio })
	out.ServerCPUms = med(func(x row) float64 { return x.ServerCPUms })
	out.PgCPUms = med(func(x row) float64 { return x.PgCPUms })
	out.BoundPgCPU = med(func(x row) float64 { return x.BoundPgCPU })
	out.RLSBoundTPS = med(func(x row) float64 { return x.RLSBoundTPS })
	out.RLSRatio = med(func(x row) float64 { return x.RLSRatio })
	out.RLSBoundCPU = med(func(x row) float64 { return x.RLSBoundCPU })
	out.HTTPBoundRPS = med(func(x row) float64 { return x.HTTPBoundRPS })
	out.HTTPBoundCPU = med(func(x row) float64 { return x.HTTPBoundCPU })
	out.HTTPBoundBytes = med(func(x row) float64 { return x.HTTPBoundBytes })
	out.ComposedCPU = med(func(x row) float64 { return x.ComposedCPU })
	out.ComposedRatio = med(func(x row) float64 { return x.ComposedRatio })
	out.Requests, out.Errors, out.HTTPBoundErrors, out.MaxRSSMiB, out.ComposedRatios = 0, 0, 0, 0, nil
	for _, x := range rounds {
		if x.ComposedRatio > 0 {
			out.ComposedRatios = append(out.ComposedRatios, x.ComposedRatio)
		}
		out.Requests += x.Requests
		out.Errors += x.Errors
		out.HTTPBoundErrors += x.HTTPBoundErrors
		out.MaxRSSMiB = max(out.MaxRSSMiB, x.MaxRSSMiB)
	}
	return out
}

// median of v (the mean of the middle two for an even count); v is reordered.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[len(v)/2]
}

// verdict is "pass" when got is within target, "miss" when not, "-" when either is not
// measured.
func verdict(got, target float64) string {
	switch {
	case got <= 0 || target <= 0:
		return "-"
	case got <= target:
		return "pass"
	default:
		return "miss"
	}
}

// measureScenario measures one scenario at conns connections -rounds times: the service,
// and (with -bounds) the pgbench bound as postgres, the rls bound as the service's role and
// the HTTP half on the captured response c (nil: none); odd rounds run them in the reverse
// order. It returns the rounds' median row.
func (b *bench) measureScenario(ctx context.Context, sc, script string, c *captured, conns int) (row, error) {
	rounds := make([]row, 0, b.s.rounds)
	for i := range max(b.s.rounds, 1) {
		var api row
		var bound, rls [2]float64
		var hb httpBound
		steps := []func() error{func() (err error) {
			b.logf("%s at %d connections (round %d)", sc, conns, i+1)
			api, err = b.measureAPI(ctx, sc, script, conns)
			return err
		}}
		if _, ok := boundScripts[sc]; ok && b.s.bounds {
			steps = append(steps, func() (err error) {
				b.logf("bound: pgbench %s at %d clients", sc, conns)
				bound[0], bound[1], err = b.measureBound(ctx, sc, boundScripts[sc], "postgres", conns)
				return err
			})
			if b.role != "postgres" {
				steps = append(steps, func() (err error) {
					b.logf("bound: pgbench %s with row-level security (as %s) at %d clients", sc, b.role, conns)
					rls[0], rls[1], err = b.measureBound(ctx, sc+"-rls", rlsBoundScripts[sc], b.role, conns)
					return err
				})
			}
		}
		if c != nil && b.s.bounds {
			steps = append(steps, func() (err error) {
				b.logf("bound: net/http sending %s's captured response at %d connections", sc, conns)
				hb, err = b.measureHTTPBound(ctx, sc, *c, script, conns)
				return err
			})
		}
		if i%2 == 1 {
			slices.Reverse(steps)
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return row{}, fmt.Errorf("%s at %d connections: %w", sc, conns, err)
			}
		}
		r := api
		if bound[0] > 0 {
			r.Bound, r.BoundTPS, r.BoundPgCPU, r.Ratio = "pgbench "+sc, bound[0], bound[1], r.RPS/bound[0]
		}
		if rls[0] > 0 {
			r.RLSBoundTPS, r.RLSBoundCPU, r.RLSRatio = rls[0], rls[1], r.RPS/rls[0]
		}
		r.HTTPBoundRPS, r.HTTPBoundCPU, r.HTTPBoundErrors, r.HTTPBoundBytes = hb.RPS, hb.CPUms, hb.Errors, hb.BytesPerReq
		rounds = append(rounds, r)
	}
	return medianRow(rounds), nil
}

// captureAll keeps one real response of the service for every scenario it can sample
// (sampleRequest), sent as the first user of the scenario's users; the creating scenarios
// create one task more for it.
func (b *bench) captureAll(ctx context.Context, scenarios []string) (map[string]*captured, error) {
	out := map[string]*captured{}
	for _, sc := range scenarios {
		users := b.scenarioUsers(sc)
		if len(users) == 0 {
			continue
		}
		req, err := sampleRequest(ctx, b.base, sc, users[0])
		if errors.Is(err, errNoSample) {
			continue
		}
		if err != nil {
			return nil, err
		}
		c, err := capture(req)
		if err != nil {
			return nil, err
		}
		if c.Status < 200 || c.Status > 299 {
			return nil, fmt.Errorf("capture %s: status %d: %s", sc, c.Status, c.Body)
		}
		out[sc] = &c
	}
	return out, nil
}

// scenarioUsers are the users whose tokens a scenario's requests carry.
func (b *bench) scenarioUsers(sc string) []*benchUser {
	switch {
	case sc == "lists-shared":
		return b.sharedUsers
	case strings.HasPrefix(sc, "lists-"):
		return b.listUsers
	}
	return b.users
}

// only keeps the scenarios that names (-scenarios, comma-separated) lists, in their order;
// all of them when names is empty. A name that is not a scenario is an error.
func only(scenarios []string, names string) ([]string, error) {
	if strings.TrimSpace(names) == "" {
		return scenarios, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		if !slices.Contains(scenarios, n) {
			return nil, fmt.Errorf("-scenarios: no scenario %q (there are %s)", n, strings.Join(scenarios, ", "))
		}
		want[n] = true
	}
	return slices.DeleteFunc(slices.Clone(scenarios), func(s string) bool { return !want[s] }), nil
}
