package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// print writes the one-screen table.
func (r *results) print(w io.Writer) {
	fmt.Fprintf(w, "\ntodo-bench %s — %d users × %d tasks, %s per measurement, serve as %s; bound = pgbench on the same cluster, same run\n",
		r.When.Format("2006-01-02 15:04Z"), r.Users, r.Tasks, r.Duration, r.Role)
	fmt.Fprintf(w, "bound: the statement alone (as postgres, no row-level security); rls bound: set_config + statement in one round trip as %s\n\n", r.Role)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tconns\trps\tp50 ms\tp99 ms\terrors\tbound tps\tratio\trls bound tps\trls ratio\tapi cpu ms/req\tpg cpu ms/req\tbound pg cpu ms/tx\trls bound pg cpu\tmax rss MiB\tbytes/req\t")
	for _, x := range r.Rows {
		bound, ratio, bcpu, rss := "-", "-", "-", "-"
		rbound, rratio, rcpu := "-", "-", "-"
		if x.BoundTPS > 0 {
			bound, ratio, bcpu = fmt.Sprintf("%.0f", x.BoundTPS), fmt.Sprintf("%.2f", x.Ratio), fmt.Sprintf("%.3f", x.BoundPgCPU)
		}
		if x.RLSBoundTPS > 0 {
			rbound, rratio, rcpu = fmt.Sprintf("%.0f", x.RLSBoundTPS), fmt.Sprintf("%.2f", x.RLSRatio), fmt.Sprintf("%.3f", x.RLSBoundCPU)
		}
		if x.MaxRSSMiB > 0 {
			rss = fmt.Sprintf("%.1f", x.MaxRSSMiB)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%d\t%s\t%s\t%s\t%s\t%.3f\t%.3f\t%s\t%s\t%s\t%.0f\t\n",
			x.Scenario, x.Conns, x.RPS, x.P50ms, x.P99ms, x.Errors, bound, ratio, rbound, rratio, x.ServerCPUms, x.PgCPUms, bcpu, rcpu, rss, x.BytesPerReq)
	}
	tw.Flush()
	r.printComposed(w)
	r.printSharedRatio(w)
	if ol := r.OpenLoop; ol != nil {
		fmt.Fprintf(w, "\nopen loop, single at %.0f req/s (half the peak) over %d connections: sent %d, errors %d, p50 %.2f ms, p99 %.2f ms, p99/p50 %.2f (sent late by: p50 %.2f ms, p99 %.2f ms)\n",
			ol.Rate, ol.Conns, ol.Sent, ol.Errors, ol.P50ms, ol.P99ms, ol.P99OverP50, ol.SendLagP50ms, ol.SendLagP99ms)
	}
	r.printTargets(w)
	for _, p := range r.Profiles {
		fmt.Fprintln(w, "profile:", p)
	}
}

// printSharedRatio prints, per connection count, PostgreSQL's CPU a request of lists-shared
// (a list shared with the caller) over lists-one's (an own list of the same size): issue 16
// asks for at most 1.5.
func (r *results) printSharedRatio(w io.Writer) {
	own := map[int]float64{}
	for _, x := range r.Rows {
		if x.Scenario == "lists-one" {
			own[x.Conns] = x.PgCPUms
		}
	}
	for _, x := range r.Rows {
		if o := own[x.Conns]; x.Scenario == "lists-shared" && o > 0 {
			fmt.Fprintf(w, "\nshared list vs own list at %d connections: pg cpu ms/req %.3f / %.3f = %.2f (issue 16: at most 1.5)\n", x.Conns, x.PgCPUms, o, x.PgCPUms/o)
		}
	}
}

