package hh

import (
	"math"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// Tolerances and known answers of the simulation tests.
const (
	passiveTol     = 1e-9 // mV, RK4 against the exact RC solution
	restDriftTol   = 1e-9 // mV, drift at rest without current
	convergenceTol = 0.01 // mV, dt against dt/2
	// Repetitive firing of the classic model under a sustained 10 uA/cm2
	// step at 6.3 °C: the commonly quoted value is about 68 Hz (cf. the f-I
	// curve of Rinzel and Miller 1980, Math. Biosci. 49:27-59, and Koch 1999,
	// Biophysics of Computation, ch. 6); this code gives 68.3 Hz. Spike peaks
	// lie near +40 mV.
	freqLoHz, freqHiHz = 60.0, 75.0
	peakLoMV, peakHiMV = 35.0, 45.0
	crossMV            = -20.0 // the subthreshold preset never reaches it
)

func mustCompile(t *testing.T, s neuron.Stimulus) *neuron.Current {
	t.Helper()
	c, err := s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func step(amp, start, end float64) neuron.Stimulus {
	return neuron.Stimulus{Kind: neuron.StimStep, Start: start, End: end, Amplitude: amp}
}

// TestPassiveMatchesRC checks the integrator against an analytic solution:
// without voltage-gated conductances the cell is an RC circuit,
// V(t) = E_L + I/g_L (1 - exp(-g_L (t - t0) / C_m)) after a step at t0.
func TestPassiveMatchesRC(t *testing.T) {
	t.Parallel()
	p := Params{Cm: 2, GL: 0.1, ENa: 50, EK: -77, EL: -70}
	const amp, t0 = 1.5, 20.0
	tr, err := Simulate(p, mustCompile(t, step(amp, t0, 1000)), Settings{NumSamples: 200, RecordStepMs: 0.5, DtMs: 0.05}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, tm := range tr.Time {
		want := p.EL
		if tm > t0 {
			want += amp / p.GL * (1 - math.Exp(-p.GL*(tm-t0)/p.Cm))
		}
		if math.Abs(tr.V[i]-want) > passiveTol {
			t.Fatalf("V(%g) = %.12g, exact %.12g", tm, tr.V[i], want)
		}
	}
}

// TestRestStaysAtRest checks that without current the trace stays at the
// steady state.
func TestRestStaysAtRest(t *testing.T) {
	t.Parallel()
	rest, _ := SteadyState(Classic(), 0)
	tr, err := Simulate(Classic(), mustCompile(t, step(0, 0, 1)), Settings{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range tr.V {
		if math.Abs(v-rest.V) > restDriftTol {
			t.Fatalf("V(%g) = %.12g drifted from rest %.12g", tr.Time[i], v, rest.V)
		}
	}
	if len(tr.Spikes) != 0 {
		t.Errorf("spikes at rest: %v", tr.Spikes)
	}
}

// TestClassicRepetitiveFiring checks the textbook firing rate and spike
// height under a sustained 10 uA/cm2 step.
func TestClassicRepetitiveFiring(t *testing.T) {
	t.Parallel()
	tr, err := Simulate(Classic(), mustCompile(t, step(10, 0, 1000)), Settings{NumSamples: 1000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var late []float64 // spikes after the onset transient
	for _, s := range tr.Spikes {
		if s > 200 {
			late = append(late, s)
		}
	}
	if len(late) < 10 {
		t.Fatalf("%d spikes after 200 ms, want repetitive firing", len(late))
	}
	f := 1000 * float64(len(late)-1) / (late[len(late)-1] - late[0])
	if f < freqLoHz || f > freqHiHz {
		t.Errorf("firing rate %.2f Hz, want %g-%g Hz", f, freqLoHz, freqHiHz)
	}
	if tr.MaxV < peakLoMV || tr.MaxV > peakHiMV {
		t.Errorf("spike peak %.2f mV, want %g-%g mV", tr.MaxV, peakLoMV, peakHiMV)
	}
	t.Logf("10 uA/cm2: %.2f Hz, peak %.2f mV", f, tr.MaxV)
}

// TestBelowRheobase checks that a 1 uA/cm2 step does not spike.
func TestBelowRheobase(t *testing.T) {
	t.Parallel()
	tr, err := Simulate(Classic(), mustCompile(t, step(1, 50, 550)), Settings{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Spikes) != 0 || tr.MaxV > crossMV {
		t.Errorf("1 uA/cm2: %d spikes, highest V %.2f mV", len(tr.Spikes), tr.MaxV)
	}
}

// TestStepConvergence checks that halving the RK4 step changes the recorded
// trace by less than convergenceTol, for a spiking and a quiet trace.
func TestStepConvergence(t *testing.T) {
	t.Parallel()
	cur := mustCompile(t, neuron.DefaultStaircase())
	for _, c := range []struct {
		name  string
		p     Params
		scale float64
	}{{"classic x10", Classic(), 10}, {"subthreshold", Subthreshold(), 1}} {
		a, err := Simulate(c.p, cur, Settings{StimulusScale: c.scale}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Simulate(c.p, cur, Settings{StimulusScale: c.scale, DtMs: DefaultDtMs / 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i := range a.V {
			worst = math.Max(worst, math.Abs(a.V[i]-b.V[i]))
		}
		if worst > convergenceTol {
			t.Errorf("%s: dt and dt/2 differ by %g mV", c.name, worst)
		}
		t.Logf("%s: dt vs dt/2 differ by %.2g mV", c.name, worst)
	}
}
