package exact

import (
	"math/rand/v2"
	"slices"
)

// systematic returns n of draws resampled by systematic resampling from
// weights w (summing to 1), shuffled. The rows are copies.
func systematic(draws [][]float64, w []float64, n int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, 0, n)
	u := rng.Float64()
	var cum float64
	i := 0
	for s, ws := range w {
		cum += ws * float64(n)
		for i < n && float64(i)+u < cum {
			out = append(out, slices.Clone(draws[s]))
			i++
		}
	}
	// Rounding can leave the last point just past the cumulative total;
	// it goes to the last draw of non-zero weight.
	for last := len(w) - 1; i < n && last >= 0; last-- {
		if w[last] > 0 {
			for ; i < n; i++ {
				out = append(out, slices.Clone(draws[last]))
			}
		}
	}
	rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

// subsample returns n rows of draws chosen at random without replacement
// (all of them, shuffled, when there are no more than n). The rows are
// copies.
func subsample(draws [][]float64, n int, rng *rand.Rand) [][]float64 {
	idx := rng.Perm(len(draws))
	out := make([][]float64, 0, min(n, len(draws)))
	for _, i := range idx[:min(n, len(draws))] {
		out = append(out, slices.Clone(draws[i]))
	}
	return out
}