// printComposed writes the composed-bound table (bound.go): per scenario that has one, ours
// (server + PostgreSQL CPU per request), the HTTP half and the PostgreSQL half of the bound,
// their sum, ours ÷ sum against the target, and the bytes per response of both.
func (r *results) printComposed(w io.Writer) {
	measured := false
	for _, x := range r.Rows {
		measured = measured || x.HTTPBoundCPU > 0
	}
	if !measured {
		return
	}
	rounds := 1
	if len(r.Rows) > 0 {
		rounds = max(r.Rows[0].Rounds, 1)
	}
	pgBound := "bound (as postgres)"
	if r.Role != "postgres" {
		pgBound = "rls bound (as " + r.Role + ")"
	}
	fmt.Fprintf(w, "\ncomposed bound = net/http sending the service's captured response (same wrk script, connections, duration) + PostgreSQL CPU of the %s; ratio = ours ÷ composed, CPU ms per request; medians of %d round(s) (the rounds' lowest–highest ratio)\n\n",
		pgBound, rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tconns\trps\thttp bound rps\tours cpu ms/req\t(api\t+ pg)\thttp bound cpu\tpg bound cpu\tcomposed\tratio\ttarget\t\tbytes/req\thttp bound bytes/req\t")
	for _, x := range r.Rows {
		if x.HTTPBoundCPU <= 0 {
			continue
		}
		pg := x.RLSBoundCPU
		if pg == 0 {
			pg = x.BoundPgCPU
		}
		composed, ratio, target, pgCPU := "-", "-", "-", "-"
		if pg > 0 {
			pgCPU = fmt.Sprintf("%.3f", pg)
		}
		if x.ComposedCPU > 0 {
			composed, ratio = fmt.Sprintf("%.3f", x.ComposedCPU), fmt.Sprintf("%.2f", x.ComposedRatio)
			if len(x.ComposedRatios) > 1 {
				ratio += fmt.Sprintf(" (%.2f–%.2f)", slices.Min(x.ComposedRatios), slices.Max(x.ComposedRatios))
			}
		}
		t := composedTargets[x.Scenario]
		if t > 0 {
			target = fmt.Sprintf("≤ %.1f", t)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t\n",
			x.Scenario, x.Conns, x.RPS, x.HTTPBoundRPS, x.ServerCPUms+x.PgCPUms, x.ServerCPUms, x.PgCPUms, x.HTTPBoundCPU, pgCPU,
			composed, ratio, target, verdict(x.ComposedRatio, t), x.BytesPerReq, x.HTTPBoundBytes)
	}
	tw.Flush()
}

// check is one of the targets against this run: a report, not a gate.
type check struct {
	What    string
	Got     string
	Verdict string // pass, miss, or - (not measured)
}

// checks are the issue-19 targets that are not per scenario: the open loop's tail, the
// RSS under mix, and errors (service, HTTP bound and open loop together).
func (r *results) checks() []check {
	var out []check
	if ol := r.OpenLoop; ol != nil {
		out = append(out, check{fmt.Sprintf("open-loop p99 ≤ %.0f × p50 at half the peak", openLoopTailTarget), fmt.Sprintf("%.2f", ol.P99OverP50), verdict(ol.P99OverP50, openLoopTailTarget)})
	} else {
		out = append(out, check{fmt.Sprintf("open-loop p99 ≤ %.0f × p50 at half the peak", openLoopTailTarget), "single not run", "-"})
	}
	rss := 0.0
	for _, x := range r.Rows {
		if x.Scenario == "mix" {
			rss = max(rss, x.MaxRSSMiB)
		}
	}
	got := "mix not run"
	if rss > 0 {
		got = fmt.Sprintf("%.1f MiB", rss)
	}
	out = append(out, check{fmt.Sprintf("RSS under mix ≤ %.0f MiB", mixRSSTargetMiB), got, verdict(rss, mixRSSTargetMiB)})
	var errs int64
	for _, x := range r.Rows {
		errs += x.Errors + x.HTTPBoundErrors
	}
	if r.OpenLoop != nil {
		errs += int64(r.OpenLoop.Errors)
	}
	v := "pass"
	if errs > 0 {
		v = "miss"
	}
	out = append(out, check{"zero errors", fmt.Sprint(errs), v})
	return out
}

// printTargets writes checks.
func (r *results) printTargets(w io.Writer) {
	fmt.Fprintln(w, "\ntargets (issue 19; per scenario in the composed table):")
	for _, c := range r.checks() {
		fmt.Fprintf(w, "  %-45s %-15s %s\n", c.What, c.Got, c.Verdict)
	}
}
