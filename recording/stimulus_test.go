package recording

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// TestStimulusFromNoisyRecording turns a noisy recorded step protocol,
// with a step between grid times, into clean steps on the RK4 grid.
func TestStimulusFromNoisyRecording(t *testing.T) {
	t.Parallel()
	const (
		noiseSD = 0.01 // uA/cm2
		tol     = 0.05 // uA/cm2, 5 noise sd
	)
	// 4 standard errors of the mean of the shortest level's ~2400 samples.
	levelTol := 4 * noiseSD / math.Sqrt(2400)
	rng := rand.New(rand.NewPCG(1, 2))
	level := func(t float64) float64 {
		switch {
		case t >= 123.4 && t < 300:
			return 0.8
		case t >= 300 && t < 450:
			return -0.3
		}
		return 0
	}
	r := synth(20000, 650, zero, func(t float64) float64 { return level(t) + noiseSD*rng.NormFloat64() })
	p, err := Prepare(r, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := StimulusFromRecording(p, 0.1, tol)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "times", s.Times, []float64{0, 123.4, 300, 450}, 1e-9)
	for j, want := range []float64{0, 0.8, -0.3, 0} {
		if math.Abs(s.Levels[j]-want) > levelTol {
			t.Errorf("level %d = %g; want %g +- %g", j, s.Levels[j], want, levelTol)
		}
	}
	if _, err := s.Compile(); err != nil {
		t.Errorf("the stimulus does not compile: %v", err)
	}
	// Without merging every RK4 step keeps its own noisy level.
	raw, err := StimulusFromRecording(p, 0.1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.Times) < 5000 {
		t.Errorf("tol 0: %d levels; want one per noisy step", len(raw.Times))
	}
}

func TestWriteStimulusFile(t *testing.T) {
	t.Parallel()
	s := neuron.Stimulus{Kind: neuron.StimStaircase, Times: []float64{0, 50, 123.4}, Levels: []float64{0, 0.1 + 0.2, -1e-7}}
	path := filepath.Join(t.TempDir(), "stim.csv")
	if err := WriteStimulusFile(path, s); err != nil {
		t.Fatal(err)
	}
	times, levels, err := neuron.ReadStimulusFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "times", times, s.Times, 0)
	checkSlice(t, "levels", levels, s.Levels, 0)
	if fs, err := neuron.StimulusFromFile(path); err != nil {
		t.Error(err)
	} else if _, err := fs.Compile(); err != nil {
		t.Error(err)
	}
	if err := WriteStimulusFile(path, neuron.DefaultStaircase()); err != nil {
		t.Errorf("the default staircase: %v", err)
	}
	if err := WriteStimulusFile(path, neuron.Stimulus{Kind: neuron.StimStep, Start: 1, End: 2}); err == nil {
		t.Error("a step stimulus was written as breakpoints")
	}
}

func TestSameProtocol(t *testing.T) {
	t.Parallel()
	a := []float64{0, 0.5, 0.5, 1, 0}
	for _, c := range []struct {
		b    []float64
		tol  float64
		same bool
		diff float64
	}{
		{[]float64{0, 0.5, 0.5, 1, 0}, 0, true, 0},
		{[]float64{0, 0.52, 0.5, 1, 0}, 0.05, true, 0.02},
		{[]float64{0, 0, 0.5, 1, 0}, 0.05, false, 0.5},
		{[]float64{0, 0.5, 0.5, 1}, 1, false, math.Inf(1)},
	} {
		same, diff := SameProtocol(a, c.b, c.tol)
		if same != c.same || math.Abs(diff-c.diff) > 1e-12 && diff != c.diff {
			t.Errorf("%v vs %v (tol %g): %v, %g; want %v, %g", a, c.b, c.tol, same, diff, c.same, c.diff)
		}
	}
	if same, d := SameProtocol(a, []float64{0, math.NaN(), 0.5, 1, 0}, 1); same || !math.IsNaN(d) {
		t.Errorf("NaN: %v, %g; want false, NaN", same, d)
	}
}

func TestStimulusErrors(t *testing.T) {
	t.Parallel()
	p, err := Prepare(synth(10000, 600, zero, zero), PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p        Prepared
		dt, tol  float64
		wantText string
	}{
		{p, 0.7, 0, "RK4 step 0.7 ms must divide the duration 600 ms"},
		{p, 0, 0, "RK4 step 0 ms must be positive"},
		{p, 0.1, -1, "merge tolerance -1 must be >= 0"},
		{Prepared{DurationMs: 600}, 0.1, 0, "holds no current samples"},
	} {
		if _, err := StimulusFromRecording(c.p, c.dt, c.tol); err == nil || !strings.Contains(err.Error(), c.wantText) {
			t.Errorf("got %v; want an error containing %q", err, c.wantText)
		}
	}
}
