package diagnose

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestC2ST(t *testing.T) {
	t.Parallel()
	const (
		n, d       = 2000, 5
		nullTol    = 0.05 // brief: identical distributions give 0.5 +- 0.05
		minShift   = 0.6  // Bayes accuracy for a 1 sd shift is Phi(0.5) = 0.69
		minDisjoin = 0.97
	)
	rng := rand.New(rand.NewPCG(20, 0))
	for _, c := range []struct {
		name     string
		shift    float64
		lo, hi   float64
		warnWant bool
	}{
		{"identical", 0, 0.5 - nullTol, 0.5 + nullTol, false},
		{"shift 1 sd", 1, minShift, 1, true},
		{"separated", 20, minDisjoin, 1, true},
	} {
		a, b := gaussianSample(rng, n, d, 0), gaussianSample(rng, n, d, c.shift)
		r, err := C2ST(a, b, C2STConfig{Seed: 21})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: accuracy %.4f, folds %.3f", c.name, r.Accuracy, r.FoldAccuracy)
		if r.Accuracy < c.lo || r.Accuracy > c.hi || (r.Warning != "") != c.warnWant {
			t.Errorf("%s: accuracy %v (warning %q), want [%v, %v]", c.name, r.Accuracy, r.Warning, c.lo, c.hi)
		}
	}
}

// TestC2STDeterministic checks that a seed fixes the result although folds
// train in parallel.
func TestC2STDeterministic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(22, 0))
	a, b := gaussianSample(rng, 200, 3, 0), gaussianSample(rng, 150, 3, 0.5)
	cfg := C2STConfig{Seed: 23, Epochs: 10}
	r1, err := C2ST(a, b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := C2ST(a, b, cfg)
	if r1.Accuracy != r2.Accuracy || math.IsNaN(r1.Accuracy) {
		t.Errorf("accuracies %v and %v differ", r1.Accuracy, r2.Accuracy)
	}
	if _, err := C2ST(a, gaussianSample(rng, 10, 2, 0), cfg); err == nil {
		t.Error("no error for mismatched dimensions")
	}
}
