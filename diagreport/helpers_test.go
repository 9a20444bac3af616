package diagreport

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/reference"
	"github.com/laa-neuro/laa/report"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// writeHTML writes report r into dir and returns its index.html.
func writeHTML(t *testing.T, r *report.Report, dir string) string {
	t.Helper()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// savedComparison is a comparison written by an older laa, before the
// noise floor and the random subsampling.
var savedComparison = filepath.Join("..", "comparison", "testdata", "compare_v1")

// copyMarginals puts the saved comparison's marginals figure into dir as
// the report's comparison_marginals.png/.svg, which its section shows.
func copyMarginals(t *testing.T, dir string) {
	t.Helper()
	for _, ext := range []string{".png", ".svg"} {
		b, err := os.ReadFile(filepath.Join(savedComparison, "marginals"+ext))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "comparison_marginals"+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// tinySetup is an untrained neural posterior for cfg (ActNorm initialized
// from 200 simulations), the typicality reference of those simulations and
// one more simulated trace as a recording on the model's grid.
type tinySetup struct {
	m    *npe.Model
	test *dataset.Set
	ref  *diagnose.Reference
	raw  recording.Recording
	prep recording.Prepared
}

func tiny(t *testing.T, cfg neuron.Config) tinySetup {
	t.Helper()
	m, d := testmodel.Untrained(t, cfg)
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ref, _, err := validation.Reference(m, d, 1)
	if err != nil {
		t.Fatal(err)
	}
	one, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 4, N: 1})
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, one.T)
	for i, x := range one.Traces {
		v[i] = float64(x)
	}
	tm, cur := sim.Times(), sim.StimulusAtSamples()
	raw := recording.Recording{TimeMs: tm, VoltageMV: v, Current: cur, CurrentUnit: recording.UnitDensity, Source: "simulated"}
	prep := recording.Prepared{TimeMs: tm, VoltageMV: v, Current: cur, RecordStepMs: cfg.RecordStepMs, DurationMs: cfg.DurationMs, Source: "simulated"}
	return tinySetup{m: m, test: d, ref: ref, raw: raw, prep: prep}
}

// fastOptions keeps a test's correction to a second or two: 200 draws and
// a short MCMC fallback.
func fastOptions() trust.Options {
	return trust.Options{Draws: 200, PPCDraws: 20, Seed: 1,
		Exact: exact.Options{MCMC: reference.Options{Chains: 32, Burnin: 100, Iterations: 100, MaxIterations: 100}}}
}

// page renders a recording's figures and section and returns the HTML.
func page(t *testing.T, rec trust.Result, names []string) string {
	t.Helper()
	dir := t.TempDir()
	params := make([]plots.Param, len(names))
	for j, n := range names {
		params[j] = plots.Param{Name: n, Unit: neuron.Units[n]}
	}
	err := recordingFigures(1, rec, params, func(name string, f *plots.Figure, err error) error {
		if err != nil {
			return err
		}
		return plots.Save(f, dir, name)
	})
	if err != nil {
		t.Fatal(err)
	}
	r := report.New("test")
	recordingSection(r, 1, rec, names)
	return writeHTML(t, r, dir)
}

// The absurd posterior of the spiking Hodgkin-Huxley cell seen in the demo:
// C_m near 7e-42 uF/cm2.
const absurdCm = 7e-42

// absurdPosterior returns draws of the default model's five parameters
// with C_m spread log-normally around absurdCm, and their summary.
func absurdPosterior(t *testing.T) ([][]float64, []diagnose.Summary) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	draws := make([][]float64, 500)
	for i := range draws {
		draws[i] = []float64{absurdCm * math.Exp(0.5*rng.NormFloat64()), 0.1 * math.Exp(0.2*rng.NormFloat64()),
			-65 + rng.NormFloat64(), 6 * math.Exp(0.3*rng.NormFloat64()), -50 + 2*rng.NormFloat64()}
	}
	sum, err := diagnose.Summarize(draws, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	return draws, sum
}

// medians returns the medians of a posterior summary.
func medians(sum []diagnose.Summary) []float64 {
	med := make([]float64, len(sum))
	for j, s := range sum {
		med[j] = s.Median
	}
	return med
}
