package diagnose

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestWasserstein1(t *testing.T) {
	t.Parallel()
	const tol = 1e-12
	rng := rand.New(rand.NewPCG(30, 0))
	x := make([]float64, 500)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	// A sample and its copy shifted by c are exactly c apart.
	for _, c := range []float64{0, 0.3, -2} {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = v + c
		}
		if got, _ := Wasserstein1(x, y); math.Abs(got-math.Abs(c)) > tol {
			t.Errorf("shift %v: W1 = %v", c, got)
		}
	}
	// Unequal sizes: {0, 1} against {0.5} is 1/2 (mass 1/2 moves 1/2 each way).
	if got, _ := Wasserstein1([]float64{1, 0}, []float64{0.5}); math.Abs(got-0.5) > tol {
		t.Errorf("W1 = %v, want 0.5", got)
	}
	// Ties: {0, 0, 1} against {0, 1, 1} moves mass 1/3 by 1.
	if got, _ := Wasserstein1([]float64{0, 0, 1}, []float64{0, 1, 1}); math.Abs(got-1.0/3) > tol {
		t.Errorf("W1 = %v, want 1/3", got)
	}
	if _, err := Wasserstein1(nil, x); err == nil {
		t.Error("no error for an empty sample")
	}
}

func TestWasserstein1Columns(t *testing.T) {
	t.Parallel()
	const tol = 1e-12
	a := [][]float64{{0, 5}, {1, 6}, {2, 7}}
	b := [][]float64{{1, 5}, {2, 6}, {3, 7}}
	w, err := Wasserstein1Columns(a, b)
	if err != nil || math.Abs(w[0]-1) > tol || w[1] != 0 {
		t.Errorf("W1 = %v (%v), want [1 0]", w, err)
	}
}
