package validation

import "math/rand/v2"

// subsample returns n rows of rows drawn at random without replacement (a
// partial Fisher-Yates shuffle of the row indices), or all rows when there
// are no more than n. MCMC draws are compared through it: successive draws
// of a chain are autocorrelated, so the first n draws, or every k-th draw,
// do not spread over the posterior as n independent draws would, and a
// classifier tells two such samples of one posterior apart (C2ST 0.58-0.64
// instead of 0.51 between two runs of the reference on one observation).
// The rows are shared, not copied.
func subsample(rows [][]float64, n int, rng *rand.Rand) [][]float64 {
	if len(rows) <= n {
		return rows
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	out := make([][]float64, n)
	for k := range out {
		j := k + rng.IntN(len(idx)-k)
		idx[k], idx[j] = idx[j], idx[k]
		out[k] = rows[idx[k]]
	}
	return out
}
