package hh

import "math"

// The rate functions of Hodgkin and Huxley (1952) at 6.3 °C in the modern
// convention (V in mV, rates in 1/ms), as in Dayan and Abbott (2001), ch. 5:
//
//	alpha_m = 0.1 (V + 40) / (1 - exp(-(V + 40)/10))   beta_m = 4 exp(-(V + 65)/18)
//	alpha_h = 0.07 exp(-(V + 65)/20)                   beta_h = 1 / (1 + exp(-(V + 35)/10))
//	alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55)/10))  beta_n = 0.125 exp(-(V + 65)/80)
//
// alpha_m and alpha_n are 0/0 at V = -40 and -55 mV; their limits are 1 and
// 0.1. exprel evaluates them without loss of precision near those points.

func alphaM(v float64) float64 { return exprel((v + 40) / 10) }
func betaM(v float64) float64  { return 4 * math.Exp(-(v+65)/18) }
func alphaH(v float64) float64 { return 0.07 * math.Exp(-(v+65)/20) }
func betaH(v float64) float64  { return 1 / (1 + math.Exp(-(v+35)/10)) }
func alphaN(v float64) float64 { return 0.1 * exprel((v+55)/10) }
func betaN(v float64) float64  { return 0.125 * math.Exp(-(v+65)/80) }

// exprelSeries is where exprel switches to its Taylor series: below it the
// truncation error, about u^4/720, is under 1e-19.
const exprelSeries = 1e-4

// exprel returns u / (1 - exp(-u)), continued by its limit 1 at u = 0. Away
// from 0, -expm1(-u) is exact to rounding, so the quotient is too; near 0 the
// series 1 + u/2 + u^2/12 avoids the 0/0.
func exprel(u float64) float64 {
	if math.Abs(u) < exprelSeries {
		return 1 + u/2 + u*u/12
	}
	return u / -math.Expm1(-u)
}

// gates returns the steady-state values m_inf, h_inf, n_inf at v.
func gates(v float64) (m, h, n float64) {
	am, bm := alphaM(v), betaM(v)
	ah, bh := alphaH(v), betaH(v)
	an, bn := alphaN(v), betaN(v)
	return am / (am + bm), ah / (ah + bh), an / (an + bn)
}
