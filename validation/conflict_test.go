package validation

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
)

// TestPredictiveLeavesOutDivergingDraws: a third of the posterior draws
// fail to simulate (absurd C_m and g_L) or rest far below any physical
// potential (E_L = -400 mV); the check is that of the kept draws alone,
// finite, and says how many were left out.
func TestPredictiveLeavesOutDivergingDraws(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	theta := []float64{1.1, 0.09, -64, 5, -49}
	obs, err := simulateOne(cfg, theta, 3)
	if err != nil {
		t.Fatal(err)
	}
	absurd := []float64{6.7e-76, 6.4e8, -42, 0.04, 16} // fails: the voltage leaves +-MaxAbsVoltageMV
	unphysical := []float64{1, 0.1, -400, 6, -50}      // finite, but rests at -400 mV
	draws := [][]float64{theta, {0.9, 0.11, -66, 6, -51}, {1, 0.1, -65, 5.5, -50}, {1.2, 0.1, -63, 6, -48}, absurd, unphysical}
	const n, seed = 60, 7
	ppc, err := Predictive(cfg, obs, draws, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	if ppc.Draws != n || ppc.Excluded != n/3 {
		t.Fatalf("draws %d, excluded %d; want %d and %d", ppc.Draws, ppc.Excluded, n, n/3)
	}
	for _, want := range []string{"20 of 60 posterior draws (33.3 %)", "10 failed to simulate", "10 left the physical range [-250, 150] mV"} {
		if !strings.Contains(ppc.Warning, want) {
			t.Errorf("warning %q lacks %q", ppc.Warning, want)
		}
	}
	// The same check from the kept draws alone, each with its own stream.
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var kept [][]float64
	for k := range n {
		if d := k % len(draws); d >= 4 {
			continue
		}
		p, err := cfg.Params(draws[k%len(draws)])
		if err != nil {
			t.Fatal(err)
		}
		trace := make([]float64, sim.NumSamples())
		if err := sim.Simulate([]neuron.Params{p}, []*rand.Rand{neuron.Stream(seed, uint64(k))}, trace); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, trace)
	}
	want, err := diagnose.PredictiveCheck(obs, kept)
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2][]float64{"q05": {ppc.Q05, want.Q05}, "q25": {ppc.Q25, want.Q25},
		"q50": {ppc.Q50, want.Q50}, "q75": {ppc.Q75, want.Q75}, "q95": {ppc.Q95, want.Q95}} {
		for i := range pair[1] {
			if v := pair[0][i]; v != pair[1][i] || math.IsNaN(v) || v < MinPhysicalMV || v > MaxPhysicalMV {
				t.Fatalf("%s[%d] = %g, want %g from the kept draws alone", name, i, v, pair[1][i])
			}
		}
	}
	if ppc.CRPS != want.CRPS || ppc.RMSE != want.RMSE || ppc.Inside50 != want.Inside50 || ppc.Inside90 != want.Inside90 {
		t.Fatalf("scores CRPS %g RMSE %g in %g/%g, want %g %g %g/%g", ppc.CRPS, ppc.RMSE, ppc.Inside50, ppc.Inside90,
			want.CRPS, want.RMSE, want.Inside50, want.Inside90)
	}
	if !(ppc.CRPS > 0 && ppc.CRPS < 10 && ppc.RMSE < 10) {
		t.Fatalf("CRPS %g, RMSE %g mV: not the scores of a good fit", ppc.CRPS, ppc.RMSE)
	}
}

