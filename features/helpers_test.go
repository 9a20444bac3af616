package features

import (
	"math"
	"math/rand/v2"
)

// staircase returns the default stimulus of model.md sampled every dt ms
// over 600 ms.
func staircase(dt float64) []float64 {
	n := int(math.Round(600 / dt))
	stim := make([]float64, n)
	for i := range stim {
		switch t := float64(i) * dt; {
		case t >= 500:
		case t >= 350:
			stim[i] = 1.5
		case t >= 200:
			stim[i] = 1.0
		case t >= 50:
			stim[i] = 0.5
		}
	}
	return stim
}

// rcTrace is the exact sampled response of a passive RC membrane (rest e
// mV, input resistance r mV per uA/cm2, time constant tau ms) starting at
// rest, with Gaussian noise of sd noise mV. The current stim[i] acts on
// [t_i, t_i+1).
func rcTrace(stim []float64, dt, e, r, tau, noise float64, rng *rand.Rand) []float64 {
	v := make([]float64, len(stim))
	decay := math.Exp(-dt / tau)
	x := e
	for i := range v {
		v[i] = x
		if rng != nil {
			v[i] += noise * rng.NormFloat64()
		}
		target := e + r*stim[i]
		x = target + (x-target)*decay
	}
	return v
}
