package main

import (
	"math"
	"slices"
	"testing"
)

func TestCompose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		in              row
		composed, ratio float64
	}{
		{"rls bound when measured", row{ServerCPUms: 0.091, PgCPUms: 0.051, BoundPgCPU: 0.030, RLSBoundCPU: 0.039, HTTPBoundCPU: 0.021}, 0.060, 0.142 / 0.060},
		{"plain bound as postgres", row{ServerCPUms: 0.243, PgCPUms: 0.278, BoundPgCPU: 0.125, HTTPBoundCPU: 0.029}, 0.154, 0.521 / 0.154},
		{"no http half", row{ServerCPUms: 0.2, PgCPUms: 0.2, BoundPgCPU: 0.1}, 0, 0},
		{"no pgbench bound (mix, lists-shared)", row{ServerCPUms: 0.2, PgCPUms: 0.2, HTTPBoundCPU: 0.02}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.in
			r.compose()
			if !near(r.ComposedCPU, tt.composed) || !near(r.ComposedRatio, tt.ratio) {
				t.Fatalf("composed %.4f ratio %.4f, want %.4f and %.4f", r.ComposedCPU, r.ComposedRatio, tt.composed, tt.ratio)
			}
		})
	}
}

func TestMedianRow(t *testing.T) {
	t.Parallel()
	// ours / composed per round: 0.3/0.1 = 3, 0.2/0.2 = 1, 0.4/0.2 = 2 → median 2; the ratio of
	// the medians (0.3/0.2 = 1.5) is not what the report shows.
	round := func(ours, http, rps float64, errs int64, rss float64) row {
		return row{Scenario: "list", Conns: 16, RPS: rps, ServerCPUms: ours / 2, PgCPUms: ours / 2,
			RLSBoundCPU: http, HTTPBoundCPU: http, Errors: errs, Requests: 100, MaxRSSMiB: rss}
	}
	tests := []struct {
		name   string
		rounds []row
		want   row
	}{
		{"one round", []row{round(0.3, 0.05, 1000, 0, 40)},
			row{Rounds: 1, RPS: 1000, ServerCPUms: 0.15, PgCPUms: 0.15, ComposedCPU: 0.1, ComposedRatio: 3, ComposedRatios: []float64{3}, Requests: 100, MaxRSSMiB: 40}},
		{"three rounds: median of the ratios", []row{round(0.3, 0.05, 1000, 0, 40), round(0.2, 0.1, 3000, 2, 61), round(0.4, 0.1, 2000, 1, 50)},
			row{Rounds: 3, RPS: 2000, ServerCPUms: 0.15, PgCPUms: 0.15, ComposedCPU: 0.2, ComposedRatio: 2, ComposedRatios: []float64{3, 1, 2}, Errors: 3, Requests: 300, MaxRSSMiB: 61}},
		{"two rounds: mean of the middle two", []row{round(0.3, 0.05, 1000, 0, 40), round(0.2, 0.1, 3000, 0, 41)},
			row{Rounds: 2, RPS: 2000, ServerCPUms: 0.125, PgCPUms: 0.125, ComposedCPU: 0.15, ComposedRatio: 2, ComposedRatios: []float64{3, 1}, Requests: 200, MaxRSSMiB: 41}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := medianRow(tt.rounds)
			if !slices.EqualFunc(got.ComposedRatios, tt.want.ComposedRatios, near) {
				t.Errorf("rounds' ratios %v, want %v", got.ComposedRatios, tt.want.ComposedRatios)
			}
			if got.Scenario != "list" || got.Conns != 16 || got.Rounds != tt.want.Rounds || got.Errors != tt.want.Errors ||
				got.Requests != tt.want.Requests || got.MaxRSSMiB != tt.want.MaxRSSMiB {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for _, f := range []struct {
				name      string
				got, want float64
			}{
				{"rps", got.RPS, tt.want.RPS}, {"server cpu", got.ServerCPUms, tt.want.ServerCPUms}, {"pg cpu", got.PgCPUms, tt.want.PgCPUms},
				{"composed", got.ComposedCPU, tt.want.ComposedCPU}, {"ratio", got.ComposedRatio, tt.want.ComposedRatio},
			} {
				if !near(f.got, f.want) {
					t.Errorf("%s = %.4f, want %.4f", f.name, f.got, f.want)
				}
			}
		})
	}
}

func TestChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		res  results
		want []string // verdicts: open loop, RSS, errors
	}{
		{"all within", results{Rows: []row{{Scenario: "mix", MaxRSSMiB: 59}}, OpenLoop: &openLoop{P50ms: 2, P99ms: 7.9, P99OverP50: 3.95}},
			[]string{"pass", "pass", "pass"}},
		{"tail, memory and errors missed", results{Rows: []row{{Scenario: "mix", MaxRSSMiB: 65}, {Scenario: "single", Errors: 1}}, OpenLoop: &openLoop{P99OverP50: 188}},
			[]string{"miss", "miss", "miss"}},
		{"an error of the http bound counts", results{Rows: []row{{Scenario: "mix", MaxRSSMiB: 30}, {Scenario: "list", HTTPBoundErrors: 2}}, OpenLoop: &openLoop{P99OverP50: 2}},
			[]string{"pass", "pass", "miss"}},
		{"an error of the open loop counts", results{Rows: []row{{Scenario: "mix", MaxRSSMiB: 30}}, OpenLoop: &openLoop{P99OverP50: 2, Errors: 1}},
			[]string{"pass", "pass", "miss"}},
		{"neither mix nor the open loop run", results{Rows: []row{{Scenario: "list"}}},
			[]string{"-", "-", "pass"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.res.checks()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d checks, want %d", len(got), len(tt.want))
			}
			for i, c := range got {
				if c.Verdict != tt.want[i] {
					t.Errorf("%s: %s %s, want %s", c.What, c.Got, c.Verdict, tt.want[i])
				}
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		got, target float64
		want        string
	}{
		{1.5, 1.5, "pass"}, {1.49, 1.5, "pass"}, {1.51, 1.5, "miss"}, {2.4, 0, "-"}, {0, 1.5, "-"},
	}
	for _, tt := range tests {
		if v := verdict(tt.got, tt.target); v != tt.want {
			t.Errorf("verdict(%v, %v) = %s, want %s", tt.got, tt.target, v, tt.want)
		}
	}
}

func TestOnly(t *testing.T) {
	t.Parallel()
	all := []string{"list", "single", "create", "mix"}
	tests := []struct {
		names   string
		want    []string
		wantErr bool
	}{
		{"", all, false},
		{"single", []string{"single"}, false},
		{"mix, list", []string{"list", "mix"}, false},
		{"single,nope", nil, true},
	}
	for _, tt := range tests {
		got, err := only(all, tt.names)
		if (err != nil) != tt.wantErr || len(got) != len(tt.want) {
			t.Fatalf("only(%q) = %v, %v; want %v", tt.names, got, err, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Fatalf("only(%q) = %v, want %v", tt.names, got, tt.want)
			}
		}
	}
	if len(all) != 4 || all[3] != "mix" {
		t.Fatalf("only changed its input: %v", all)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
