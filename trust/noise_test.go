package trust

import (
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
)

// TestNoiseMismatch simulates a trace with 0.05 mV of observation noise and
// checks it against models assuming 1 mV (warned: wider), 0.05 mV (no
// warning), 0.01 mV (warned: narrower) and an inferred noise (no warning).
func TestNoiseMismatch(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	cfg.SigmaObs = 0.05
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	one, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 9, N: 1})
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, one.T)
	for i, x := range one.Traces {
		v[i] = float64(x)
	}
	raw := recording.Recording{TimeMs: sim.Times(), VoltageMV: v, Current: sim.StimulusAtSamples(), CurrentUnit: recording.UnitDensity, Source: "simulated"}
	p, err := recording.Prepare(raw, recording.GridOf(cfg, 0))
	if err != nil {
		t.Fatal(err)
	}
	inferred := cfg
	prior := neuron.LogNormal(0.1, 0.5)
	inferred.Priors.SigmaObs = &prior
	for _, c := range []struct {
		sigma float64
		exp   neuron.Config
		want  string
	}{{1, neuron.Default(), "wider than the data justify"}, {0.05, cfg, ""}, {0.01, cfg, "narrower than the data justify"}, {1, inferred, ""}} {
		c.exp.SigmaObs = c.sigma
		got := NoiseMismatch(c.exp, p)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("model noise %g mV (inferred %v): warning %q, want one saying %q", c.sigma, c.exp.Priors.SigmaObs != nil, got, c.want)
		}
	}
}