// TestPredictiveAllDivergingIsAnError: with no usable draw the check is
// unavailable, with the reason and the counts.
func TestPredictiveAllDivergingIsAnError(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	obs, err := simulateOne(cfg, []float64{1, 0.1, -65, 6, -50}, 3)
	if err != nil {
		t.Fatal(err)
	}
	draws := [][]float64{{6.7e-76, 6.4e8, -42, 0.04, 16}, {1, 0.1, -400, 6, -50}}
	ppc, err := Predictive(cfg, obs, draws, 40, 1)
	if err == nil {
		t.Fatal("a PPC with no usable draw succeeded")
	}
	for _, want := range []string{"only 0 of 40", "fewer than 10", "20 failed to simulate", "20 left the physical range"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if ppc.Draws != 40 || ppc.Excluded != 40 || len(ppc.Q50) != 0 {
		t.Fatalf("counts %d/%d, bands %d long", ppc.Excluded, ppc.Draws, len(ppc.Q50))
	}
}

// centreTrace simulates the default experiment at its priors' centre.
func centreTrace(t *testing.T, cfg neuron.Config) []float64 {
	t.Helper()
	obs, err := simulateOne(cfg, []float64{1, 0.1, -65, 6, -50}, 11)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

// TestPriorDataConflict: a trace from the prior's centre conflicts with
// nothing; the same trace shifted to rest at -73 mV (10 mV lower: the
// activation current holds the centre's rest 2 mV above E_L) against
// E_L ~ N(-65, 3) gets a warning on its resting potential that names the
// value and the range; priors widened 3 times accept it. With 4000
// simulations the prior-predictive tail below -73 mV (at most
// P(E_L < -73) = 0.0038, as the rest lies above E_L) is told from 0.005.
func TestPriorDataConflict(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	obs := centreTrace(t, cfg)
	checks, err := PriorDataConflict(cfg, obs, 1000, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 5 || checks[0].Feature != "resting potential" || !strings.HasPrefix(checks[1].Feature, "steady state at 0.5 uA/cm2 (50-200 ms)") {
		t.Fatalf("features %+v", checks)
	}
	for _, c := range checks {
		t.Logf("%s: %.4g in [%.4g, %.4g], q %.4g", c.Feature, c.Observed, c.Lo, c.Hi, c.Quantile)
		if c.Warning != "" {
			t.Errorf("centre trace: %s", c.Warning)
		}
	}
	low := make([]float64, len(obs))
	for i, v := range obs {
		low[i] = v - 73 - checks[0].Observed
	}
	checks, err = PriorDataConflict(cfg, low, 4000, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		t.Logf("%s: %.4g in [%.4g, %.4g], q %.4g: %s", c.Feature, c.Observed, c.Lo, c.Hi, c.Quantile, c.Warning)
	}
	rest := checks[0]
	if rest.Warning == "" || !strings.Contains(rest.Warning, "resting potential -73") || !strings.Contains(rest.Warning, "below the prior predictive's central 99 %") ||
		!strings.Contains(rest.Warning, round(rest.Lo)+" to "+round(rest.Hi)+" mV") || !strings.Contains(rest.Warning, "--widen-priors") {
		t.Fatalf("shifted trace: resting potential %+v", rest)
	}
	checks, err = PriorDataConflict(neuron.WidenPriors(cfg, 3), low, 4000, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		t.Logf("widened: %s: %.4g in [%.4g, %.4g], q %.4g", c.Feature, c.Observed, c.Lo, c.Hi, c.Quantile)
		if c.Warning != "" {
			t.Errorf("widened priors: %s", c.Warning)
		}
	}
}

// TestPosteriorConflict: known draws whose medians lie 0, 2, 4 and 212
// prior sds from the prior's centre: the last two conflict, the last is
// far outside the prior, and farOutside (the trust rule) gives the same
// sentence for it alone.
func TestPosteriorConflict(t *testing.T) {
	t.Parallel()
	names, priors := neuron.Default().Inferred() // C_m LogNormal(1, 0.3), g_L LogNormal(0.1, 0.3), E_L N(-65, 3), k LogNormal(6, 0.5), V_thr N(-50, 4)
	med := []float64{1, 0.1 * math.Exp(2*0.3), -65 - 4*3, 6, -50}
	med[0] = math.Exp(-212 * 0.3) // C_m 212 sds below, in log coordinates
	draws := make([][]float64, 101)
	for i := range draws {
		d := make([]float64, len(med))
		for j, m := range med {
			d[j] = m + 1e-9*float64(i-50)*math.Abs(m) // median exactly m
		}
		draws[i] = d
	}
	got := PosteriorConflict(names, priors, draws)
	if len(got) != 2 {
		t.Fatalf("conflicts %q, want C_m and E_L", got)
	}
	if !strings.HasPrefix(got[0], "C_m: posterior median 2.39e-28 uF/cm2 lies 212 prior sds below the prior's centre in the flow's coordinates (log)") ||
		!strings.Contains(got[0], "far outside the prior") || !strings.Contains(got[0], "--widen-priors") {
		t.Errorf("C_m: %q", got[0])
	}
	if !strings.HasPrefix(got[1], "E_L: posterior median -77 mV lies 4.0 prior sds below the prior's centre; the data conflict with the prior;") ||
		strings.Contains(got[1], "far outside") {
		t.Errorf("E_L: %q", got[1])
	}
	sum, err := diagnose.Summarize(draws, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	far := farOutside(names, priors, sum, PriorZ(priors, med))
	if len(far) != 1 || far[0] != got[0] {
		t.Fatalf("far outside %q, want the C_m conflict alone", far)
	}
	if got := PosteriorConflict(names, priors, [][]float64{{1, 0.1, -65, 6, -50}}); len(got) != 0 {
		t.Fatalf("the prior's centre conflicts: %q", got)
	}
}
