package diagnose

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Convergence thresholds of Vehtari et al. (2021).
const (
	MaxRhat = 1.01
	MinESS  = 400
)

// Convergence summarizes the MCMC chains of one parameter.
type Convergence struct {
	Chains   int     `json:"chains"`
	Draws    int     `json:"draws"` // per chain
	Rhat     float64 `json:"rhat"`  // classic split R-hat
	RankRhat float64 `json:"rank_rhat"`
	ESS      float64 `json:"ess"`
	Warning  string  `json:"warning,omitempty"`
}

// CheckChains computes SplitRhat, RankRhat and ESS of chains (C x N) and
// warns when RankRhat > MaxRhat or ESS < MinESS.
func CheckChains(chains [][]float64) (Convergence, error) {
	c, n, err := checkChains(chains)
	if err != nil {
		return Convergence{}, err
	}
	r := Convergence{Chains: c, Draws: n, Rhat: splitRhat(chains), RankRhat: rankRhat(chains), ESS: ess(chains)}
	switch {
	case r.RankRhat > MaxRhat:
		r.Warning = fmt.Sprintf("chains have not mixed: R-hat %.3f > %g", r.RankRhat, MaxRhat)
	case r.ESS < MinESS:
		r.Warning = fmt.Sprintf("effective sample size %.0f < %d", r.ESS, MinESS)
	}
	return r, nil
}

// checkChains validates chains (C x N): N >= 4, and no half chain constant
// (a stuck sampler), which would leave R-hat and ESS undefined.
func checkChains(chains [][]float64) (c, n int, err error) {
	c, n, err = checkMatrix("chains", chains)
	if err != nil {
		return 0, 0, err
	}
	if n < 4 {
		return 0, 0, fmt.Errorf("diagnose: chains of %d draws are too short to split", n)
	}
	for i, h := range split(chains) {
		if slices.Min(h) == slices.Max(h) {
			return 0, 0, fmt.Errorf("diagnose: half %d of chain %d is constant", i%2, i/2)
		}
	}
	return c, n, nil
}

// split halves every chain (dropping the middle draw of odd chains).
func split(chains [][]float64) [][]float64 {
	h := len(chains[0]) / 2
	out := make([][]float64, 0, 2*len(chains))
	for _, ch := range chains {
		out = append(out, ch[:h], ch[len(ch)-h:])
	}
	return out
}

// SplitRhat returns the potential scale reduction of Gelman et al. (BDA3)
// on split chains: with m chains of n draws, W the mean within-chain
// variance and B = n var(chain means),
//
//	var+ = (n-1)/n W + B/n,  R-hat = sqrt(var+ / W).
//
// chains is C x N with N >= 4.
func SplitRhat(chains [][]float64) (float64, error) {
	if _, _, err := checkChains(chains); err != nil {
		return 0, err
	}
	return splitRhat(chains), nil
}

func splitRhat(chains [][]float64) float64 {
	s := split(chains)
	n := float64(len(s[0]))
	means, vars := make([]float64, len(s)), make([]float64, len(s))
	for i, ch := range s {
		means[i], vars[i] = stat.MeanVariance(ch, nil)
	}
	w := stat.Mean(vars, nil)
	b := n * stat.Variance(means, nil)
	return math.Sqrt(((n-1)/n*w + b/n) / w)
}

// RankRhat returns the rank-normalized split R-hat of Vehtari et al. (2021),
// "Rank-normalization, folding, and localization: an improved R-hat": the
// larger of SplitRhat of the rank-normalized draws (bulk) and of the
// rank-normalized |draw - median| (tails). chains is C x N with N >= 4.
func RankRhat(chains [][]float64) (float64, error) {
	if _, _, err := checkChains(chains); err != nil {
		return 0, err
	}
	return rankRhat(chains), nil
}

func rankRhat(chains [][]float64) float64 {
	bulk := splitRhat(rankNormalize(chains))
	all := slices.Concat(chains...)
	slices.Sort(all)
	med := QuantileSorted(all, 0.5)
	folded := make([][]float64, len(chains))
	for i, ch := range chains {
		folded[i] = make([]float64, len(ch))
		for k, v := range ch {
			folded[i][k] = math.Abs(v - med)
		}
	}
	return math.Max(bulk, splitRhat(rankNormalize(folded)))
}

// rankNormalize replaces each draw by Phi^-1((r - 3/8) / (S + 1/4)), where r
// is its rank (average rank for ties) among all S pooled draws.
func rankNormalize(chains [][]float64) [][]float64 {
	type loc struct{ c, k int }
	var idx []loc
	for c, ch := range chains {
		for k := range ch {
			idx = append(idx, loc{c, k})
		}
	}
	at := func(l loc) float64 { return chains[l.c][l.k] }
	sort.SliceStable(idx, func(a, b int) bool { return at(idx[a]) < at(idx[b]) })
	out := make([][]float64, len(chains))
	for c, ch := range chains {
		out[c] = make([]float64, len(ch))
	}
	s := float64(len(idx))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && at(idx[j]) == at(idx[i]) {
			j++
		}
		r := float64(i+j+1) / 2 // average 1-based rank of the tie group i..j-1
		z := distuv.UnitNormal.Quantile((r - 0.375) / (s + 0.25))
		for _, l := range idx[i:j] {
			out[l.c][l.k] = z
		}
		i = j
	}
	return out
}
