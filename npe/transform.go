package npe

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/neuron"
)

// The flow works on unconstrained parameters: log x for a lognormal prior,
// logit((x - low)/(high - low)) for a uniform one, x itself for a normal
// one. Draws mapped back therefore respect the prior's support by
// construction; the support is still checked after sampling (leakage).

// ToUnconstrained maps x, distributed under prior p, to the real line.
func ToUnconstrained(p neuron.Prior, x float64) (float64, error) {
	switch p.Dist {
	case neuron.DistLogNormal:
		if !(x > 0) {
			return 0, fmt.Errorf("value %g outside the support (0, inf) of %v", x, p)
		}
		return math.Log(x), nil
	case neuron.DistUniform:
		if !(x > p.Low && x < p.High) {
			return 0, fmt.Errorf("value %g outside the support (%g, %g) of %v", x, p.Low, p.High, p)
		}
		u := (x - p.Low) / (p.High - p.Low)
		return math.Log(u / (1 - u)), nil
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("value %g is not finite", x)
	}
	return x, nil
}

// fromUnconstrained is the inverse of ToUnconstrained.
func fromUnconstrained(p neuron.Prior, y float64) float64 {
	switch p.Dist {
	case neuron.DistLogNormal:
		return math.Exp(y)
	case neuron.DistUniform:
		return p.Low + (p.High-p.Low)/(1+math.Exp(-y))
	}
	return y
}

// UnconstrainedSD returns the prior's standard deviation in unconstrained
// coordinates: sigma_log for a log-normal prior, sd for a normal one, and
// pi/sqrt(3) (the logistic distribution's) for a uniform one.
func UnconstrainedSD(p neuron.Prior) float64 {
	switch p.Dist {
	case neuron.DistLogNormal:
		return p.SigmaLog
	case neuron.DistUniform:
		return math.Pi / math.Sqrt(3)
	}
	return p.SD
}

// Standardizer maps each column to zero mean and unit sd (a column with no
// spread keeps sd 1).
type Standardizer struct {
	Mean []float64 `json:"mean"`
	SD   []float64 `json:"sd"`
}

// fitStandardizer computes column means and sds of rows (n x d, row-major).
func fitStandardizer(rows []float64, d int) Standardizer {
	n := len(rows) / d
	s := Standardizer{Mean: make([]float64, d), SD: make([]float64, d)}
	for i := range n {
		for j := range d {
			s.Mean[j] += rows[i*d+j]
		}
	}
	for j := range d {
		s.Mean[j] /= float64(n)
	}
	for i := range n {
		for j := range d {
			e := rows[i*d+j] - s.Mean[j]
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
