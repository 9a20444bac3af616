package trust

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/reference"
	"github.com/laa-neuro/laa/validation"
)

// tinySetup is an untrained neural posterior for cfg (ActNorm initialized
// from 200 simulations), the typicality reference of those simulations and
// one more simulated trace as a recording on the model's grid.
type tinySetup struct {
	m     *npe.Model
	ref   *diagnose.Reference
	raw   recording.Recording
	prep  recording.Prepared
	names []string
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
	return tinySetup{m: m, ref: ref, raw: raw, prep: prep, names: m.Names}
}

// fastOptions keeps a test's correction to a second or two: 200 draws and
// a short MCMC fallback.
func fastOptions() Options {
	return Options{Draws: 200, PPCDraws: 20, Seed: 1,
		Exact: exact.Options{MCMC: reference.Options{Chains: 32, Burnin: 100, Iterations: 100, MaxIterations: 100}}}
}

// TestRecordingCorrected: with a tractable likelihood the recording's
// posterior is corrected; its draws are the correction's, the amortized
// ones are kept beside them with their own summary, and the correction's
// warnings are the recording's. (Package diagreport's tests check the
// page.)
func TestRecordingCorrected(t *testing.T) {
	t.Parallel()
	s := tiny(t, neuron.Default())
	rec, err := Assess(s.m, s.ref, "cell", s.raw, s.prep, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	c := rec.Correction
	if c == nil || c.Route == exact.Amortized {
		t.Fatalf("correction %+v, want a corrected route", c)
	}
	t.Logf("route %q, k-hat %.2f, ESS %.0f, %.2f s, warnings %q", c.Route, c.KHat(), c.ESS(), c.Seconds, c.Warnings)
	if len(rec.Draws) != 200 || len(rec.Amortized) != 200 || &rec.Draws[0][0] == &rec.Amortized[0][0] {
		t.Fatalf("%d draws, %d amortized draws: want 200 of each, distinct", len(rec.Draws), len(rec.Amortized))
	}
	if len(rec.AmortizedSummary) != 5 || rec.Summary[0].Mean == rec.AmortizedSummary[0].Mean {
		t.Errorf("summaries: corrected %v, amortized %v", rec.Summary, rec.AmortizedSummary)
	}
	for _, w := range c.Warnings { // e.g. an unconverged MCMC fallback
		if !hasPrefix(rec.Warnings, "exact correction: "+w) {
			t.Errorf("correction warning %q not on the page's list %q", w, rec.Warnings)
		}
	}
	if got := RouteLabel(c); !strings.HasPrefix(got, string(c.Route)) {
		t.Errorf("route label %q, want %q", got, c.Route)
	}
}

// TestRecordingIntractableAmortizedOnly: with intrinsic noise the
// posterior is amortized only, because the likelihood is intractable, and
// its draws are the amortized ones.
func TestRecordingIntractableAmortizedOnly(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	cfg.IntrinsicNoise.Enabled = true
	s := tiny(t, cfg)
	rec, err := Assess(s.m, s.ref, "noisy", s.raw, s.prep, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.Correction; c == nil || c.Route != exact.Amortized || c.Reason != exact.IntractableReason {
		t.Fatalf("correction %+v", c)
	}
	if &rec.Draws[0][0] != &rec.Amortized[0][0] {
		t.Error("amortized only, yet the draws are not the amortized ones")
	}
}

// TestRecordingCorrectionFailureWarns: a correction that errs, or whose
// MCMC fallback runs past the budget, leaves the amortized posterior on
// the page with a warning instead of failing the assessment; NoExact
// switches the correction off.
func TestRecordingCorrectionFailureWarns(t *testing.T) {
	t.Parallel()
	s := tiny(t, neuron.Default())
	opt := fastOptions()
	opt.posterior = func(*npe.Model, []float64, exact.Options) (*exact.Result, error) {
		return nil, errors.New("exact: MCMC fallback: diverged")
	}
	rec, err := Assess(s.m, s.ref, "cell", s.raw, s.prep, opt)
	if err != nil {
		t.Fatalf("a failed correction aborted the assessment: %v", err)
	}
	if rec.Correction.Route != exact.Amortized || !hasPrefix(rec.Warnings, "exact correction failed") || len(rec.PPC.Q50) == 0 {
		t.Fatalf("route %q, warnings %q, PPC of %d points", rec.Correction.Route, rec.Warnings, len(rec.PPC.Q50))
	}
	if !strings.Contains(strings.Join(rec.Warnings, " "), "diverged") {
		t.Errorf("the warnings %q do not give the failure's reason", rec.Warnings)
	}

	const budget = 50 * time.Millisecond
	opt.Budget = budget
	opt.posterior = func(_ *npe.Model, _ []float64, o exact.Options) (*exact.Result, error) {
		select { // an MCMC fallback that would never end on its own
		case <-o.MCMC.Context.Done():
			return nil, o.MCMC.Context.Err()
		case <-time.After(time.Minute):
			return nil, errors.New("no deadline")
		}
	}
	t0 := time.Now()
	rec, err = Assess(s.m, s.ref, "cell", s.raw, s.prep, opt)
	if err != nil || time.Since(t0) > 20*time.Second {
		t.Fatalf("budget: err %v after %v", err, time.Since(t0))
	}
	if !hasPrefix(rec.Warnings, "exact correction failed") || !strings.Contains(strings.Join(rec.Warnings, " "), "did not finish within") {
		t.Errorf("budget: warnings %q", rec.Warnings)
	}
	if rec.Correction.Route != exact.Amortized {
		t.Errorf("budget: route %q", rec.Correction.Route)
	}

	opt = fastOptions()
	opt.NoExact = true
	rec, err = Assess(s.m, s.ref, "cell", s.raw, s.prep, opt)
	if err != nil || rec.Correction.Route != exact.Amortized || !strings.Contains(rec.Correction.Reason, "off") {
		t.Fatalf("NoExact: err %v, correction %+v", err, rec.Correction)
	}
}

func hasPrefix(list []string, p string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
