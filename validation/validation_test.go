package validation

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/internal/testmodel"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
)

var (
	typicalityAlpha  = 0.01
	ppcBandTolerance = 0.06
)

// Bounds of TestAssessProducesFiniteMetrics on the small trained model.
const (
	minTestContraction      = 0.3
	maxTestCalibrationError = 0.07
)

// TestPredictiveOfTruthCoversAtNominalRates: traces simulated from the true
// parameters put the observed trace inside the 50 % and 90 % bands at about
// those rates.
func TestPredictiveOfTruthCoversAtNominalRates(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	theta := []float64{1.1, 0.09, -64, 5, -49}
	obs, err := simulateOne(cfg, theta, 3)
	if err != nil {
		t.Fatal(err)
	}
	ppc, err := Predictive(cfg, obs, [][]float64{theta}, 400, 4)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ppc.Inside50-0.5) > ppcBandTolerance || math.Abs(ppc.Inside90-0.9) > ppcBandTolerance {
		t.Fatalf("inside 50 %% band %.2f, inside 90 %% band %.2f", ppc.Inside50, ppc.Inside90)
	}
}

// Tests that share the trained model do not run in parallel: a model's
// layers cache their activations and are not safe for concurrent use.

func TestTypicalityFlagsAtypicalTraces(t *testing.T) {
	m, test := testmodel.Trained(t)
	cases, err := typicality(m, test, Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Logf("%-24s p = %.3g", c.Name, c.Result.PValue)
		switch {
		case c.Expected == "typical" && c.Result.PValue < typicalityAlpha:
			t.Errorf("%s flagged (p = %.3g)", c.Name, c.Result.PValue)
		case c.Expected == "atypical" && !c.Flagged:
			t.Errorf("%s not flagged (p = %.3g)", c.Name, c.Result.PValue)
		}
	}
	// A clean fraction of held-out simulations passes at about the nominal rate.
	ref, _, err := Reference(m, test, 5)
	if err != nil {
		t.Fatal(err)
	}
	flagged := 0
	const n = 40
	sim, _ := neuron.NewSimulator(m.Experiment)
	fresh, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 99, N: n})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		tr := make([]float64, fresh.T)
		for j, v := range fresh.Traces[i*fresh.T : (i+1)*fresh.T] {
			tr[j] = float64(v)
		}
		r, err := Check(m, ref, tr)
		if err != nil {
			t.Fatal(err)
		}
		if r.Warning != "" {
			flagged++
		}
	}
	if flagged > 6 {
		t.Fatalf("%d of %d fresh simulations flagged as atypical", flagged, n)
	}
}

func TestAssessProducesFiniteMetrics(t *testing.T) {
	m, test := testmodel.Trained(t)
	res, err := Assess(m, test, Options{Sims: 200, Draws: 100, PPCDraws: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Params) != 5 || len(res.Posterior) != 200 || len(res.Posterior[0]) != 100 {
		t.Fatalf("result shape: %d params, %d posteriors", len(res.Params), len(res.Posterior))
	}
	for _, p := range res.Params {
		// Measured: contraction 0.39 to 0.91, calibration error 0.015 to
		// 0.045 (200 simulations: Monte Carlo error up to 0.035 per level).
		if p.Unconstrained.Contraction < minTestContraction || !(p.Coverage.CalibrationError < maxTestCalibrationError) {
			t.Errorf("%s: contraction %g, calibration error %g", p.Name, p.Unconstrained.Contraction, p.Coverage.CalibrationError)
		}
	}
	if tp := res.TARP; len(tp.ECP) != diagnose.DefaultTARPLevels+1 || len(tp.Coverage) != 200 || !(tp.AreaError < 0.05) { // measured 0.016
		t.Errorf("TARP: %d levels, %d coverages, area %g", len(tp.ECP), len(tp.Coverage), tp.AreaError)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
}

func TestPredictiveSkipsDrawsThatBlowUp(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	theta := []float64{1.1, 0.09, -64, 5, -49}
	obs, err := simulateOne(cfg, theta, 3)
	if err != nil {
		t.Fatal(err)
	}
	absurd := []float64{6.7e-76, 6.4e8, -42, 0.04, 16} // a draw seen from a far out-of-distribution trace
	ppc, err := Predictive(cfg, obs, [][]float64{theta, absurd}, 40, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ppc.Warning, "20 of 40 posterior draws") {
		t.Fatalf("warning %q", ppc.Warning)
	}
	if _, err := Predictive(cfg, obs, [][]float64{absurd}, 40, 4); err == nil {
		t.Fatal("a PPC with no usable draw succeeded")
	}
}
