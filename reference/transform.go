package reference

import (
	"math"

	"github.com/laa-neuro/laa/neuron"
)

// toFree maps a value in the support of prior p to the unconstrained
// sampler space: log for lognormal, logit of the unit interval for uniform,
// the identity for normal.
func toFree(p neuron.Prior, x float64) float64 {
	switch p.Dist {
	case neuron.DistLogNormal:
		return math.Log(x)
	case neuron.DistUniform:
		q := (x - p.Low) / (p.High - p.Low)
		return math.Log(q) - math.Log1p(-q)
	}
	return x
}

// fromFree is the inverse of toFree; it also returns log |dx/du|.
func fromFree(p neuron.Prior, u float64) (x, logJac float64) {
	switch p.Dist {
	case neuron.DistLogNormal:
		return math.Exp(u), u
	case neuron.DistUniform:
		w := p.High - p.Low
		// log sigmoid(u) + log(1 - sigmoid(u)) = -softplus(-u) - softplus(u)
		return p.Low + w/(1+math.Exp(-u)), math.Log(w) - softplus(-u) - softplus(u)
	}
	return u, 0
}

// softplus returns log(1 + exp(x)) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}
