package features

import (
	"math"
	"math/rand/v2"
)

// staircase returns the default stimulus of docs/model.md (Stimulus
// protocols) sampled every dt ms over 600 ms.
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

// laaTrace integrates the LAA model of docs/model.md (G_act = 2) by RK4 at
// 0.05 ms from its resting state and samples it every dt ms, adding noise
// of sd 1 mV.
func laaTrace(stim []float64, dt, cm, gl, el, k, vthr float64, rng *rand.Rand) []float64 {
	const (
		gact = 2.0
		h    = 0.05
	)
	dv := func(v, i float64) float64 {
		return (-gl*(v-el) + gact/(1+math.Exp(-(v-vthr)/k)) + i) / cm
	}
	// Rest: relax with no current.
	v := el
	for range 20000 {
		v += h * dv(v, 0)
	}
	out := make([]float64, len(stim))
	sub := int(math.Round(dt / h))
	for j := range out {
		out[j] = v + rng.NormFloat64()
		for range sub {
			k1 := dv(v, stim[j])
			k2 := dv(v+h/2*k1, stim[j])
			k3 := dv(v+h/2*k2, stim[j])
			k4 := dv(v+h*k3, stim[j])
			v += h / 6 * (k1 + 2*k2 + 2*k3 + k4)
		}
	}
	return out
}
