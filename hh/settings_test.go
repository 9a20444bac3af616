package hh

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// noiseZ is the number of standard errors the noise's sample mean and sd may
// be off.
const noiseZ = 4.0

// TestGrid checks the sample grid and the recorded current against neuron's
// conventions: t_i = i * record step, right-continuous steps.
func TestGrid(t *testing.T) {
	t.Parallel()
	cur := mustCompile(t, neuron.DefaultStaircase())
	tr, err := Simulate(Subthreshold(), cur, Settings{StimulusScale: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Time) != DefaultNumSamples || len(tr.V) != DefaultNumSamples || len(tr.I) != DefaultNumSamples {
		t.Fatalf("lengths %d, %d, %d, want %d", len(tr.Time), len(tr.V), len(tr.I), DefaultNumSamples)
	}
	for i, tm := range tr.Time {
		if tm != float64(i) {
			t.Fatalf("Time[%d] = %g", i, tm)
		}
		if want := 2 * cur.At(tm); tr.I[i] != want {
			t.Fatalf("I(%g) = %g, want %g", tm, tr.I[i], want)
		}
	}
	if tr.I[49] != 0 || tr.I[50] != 1 || tr.I[500] != 0 {
		t.Errorf("I at 49, 50, 500 ms = %g, %g, %g", tr.I[49], tr.I[50], tr.I[500])
	}
}

// TestObservationNoise checks that the noise is Normal(0, sd^2) on top of the
// clean trace and reproducible from the seed.
func TestObservationNoise(t *testing.T) {
	t.Parallel()
	cur := mustCompile(t, neuron.DefaultStaircase())
	const sd, n = 1.5, 4000
	set := Settings{NumSamples: n, RecordStepMs: 0.1, NoiseSD: sd}
	clean, err := Simulate(Subthreshold(), cur, Settings{NumSamples: n, RecordStepMs: 0.1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Simulate(Subthreshold(), cur, set, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Simulate(Subthreshold(), cur, set, rand.New(rand.NewPCG(1, 2)))
	var sum, sum2 float64
	for i := range a.V {
		if a.V[i] != b.V[i] {
			t.Fatalf("same seed, different sample %d", i)
		}
		e := a.V[i] - clean.V[i]
		sum += e
		sum2 += e * e
	}
	mean := sum / n
	std := math.Sqrt(sum2/n - mean*mean)
	if math.Abs(mean) > noiseZ*sd/math.Sqrt(n) || math.Abs(std-sd) > noiseZ*sd/math.Sqrt(2*n) {
		t.Errorf("noise mean %g, sd %g; want 0 and %g", mean, std, sd)
	}
	if a.MaxV != clean.MaxV || len(a.Spikes) != len(clean.Spikes) {
		t.Error("noise changed MaxV or Spikes, which describe the clean trace")
	}
}

// TestSettingsErrors checks that bad settings and inputs are errors.
func TestSettingsErrors(t *testing.T) {
	t.Parallel()
	cur := mustCompile(t, neuron.DefaultStaircase())
	offGrid := mustCompile(t, step(1, 50.005, 100))
	cases := []struct {
		name string
		p    Params
		cur  *neuron.Current
		set  Settings
		rng  *rand.Rand
	}{
		{"dt does not divide record step", Classic(), cur, Settings{DtMs: 0.03}, nil},
		{"negative dt", Classic(), cur, Settings{DtMs: -0.01}, nil},
		{"negative samples", Classic(), cur, Settings{NumSamples: -1}, nil},
		{"negative noise", Classic(), cur, Settings{NoiseSD: -1}, nil},
		{"noise without rng", Classic(), cur, Settings{NoiseSD: 1}, nil},
		{"NaN scale", Classic(), cur, Settings{StimulusScale: math.NaN()}, nil},
		{"stimulus off the grid", Classic(), offGrid, Settings{}, nil},
		{"no stimulus", Classic(), nil, Settings{}, nil},
		{"bad params", Params{}, cur, Settings{}, nil},
		{"tiny dt", Classic(), cur, Settings{DtMs: 1e-300}, nil},
		{"too many samples", Classic(), cur, Settings{NumSamples: MaxSamplesPerTrace + 1}, nil},
		{"too many steps", Classic(), cur, Settings{NumSamples: 500_000}, nil},
	}
	for _, c := range cases {
		if _, err := Simulate(c.p, c.cur, c.set, c.rng); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	for _, c := range []struct {
		set  Settings
		want string
	}{
		{Settings{DtMs: 1e-300}, "5.99e+302 RK4 steps, more than MaxStepsPerTrace = 4194304"},
		{Settings{NumSamples: MaxSamplesPerTrace + 1}, "1000001 samples, more than MaxSamplesPerTrace = 1000000"},
	} {
		if _, err := Simulate(Classic(), cur, c.set, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.set, err, c.want)
		}
	}
	// Off the grid but after the recording ends is fine.
	if _, err := Simulate(Classic(), offGrid, Settings{NumSamples: 40}, nil); err != nil {
		t.Errorf("stimulus after the recording: %v", err)
	}
}
