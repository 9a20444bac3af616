package features

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFindEpochsStaircase(t *testing.T) {
	t.Parallel()
	got, err := FindEpochs(staircase(1), 1e-9, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []Epoch{
		{0, 50, 0, true}, {50, 200, 0.5, true}, {200, 350, 1, true},
		{350, 500, 1.5, true}, {500, 600, 0, true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d epochs %v, want %v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("epoch %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestFindEpochsRamp(t *testing.T) {
	t.Parallel()
	// 0 for 100 samples, a ramp over 200, 0 for 100.
	stim := make([]float64, 400)
	for i := 100; i < 300; i++ {
		stim[i] = float64(i-99) / 200
	}
	got, err := FindEpochs(stim, 1e-9, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d epochs %v, want 3", len(got), got)
	}
	if got[1].Start != 100 || got[1].End != 300 || got[1].Constant {
		t.Errorf("ramp epoch %+v, want [100, 300) not constant", got[1])
	}
	if !got[0].Constant || !got[2].Constant || got[2].Current != 0 {
		t.Errorf("flanks %+v %+v, want constant zero", got[0], got[2])
	}
}

func TestFindEpochsShortRuns(t *testing.T) {
	t.Parallel()
	// An intermediate sample at a switch joins the step after it.
	stim := make([]float64, 60)
	stim[30] = 0.25
	for i := 31; i < 60; i++ {
		stim[i] = 0.5
	}
	got, err := FindEpochs(stim, 1e-9, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].End != 30 || !got[0].Constant || got[1].Start != 30 || got[1].Constant {
		t.Errorf("got %+v, want [0,30) constant and [30,60) not", got)
	}

	// A short run at the end joins the epoch before it.
	stim = make([]float64, 40)
	stim[38], stim[39] = 1, 1
	got, _ = FindEpochs(stim, 1e-9, 10)
	if len(got) != 1 || got[0].End != 40 {
		t.Errorf("got %+v, want one epoch [0,40)", got)
	}

	// Noise everywhere is one epoch.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range stim {
		stim[i] = rng.NormFloat64()
	}
	got, _ = FindEpochs(stim, 1e-9, 10)
	if len(got) != 1 || got[0].Len() != 40 {
		t.Errorf("noise: got %+v, want one epoch", got)
	}
}

func TestFindEpochsErrors(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		stim []float64
		tol  float64
	}{
		"empty":    {nil, 0},
		"nan":      {[]float64{0, math.NaN()}, 0},
		"inf":      {[]float64{math.Inf(1)}, 0},
		"tol<0":    {[]float64{0}, -1},
		"tol nan":  {[]float64{0}, math.NaN()},
		"tol +inf": {[]float64{0}, math.Inf(1)},
	} {
		if _, err := FindEpochs(c.stim, c.tol, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
