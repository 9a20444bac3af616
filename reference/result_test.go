package reference

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWarnings builds results from synthetic chains: well mixed, shifted
// (chains disagree), short (small ESS), stuck, and with few acceptances.
func TestWarnings(t *testing.T) {
	t.Parallel()
	chains := func(n int, shift float64, stuck bool) [][][]float64 {
		rng := rand.New(rand.NewPCG(1, 2))
		out := make([][][]float64, 4)
		for c := range out {
			out[c] = make([][]float64, n)
			for k := range out[c] {
				v := rng.NormFloat64() + shift*float64(c)
				if stuck && c == 0 {
					v = 1
				}
				out[c][k] = []float64{v}
			}
		}
		return out
	}
	for _, c := range []struct {
		name   string
		chains [][][]float64
		accept float64
		want   []string // substrings, one per expected warning
	}{
		{"mixed", chains(1000, 0, false), 0.3, nil},
		{"shifted", chains(1000, 0.5, false), 0.3, []string{"chains disagree", "effective sample size"}},
		{"short", chains(50, 0, false), 0.3, []string{"effective sample size"}},
		{"stuck", chains(1000, 0, true), 0.3, []string{"undefined"}},
		{"rarely accepted", chains(1000, 0, false), 0.05, []string{"acceptance rate"}},
	} {
		rhat, errs := rankRhats(c.chains, 1)
		r := newResult([]string{"x"}, c.chains, rhat, errs, c.accept, 0)
		if len(r.Warnings) != len(c.want) {
			t.Errorf("%s: warnings %q, want %d", c.name, r.Warnings, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(r.Warnings[i], w) {
				t.Errorf("%s: warning %q, want %q", c.name, r.Warnings[i], w)
			}
		}
		if c.name == "stuck" && !math.IsNaN(r.RHat[0]) {
			t.Errorf("stuck: R-hat %v, want NaN", r.RHat[0])
		}
	}
}

// TestChainsPoolIntoDraws pins what package idata relies on: the chains stay
// apart in Chains, all as long, and Draws pools them chain after chain,
// sharing their rows.
func TestChainsPoolIntoDraws(t *testing.T) {
	logp := func(x []float64) float64 { return -0.5 * x[0] * x[0] }
	init := make([][]float64, 16)
	for i := range init {
		init[i] = []float64{float64(i) - 8}
	}
	const chains, iterations = 4, 50
	r, err := Sample(Parallel(logp, 1), Options{Seed: 3, Init: init, Chains: chains, Iterations: iterations, MaxIterations: iterations})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Chains) != chains || len(r.Draws) != chains*iterations {
		t.Fatalf("%d chains, %d draws; want %d chains of %d", len(r.Chains), len(r.Draws), chains, iterations)
	}
	for c, ch := range r.Chains {
		if len(ch) != iterations {
			t.Fatalf("chain %d has %d draws, want %d", c, len(ch), iterations)
		}
		for k, x := range ch {
			if &r.Draws[c*iterations+k][0] != &x[0] {
				t.Fatalf("Draws[%d] is not chain %d draw %d", c*iterations+k, c, k)
			}
		}
	}
	if r.Chains[0][iterations-1][0] == r.Chains[1][iterations-1][0] {
		t.Error("chains 0 and 1 end at the same state: not kept apart")
	}
}
