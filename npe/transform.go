package npe

import (
	"math"
)

// The flow works on unconstrained parameters, each prior's own bijection
// to the real line (prior.Distribution's Unconstrain: log x for a
// lognormal prior, a logit for a uniform one, x itself for a normal one).
// Draws mapped back therefore respect the prior's support by construction;
// the support is still checked after sampling (leakage).

// Standardizer maps each column to zero mean and unit sd (a column with no
// spread keeps sd 1).
type Standardizer struct {
	Mean []float64 `json:"mean"`
	SD   []float64 `json:"sd"`
}

// fitStandardizer computes column means and sds of rows (n x d,
// row-major), in float64 whatever T is (float32 rows are not copied).
func fitStandardizer[T float32 | float64](rows []T, d int) Standardizer {
	n := len(rows) / d
	s := Standardizer{Mean: make([]float64, d), SD: make([]float64, d)}
	if n == 0 { // nothing to fit: the identity
		for j := range d {
			s.SD[j] = 1
		}
		return s
	}
	for i := range n {
		for j := range d {
			s.Mean[j] += float64(rows[i*d+j])
		}
	}
	for j := range d {
		s.Mean[j] /= float64(n)
	}
	for i := range n {
		for j := range d {
			e := float64(rows[i*d+j]) - s.Mean[j]
			s.SD[j] += e * e
		}
	}
	for j := range d {
		s.SD[j] = math.Sqrt(s.SD[j] / float64(max(n-1, 1)))
		if !(s.SD[j] > 1e-12) {
			s.SD[j] = 1
		}
	}
	return s
}

// apply standardizes value v of column j.
func (s Standardizer) apply(j int, v float64) float32 {
	return float32((v - s.Mean[j]) / s.SD[j])
}

// invert maps a standardized value of column j back.
func (s Standardizer) invert(j int, z float32) float64 { return float64(z)*s.SD[j] + s.Mean[j] }
