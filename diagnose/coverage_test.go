package diagnose

import (
	"math"
	"testing"
)

func TestCoverageExactPosterior(t *testing.T) {
	t.Parallel()
	const tol = 0.03 // brief: within 3 % of nominal at every level
	truths, draws := conjugate(3, 4000, 400, []float64{0.5, 2}, 1)
	res, err := Coverage(truths, draws, CoverageConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		worst := 0.0
		for l, q := range r.Levels {
			worst = math.Max(worst, math.Abs(r.Empirical[l]-q))
		}
		t.Logf("param %d: calibration error %.4f, worst level %.4f", r.Param, r.CalibrationError, worst)
		if worst > tol || r.Warning != "" {
			t.Errorf("param %d: coverage off by %v at some level (warning %q)", r.Param, worst, r.Warning)
		}
		if len(r.Levels) != 99 {
			t.Errorf("%d default levels, want 99", len(r.Levels))
		}
	}
}

func TestCoverageOverconfident(t *testing.T) {
	t.Parallel()
	// With sd halved, the level-q interval covers 2 Phi(Phi^-1((1+q)/2) / 2) - 1.
	const tol = 0.03
	truths, draws := conjugate(4, 2000, 200, []float64{1}, 0.5)
	res, err := Coverage(truths, draws, CoverageConfig{Levels: []float64{0.5, 0.9}})
	if err != nil {
		t.Fatal(err)
	}
	for l, want := range []float64{0.2641, 0.5902} {
		if got := res[0].Empirical[l]; math.Abs(got-want) > tol {
			t.Errorf("level %v: coverage %v, want %v", res[0].Levels[l], got, want)
		}
	}
	if res[0].Warning == "" {
		t.Error("no warning for an overconfident posterior")
	}
}
