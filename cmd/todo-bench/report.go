package main

import (
	"fmt"
	"io"
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
	r.printSharedRatio(w)
	if ol := r.OpenLoop; ol != nil {
		fmt.Fprintf(w, "\nopen loop, single at %.0f req/s (half the peak) over %d connections: sent %d, errors %d, p50 %.2f ms, p99 %.2f ms, p99/p50 %.2f (sent late by: p50 %.2f ms, p99 %.2f ms)\n",
			ol.Rate, ol.Conns, ol.Sent, ol.Errors, ol.P50ms, ol.P99ms, ol.P99OverP50, ol.SendLagP50ms, ol.SendLagP99ms)
	}
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
