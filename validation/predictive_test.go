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
