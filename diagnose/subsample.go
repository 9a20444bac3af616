package diagnose

import "math/rand/v2"

// SubsampleRows returns min(n, len(rows)) rows drawn uniformly at random
// without replacement, in random order; the rows are shared, not copied.
// n <= 0 gives none.
//
// Comparisons of posterior samples (C2ST, moments, Wasserstein) must
// subsample MCMC draws this way, never by taking the first n or by thinning
// evenly: neighbouring draws of a chain are correlated and its start is
// not yet stationary, so the first n or a regular lattice of draws
// misrepresents the chain and makes two runs of one exact sampler look
// different (C2ST 0.58-0.64 instead of 0.51 in issue 9).
func SubsampleRows(rows [][]float64, n int, rng *rand.Rand) [][]float64 {
	n = min(max(n, 0), len(rows))
	// A partial Fisher-Yates shuffle of the indices: the first n positions
	// end up holding a uniform random n-subset in random order.
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	out := make([][]float64, n)
	for i := range n {
		j := i + rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
		out[i] = rows[idx[i]]
	}
	return out
}
