package recording

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// TestProtocolConfigStep: the 150 ms single step recorded at 10 kHz gives
// a 150 ms experiment on a 0.1 ms grid (dt 0.1 ms) whose stimulus is the
// true step, and simulating it reproduces the recording's noise-free trace.
func TestProtocolConfigStep(t *testing.T) {
	t.Parallel()
	truth := stepConfig(0.1, 0.1)
	rec := simulated(t, truth, 0.1, 5)
	cfg, err := ProtocolConfig(neuron.Default(), rec, ProtocolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DurationMs != 150 || cfg.RecordStepMs != 0.1 || cfg.DtMs != 0.1 {
		t.Fatalf("duration %g, step %g, dt %g ms; want 150, 0.1, 0.1", cfg.DurationMs, cfg.RecordStepMs, cfg.DtMs)
	}
	checkSlice(t, "breakpoints", cfg.Stimulus.Times, []float64{0, 20, 120}, 0)
	checkSlice(t, "levels", cfg.Stimulus.Levels, []float64{0, 1, 0}, 0)
	a, b := simNoiseFree(t, truth), simNoiseFree(t, cfg)
	checkSlice(t, "trace of the recovered protocol", b, a, 1e-12)
	if cfg.SigmaObs != neuron.Default().SigmaObs || *cfg.Priors.EL != *neuron.Default().Priors.EL {
		t.Error("the base's noise and priors were not kept")
	}
}

// simNoiseFree simulates cfg at trueParams without noise.
func simNoiseFree(t *testing.T, cfg neuron.Config) []float64 {
	t.Helper()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, sim.NumSamples())
	if err := sim.Simulate([]neuron.Params{trueParams}, nil, v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestProtocolConfigSweepsAgree: two sweeps of one protocol whose recorded
// currents differ by their noise (sd 0.005 uA/cm2, and an absolute current
// converted with the membrane area) give the same configuration.
func TestProtocolConfigSweepsAgree(t *testing.T) {
	t.Parallel()
	truth := stepConfig(0.1, 0.1)
	var js [2][]byte
	for k := range js {
		rec := simulated(t, truth, 0.1, uint64(10+k))
		rng := rand.New(rand.NewPCG(uint64(20+k), 0))
		const area = 2e-5 // cm2: 1 uA/cm2 is 20 pA
		for i := range rec.Current {
			rec.Current[i] = (rec.Current[i] + 0.005*rng.NormFloat64()) * 20
		}
		rec.CurrentUnit = UnitPA
		d, err := rec.ToDensity(Membrane{AreaCm2: area})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := ProtocolConfig(neuron.Default(), d, ProtocolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if js[k], err = json.Marshal(cfg); err != nil {
			t.Fatal(err)
		}
	}
	if string(js[0]) != string(js[1]) {
		t.Fatalf("two sweeps of one protocol give different configurations:\n%s\n%s", js[0], js[1])
	}
}

// TestProtocolConfigGrid: a 140 ms recording at 200 kHz (28,000 samples)
// is coarsened to a 0.1 ms grid (1,400 samples at most 2,000); from
// StartMs 10 the duration is floored to 130 ms; a 1 ms grid gives dt 0.5;
// levels are rounded to multiples of Tol (0.5 to 0.6 with Tol 0.3).
func TestProtocolConfigGrid(t *testing.T) {
	t.Parallel()
	step := func(t float64) float64 {
		if t >= 20.0 && t < 100 {
			return 0.5
		}
		return 0
	}
	rec := synth(200000, 140, zero, step)
	for _, c := range []struct {
		opt             ProtocolOptions
		dur, record, dt float64
		times, levels   []float64
	}{
		{ProtocolOptions{}, 140, 0.1, 0.1, []float64{0, 20, 100}, []float64{0, 0.5, 0}},
		{ProtocolOptions{StartMs: 10}, 130, 0.1, 0.1, []float64{0, 10, 90}, []float64{0, 0.5, 0}},
		{ProtocolOptions{MaxSamples: 200}, 140, 1, 0.5, []float64{0, 20, 100}, []float64{0, 0.5, 0}},
		{ProtocolOptions{MaxSamples: 50000}, 140, 0.005, 0.005, []float64{0, 20, 100}, []float64{0, 0.5, 0}},
		{ProtocolOptions{Tol: 0.3}, 140, 0.1, 0.1, []float64{0, 20, 100}, []float64{0, 0.6, 0}},
	} {
		cfg, err := ProtocolConfig(neuron.Default(), rec, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DurationMs != c.dur || cfg.RecordStepMs != c.record || cfg.DtMs != c.dt {
			t.Errorf("%+v: duration %g, step %g, dt %g ms; want %g, %g, %g", c.opt, cfg.DurationMs, cfg.RecordStepMs, cfg.DtMs, c.dur, c.record, c.dt)
		}
		checkSlice(t, "breakpoints", cfg.Stimulus.Times, c.times, 0)
		checkSlice(t, "levels", cfg.Stimulus.Levels, c.levels, 0)
	}
}

// TestNiceSteps checks the grid's rounding.
func TestNiceSteps(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, nice, dt float64 }{
		{0.1, 0.1, 0.1}, {0.09999999999, 0.1, 0.1}, {0.005, 0.005, 0.005}, {0.04, 0.05, 0.05},
		{1.0 / 30, 0.05, 0.05}, {0.0225, 0.025, 0.025}, {0.3, 0.5, 0.5}, {1, 1, 0.5}, {2.2, 2.5, 0.5}, {4, 5, 0.5},
	} {
		if got := niceStep(c.in); got != c.nice {
			t.Errorf("niceStep(%g) = %g; want %g", c.in, got, c.nice)
		}
		if got := dtFor(c.nice); got != c.dt {
			t.Errorf("dtFor(%g) = %g; want %g", c.nice, got, c.dt)
		}
	}
	if got := nextNice(0.025); got != 0.05 {
		t.Errorf("nextNice(0.025) = %g; want 0.05", got)
	}
}

// TestProtocolConfigErrors: an absolute current and a window past the end.
func TestProtocolConfigErrors(t *testing.T) {
	t.Parallel()
	rec := synth(10000, 100, zero, zero)
	rec.CurrentUnit = UnitPA
	if _, err := ProtocolConfig(neuron.Default(), rec, ProtocolOptions{}); err == nil {
		t.Error("no error for a current in pA")
	}
	rec.CurrentUnit = UnitDensity
	if _, err := ProtocolConfig(neuron.Default(), rec, ProtocolOptions{StartMs: 200}); err == nil {
		t.Error("no error for a window past the end")
	}
}
