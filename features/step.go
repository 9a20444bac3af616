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
// estimate is about 7 %, near the Cramer-Rao bound). The fit is clamped to
// [dt/10, len(v)*dt]. Fallback: when |steady - start| < minChange (a change
// too small to time) or len(v) < 2, TimeConstant returns 0.
func TimeConstant(v []float64, dt, start, steady, minChange float64) float64 {
	delta := steady - start
	if !(math.Abs(delta) >= minChange) || delta == 0 || len(v) < 2 || !(dt > 0) {
		return 0
	}
	tauLo, tauHi := dt/10, float64(len(v))*dt
	f := expFit{v: v, steady: steady, inv: 1 / delta}
	rLo, rHi := math.Exp(-dt/tauLo), math.Exp(-dt/tauHi)
	if g, _ := f.slope(rLo); g >= 0 {
		return tauLo
	}
	if g, _ := f.slope(rHi); g <= 0 {
		return tauHi
	}
	// Start from the first sample past 63 % of the change.
	r := rHi
	for i := 1; i < len(v); i++ {
		if f.z(i) <= 1/math.E {
			r = min(max(math.Exp(-1/float64(i)), rLo), rHi)
			break
		}
	}
	r = f.solve(r, rLo, rHi)
	return min(max(-dt/math.Log(r), tauLo), tauHi)
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
	x, w := 1.0, 0.0 // r^(i-1), r^(i-2)
	for i := 1; i < len(f.v); i++ {
		fi := float64(i)
		d := x*r - f.z(i)
		g += fi * x * d
		h += fi*(fi-1)*w*d + fi*fi*x*x
		if fi*fi*x < 1e-13 {
			break // later terms are negligible
		}
		w, x = x, x*r
	}
	return g, h
}

// solve finds the root of F' in the bracket [lo, hi] (F'(lo) < 0 < F'(hi))
// by Newton's method, falling back to bisection when a step leaves the
// bracket (rtsafe of Numerical Recipes).
func (f *expFit) solve(r, lo, hi float64) float64 {
	const (
		maxIter = 60
		tol     = 1e-10
	)
	for range maxIter {
		g, h := f.slope(r)
		if g < 0 {
			lo = r
		} else {
			hi = r
		}
		next := r - g/h
		if !(h > 0) || !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-r) < tol || hi-lo < tol {
			return next
		}
		r = next
	}
	return r
}
