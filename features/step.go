package features

import "math"

// Steady returns the mean of the last frac of v (at least one sample): the
// steady-state level of a step response. frac is clamped to [0, 1]; an
// empty v gives 0.
func Steady(v []float64, frac float64) float64 {
	if len(v) == 0 {
		return 0
	}
	w := steadyLen(len(v), frac)
	var s float64
	for _, x := range v[len(v)-w:] {
		s += x
	}
	return s / float64(w)
}

// steadyLen is the number of samples Steady averages.
func steadyLen(n int, frac float64) int {
	return min(max(int(math.Round(min(max(frac, 0), 1)*float64(n))), 1), n)
}

// TimeConstant returns the time constant (ms) of the approach of v, sampled
// every dt ms from the onset of a step, from the level start to the level
// steady. It is the least-squares fit of
//
//	v(t) = steady - (steady - start) * exp(-t/tau),  t = i*dt,
//
// over all samples of v, with both levels held fixed, so it is robust to
// noise (with 1 mV noise, a 10 mV step and tau = 10 ms, the sd of the
// estimate is about 8 %, near the Cramer-Rao bound of 6 %). When steady is
// the mean of the epoch's tail (Steady), the epoch must last 7 to 10 tau
// for the fit to be unbiased: tau comes out 0.1 % low at 10 tau, 0.6 % at
// 7.5 tau, 2 % at 6 tau and 7.5 % at 4.3 tau. The fit is clamped to
// [dt/10, len(v)*dt]. Fallback: when |steady - start| < minChange (a change
// too small to time) or len(v) < 2, TimeConstant returns 0.
func TimeConstant(v []float64, dt, start, steady, minChange float64) float64 {
	delta := steady - start
	if !(math.Abs(delta) >= minChange) || delta == 0 || len(v) < 2 || !(dt > 0) {
		return 0
	}
	// Work in s = dt/tau, so the model is z_i = exp(-s i).
	sLo, sHi := 1/float64(len(v)), 10.0 // tau from len(v)*dt down to dt/10
	f := expFit{v: v, steady: steady, inv: 1 / delta}
	// Start from the first sample past 63 % of the change.
	s := sLo
	for i := 1; i < len(v); i++ {
		if f.z(i) <= 1/math.E {
			s = 1 / float64(i)
			break
		}
	}
	return dt / f.solve(s, sLo, sHi)
}

// expFit is the least-squares fit of z_i = (steady - v_i)/(steady - start)
// by r^i: F(r) = sum_i (r^i - z_i)^2.
type expFit struct {
	v           []float64
	steady, inv float64
}

func (f *expFit) z(i int) float64 { return (f.steady - f.v[i]) * f.inv }

// slope returns the first and second derivatives of F/2 at r.
func (f *expFit) slope(r float64) (g, h float64) {
	// p = r^i and its derivatives a = i r^(i-1), b = i (i-1) r^(i-2) = i a_(i-1).
	p, aPrev, fi := 1.0, 0.0, 1.0
	for _, vi := range f.v[1:] {
		a := fi * p
		b := fi * aPrev
		p *= r
		d := p - (f.steady-vi)*f.inv
		g += a * d
		h += b*d + a*a
		if a < 1e-12 {
			break // later terms are negligible
		}
		aPrev, fi = a, fi+1
	}
	return g, h
}

// solve minimizes F(exp(-s)) over s in [lo, hi] from s by Newton's method
// in ln s, with steps of at most a factor e. When a step fails (a second
// derivative <= 0, or it leaves the bracket) it brackets the minimum and
// bisects ln s, as rtsafe of Numerical Recipes; a minimum on the boundary
// returns the boundary. It returns after a Newton step of less than a
// relative 1e-2, which by quadratic convergence lands within about 1e-4 of
// the minimum (1e-4 being far below the noise of the estimate), or when the
// bracket is narrower than a relative 1e-6.
func (f *expFit) solve(s, lo, hi float64) float64 {
	const (
		maxIter    = 100
		newtonTol  = 1e-2
		bracketTol = 1e-6
	)
	// dF/d(ln s) and its derivative, from those in r = exp(-s).
	deriv := func(s float64) (gq, hq float64) {
		r := math.Exp(-s)
		g, h := f.slope(r)
		rs := r * s
		return -g * rs, h*rs*rs + g*rs*(s-1)
	}
	loSign, hiSign := false, false // dF/ds < 0 at lo, > 0 at hi are known
	for range maxIter {
		gq, hq := deriv(s)
		if gq < 0 {
			lo, loSign = s, true
		} else {
			hi, hiSign = s, true
		}
		step := max(min(-gq/hq, 1), -1)
		if next := s * math.Exp(step); hq > 0 && next > lo && next < hi {
			if math.Abs(step) <= newtonTol {
				return next
			}
			s = next
			continue
		}
		if !loSign {
			if g, _ := deriv(lo); g >= 0 {
				return lo
			}
			loSign = true
		}
		if !hiSign {
			if g, _ := deriv(hi); g <= 0 {
				return hi
			}
			hiSign = true
		}
		s = math.Sqrt(lo * hi)
		if hi-lo <= bracketTol*s {
			return s
		}
	}
	return s
}
