package diagnose

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// drifting returns S simulated series of n points, N(j + shift, 1) at point j.
func drifting(rng *rand.Rand, s, n int, shift float64) [][]float64 {
	x := make([][]float64, s)
	for i := range x {
		x[i] = make([]float64, n)
		for j := range x[i] {
			x[i][j] = float64(j) + shift + rng.NormFloat64()
		}
	}
	return x
}

func TestPredictiveCheck(t *testing.T) {
	t.Parallel()
	const (
		s, n    = 2000, 400
		tolIn   = 0.08 // fraction inside, 400 points
		tolCRPS = 0.1  // relative, mean over 400 points
	)
	rng := rand.New(rand.NewPCG(50, 0))
	sims := drifting(rng, s, n, 0)
	// E_y CRPS(N(0,1), y) over y ~ N(0,1) is E|X-Y| - E|X-X'|/2 = 2/sqrt(pi) - 1/sqrt(pi).
	want := 1 / math.Sqrt(math.Pi)
	r, err := PredictiveCheck(drifting(rng, 1, n, 0)[0], sims)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("calibrated: inside50 %.3f inside90 %.3f CRPS %.4f RMSE %.3f", r.Inside50, r.Inside90, r.CRPS, r.RMSE)
	if math.Abs(r.Inside50-0.5) > tolIn || math.Abs(r.Inside90-0.9) > tolIn || r.Warning != "" {
		t.Errorf("inside50 %v inside90 %v warning %q", r.Inside50, r.Inside90, r.Warning)
	}
	if math.Abs(r.CRPS/want-1) > tolCRPS {
		t.Errorf("CRPS %v, want about %v", r.CRPS, want)
	}
	off, err := PredictiveCheck(drifting(rng, 1, n, 3)[0], sims)
	if err != nil {
		t.Fatal(err)
	}
	if off.Inside90 > 0.5 || off.Warning == "" || off.CRPS < 2*r.CRPS {
		t.Errorf("shifted observation: inside90 %v, CRPS %v, warning %q", off.Inside90, off.CRPS, off.Warning)
	}
}

func TestCRPSSorted(t *testing.T) {
	t.Parallel()
	const tol = 0.01
	if got := CRPSSorted([]float64{2, 2, 2}, 0.5); got != 1.5 {
		t.Errorf("point mass: CRPS %v, want 1.5", got)
	}
	// Closed form for N(0,1): y (2 Phi(y) - 1) + 2 phi(y) - 1/sqrt(pi).
	x := make([]float64, 20000)
	for i := range x {
		x[i] = distuv.UnitNormal.Quantile((float64(i) + 0.5) / float64(len(x)))
	}
	slices.Sort(x)
	for _, y := range []float64{0, 1, -2.5} {
		want := y*(2*distuv.UnitNormal.CDF(y)-1) + 2*distuv.UnitNormal.Prob(y) - 1/math.Sqrt(math.Pi)
		if got := CRPSSorted(x, y); math.Abs(got-want) > tol*want {
			t.Errorf("CRPS(N(0,1), %v) = %v, want %v", y, got, want)
		}
	}
}
