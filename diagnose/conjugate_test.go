package diagnose

import (
	"math"
	"math/rand/v2"
)

// conjugate simulates M held-out pairs of the conjugate Gaussian problem
// theta ~ N(0, 1), x | theta ~ N(theta, sigma^2), one parameter per sigma,
// and S draws from the exact posterior
//
//	theta | x ~ N(x / (1 + sigma^2), sigma^2 / (1 + sigma^2)),
//
// with its standard deviation multiplied by sdScale (1: exact).
func conjugate(seed uint64, m, s int, sigmas []float64, sdScale float64) (truths [][]float64, draws [][][]float64) {
	rng := rand.New(rand.NewPCG(seed, 0))
	truths, draws = make([][]float64, m), make([][][]float64, m)
	for i := range m {
		truths[i] = make([]float64, len(sigmas))
		mean, sd := make([]float64, len(sigmas)), make([]float64, len(sigmas))
		for j, sg := range sigmas {
			truths[i][j] = rng.NormFloat64()
			x := truths[i][j] + sg*rng.NormFloat64()
			mean[j] = x / (1 + sg*sg)
			sd[j] = sdScale * sg / math.Sqrt(1+sg*sg)
		}
		draws[i] = make([][]float64, s)
		for k := range s {
			draws[i][k] = make([]float64, len(sigmas))
			for j := range sigmas {
				draws[i][k][j] = mean[j] + sd[j]*rng.NormFloat64()
			}
		}
	}
	return truths, draws
}
