package diagnose

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ar1Chains returns c chains of n draws of x_t = rho x_{t-1} + e_t with
// stationary unit variance, started from the stationary distribution, each
// shifted by shift[i].
func ar1Chains(seed uint64, c, n int, rho float64, shift []float64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	sd := math.Sqrt(1 - rho*rho)
	chains := make([][]float64, c)
	for i := range chains {
		chains[i] = make([]float64, n)
		x := rng.NormFloat64()
		for k := range n {
			chains[i][k] = x + shift[i]
			x = rho*x + sd*rng.NormFloat64()
		}
	}
	return chains
}

func TestConvergenceIID(t *testing.T) {
	t.Parallel()
	const (
		c, n   = 4, 2000
		rhatOK = 1.01
		essTol = 0.15 // relative
	)
	r, err := CheckChains(ar1Chains(40, c, n, 0, make([]float64, c)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("iid: %+v", r)
	if r.Rhat > rhatOK || r.RankRhat > rhatOK || r.Warning != "" {
		t.Errorf("R-hat %v, rank R-hat %v, warning %q", r.Rhat, r.RankRhat, r.Warning)
	}
	if math.Abs(r.ESS/(c*n)-1) > essTol {
		t.Errorf("ESS %v, want about %d", r.ESS, c*n)
	}
}

func TestConvergenceShiftedMeans(t *testing.T) {
	t.Parallel()
	const minRhat = 1.5
	r, err := CheckChains(ar1Chains(41, 4, 1000, 0, []float64{0, 0, 3, -3}))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("shifted: %+v", r)
	if r.Rhat < minRhat || r.RankRhat < minRhat || r.Warning == "" {
		t.Errorf("R-hat %v, rank R-hat %v, warning %q: want >> 1", r.Rhat, r.RankRhat, r.Warning)
	}
}

func TestESSAR1(t *testing.T) {
	t.Parallel()
	const (
		c, n   = 4, 5000
		essTol = 0.15 // relative; the estimate's sd is a few %
	)
	for _, rho := range []float64{0.5, 0.9} {
		chains := ar1Chains(42, c, n, rho, make([]float64, c))
		want := c * n * (1 - rho) / (1 + rho)
		got, err := ESS(chains)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("rho %v: ESS %.0f, want %.0f", rho, got, want)
		if math.Abs(got/want-1) > essTol {
			t.Errorf("rho %v: ESS %v, want %v", rho, got, want)
		}
	}
}

func TestAutocovariance(t *testing.T) {
	t.Parallel()
	const tol = 1e-12
	x := []float64{1, 3, 2, 5, 4, 4, 0, 1, 2}
	got := autocovariance(x)
	mean := 22.0 / 9
	for lag := range x {
		var want float64
		for i := 0; i+lag < len(x); i++ {
			want += (x[i] - mean) * (x[i+lag] - mean)
		}
		want /= float64(len(x))
		if math.Abs(got[lag]-want) > tol {
			t.Errorf("acov(%d) = %v, want %v", lag, got[lag], want)
		}
	}
}

func TestCheckChainsErrors(t *testing.T) {
	t.Parallel()
	for name, chains := range map[string][][]float64{
		"short":        {{1, 2, 3}},
		"ragged":       {{1, 2, 3, 4}, {1, 2, 3}},
		"stuck":        {{1, 2, 3, 4, 5, 6}, {1, 2, 3, 7, 7, 7}},
		"not a number": {{1, 2, 3, math.NaN()}},
	} {
		if _, err := CheckChains(chains); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
