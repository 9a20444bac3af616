package flow

import "math"

// Shape limits of a rational-quadratic spline, as in Durkan et al. (2019)
// and the nflows/sbi implementation.
const (
	// splineMinBin is the smallest bin width and height, as a fraction of
	// the interval [-B, B].
	splineMinBin = 1e-3
	// splineMinDeriv is the smallest derivative at an interior knot.
	splineMinDeriv = 1e-3
)

// splineDerivOffset c shifts the raw derivatives so that a raw value of 0
// gives derivative 1: d = 1 + softplus(u + c) - softplus(c), with
// softplus(c) = 1 - splineMinDeriv, so d ranges over (splineMinDeriv, inf).
var (
	splineDerivOffset = math.Log(math.Expm1(1 - splineMinDeriv))
	splineDerivAtZero = softplus(splineDerivOffset)
)

// rqSpline is one monotone rational-quadratic spline on [-B, B] with K bins
// (Gregory and Delbourgo 1982; Durkan et al. 2019), the identity outside.
// It is built by set from 3K-1 raw values: K unnormalised bin widths, K
// unnormalised bin heights and K-1 unconstrained interior derivatives. The
// derivative at -B and B is 1, so the map is C1 with linear tails. Inside
// bin k, with xi = (x - x_k)/w_k, slope s_k = h_k/w_k and knot derivatives
// d_k, d_{k+1},
//
//	y = y_k + h_k [s_k xi^2 + d_k xi(1-xi)] / [s_k + (d_k + d_{k+1} - 2 s_k) xi(1-xi)].
//
// Raw values of 0 give equal bins and derivatives 1: the identity. It
// computes in float64 and is scratch space for one element at a time.
type rqSpline struct {
	bins   int
	bound  float64
	pw, ph []float64 // softmax of the raw widths and heights
	xk, yk []float64 // knots, K+1 each, from -B to B
	du     []float64 // raw interior derivatives, K-1
}

func newRQSpline(bins int, bound float64) *rqSpline {
	return &rqSpline{
		bins: bins, bound: bound,
		pw: make([]float64, bins), ph: make([]float64, bins),
		xk: make([]float64, bins+1), yk: make([]float64, bins+1),
		du: make([]float64, bins-1),
	}
}

// rawLen is the number of raw values per spline, 3K-1.
func (s *rqSpline) rawLen() int { return 3*s.bins - 1 }

// set builds the spline from raw = [widths (K), heights (K), derivatives
// (K-1)].
func (s *rqSpline) set(raw []float32) {
	k := s.bins
	s.knots(raw[:k], s.pw, s.xk)
	s.knots(raw[k:2*k], s.ph, s.yk)
	for m, u := range raw[2*k:] {
		s.du[m] = float64(u)
	}
}

// deriv returns the derivative at knot m and its derivative with respect
// to the raw value (0 at the end knots, where the derivative is 1). Only a
// bin's two knots are ever needed, so they are computed on demand.
func (s *rqSpline) deriv(m int) (d, dd float64) {
	if m == 0 || m == s.bins {
		return 1, 0
	}
	z := s.du[m-1] + splineDerivOffset
	return 1 + (softplus(z) - splineDerivAtZero), sigmoid(z)
}

// knots sets p to the softmax of raw and the knots to -B, then the running
// sums of the bin sizes minBin + (1 - K minBin) p, scaled to [-B, B], with
// the last knot exactly B.
func (s *rqSpline) knots(raw []float32, p, knot []float64) {
	top := float64(raw[0])
	for _, u := range raw[1:] {
		top = max(top, float64(u))
	}
	var sum float64
	for j, u := range raw {
		p[j] = math.Exp(float64(u) - top)
		sum += p[j]
	}
	scale := 1 - float64(s.bins)*splineMinBin
	var cum float64
	knot[0] = -s.bound
	for j := range p {
		p[j] /= sum
		cum += splineMinBin + scale*p[j]
		knot[j+1] = -s.bound + 2*s.bound*cum
	}
	knot[s.bins] = s.bound
}

// outside reports whether v lies outside [-B, B] (or is NaN), where the
// spline is the identity whatever its parameters.
func (s *rqSpline) outside(v float64) bool { return !(v >= -s.bound && v <= s.bound) }

// bin returns the bin of v among knots, or -1 when v lies outside [-B, B].
func (s *rqSpline) bin(v float64, knot []float64) int {
	if s.outside(v) {
		return -1
	}
	k := 0
	for k+1 < s.bins && v >= knot[k+1] {
		k++
	}
	return k
}

// forward returns y = g(x) and log g'(x).
func (s *rqSpline) forward(x float64) (y, logJ float64) {
	k := s.bin(x, s.xk)
	if k < 0 {
		return x, 0
	}
	w, h := s.xk[k+1]-s.xk[k], s.yk[k+1]-s.yk[k]
	d0, _ := s.deriv(k)
	d1, _ := s.deriv(k + 1)
	sl := h / w
	xi := (x - s.xk[k]) / w
	t := xi * (1 - xi)
	den := sl + (d0+d1-2*sl)*t
	y = s.yk[k] + h*(sl*xi*xi+d0*t)/den
	g := d1*xi*xi + 2*sl*t + d0*(1-xi)*(1-xi)
	return y, math.Log(sl * sl * g / (den * den))
}

// inverse returns x = g^-1(y), solving the bin's quadratic for xi in the
// form 2c / (-b - sqrt(b^2 - 4ac)), which does not cancel.
func (s *rqSpline) inverse(y float64) float64 {
	k := s.bin(y, s.yk)
	if k < 0 {
		return y
	}
	w, h := s.xk[k+1]-s.xk[k], s.yk[k+1]-s.yk[k]
	d0, _ := s.deriv(k)
	d1, _ := s.deriv(k + 1)
	sl := h / w
	eta := y - s.yk[k]
	delta := d0 + d1 - 2*sl
	a := h*(sl-d0) + eta*delta
	b := h*d0 - eta*delta
	c := -sl * eta
	disc := max(b*b-4*a*c, 0)
	xi := min(max(2*c/(-b-math.Sqrt(disc)), 0), 1)
	return s.xk[k] + xi*w
}

// grad takes gy = dL/dy and gl = dL/dlog g'(x) at x, writes dL/draw into
// graw (3K-1 values) and returns dL/dx.
func (s *rqSpline) grad(x, gy, gl float64, graw []float32) float64 {
	clear(graw)
	k := s.bin(x, s.xk)
	if k < 0 {
		return gy
	}
	nb := s.bins
	w, h := s.xk[k+1]-s.xk[k], s.yk[k+1]-s.yk[k]
	d0, dd0 := s.deriv(k)
	d1, dd1 := s.deriv(k + 1)
	sl := h / w
	xi := (x - s.xk[k]) / w
	t := xi * (1 - xi)
	dt := 1 - 2*xi // dt/dxi
	delta := d0 + d1 - 2*sl
	den := sl + delta*t
	num := sl*xi*xi + d0*t
	g := d1*xi*xi + 2*sl*t + d0*(1-xi)*(1-xi)
	den2 := den * den

	// Partial derivatives of y = y_k + h num/den and of
	// log g' = 2 log s + log g - 2 log den, through xi, s, h, d_k, d_{k+1}.
	gXi := gy*h*((2*sl*xi+d0*dt)*den-num*delta*dt)/den2 +
		gl*((2*d1*xi+2*sl*dt-2*d0*(1-xi))/g-2*delta*dt/den)
	gS := gy*h*(xi*xi*den-num*(1-2*t))/den2 + gl*(2/sl+2*t/g-2*(1-2*t)/den)
	gD0 := gy*h*t*(den-num)/den2 + gl*((1-xi)*(1-xi)/g-2*t/den)
	gD1 := -gy*h*num*t/den2 + gl*(xi*xi/g-2*t/den)
	gH := gy*num/den + gS/w
	gW := -(gXi*xi + gS*sl) / w

	// Bin k spans knots k and k+1: x_k and w = x_{k+1} - x_k, likewise y.
	gxLo, gxHi := -gXi/w-gW, gW
	gyLo, gyHi := gy-gH, gH
	s.softmaxGrad(k, gxLo, gxHi, s.pw, graw[:nb])
	s.softmaxGrad(k, gyLo, gyHi, s.ph, graw[nb:2*nb])
	gd := graw[2*nb:]
	if k >= 1 {
		gd[k-1] = float32(gD0 * dd0)
	}
	if k+1 <= nb-1 {
		gd[k] = float32(gD1 * dd1)
	}
	return gXi / w
}

// softmaxGrad writes dL/draw for one knot vector given dL/dknot at knots k
// (lo) and k+1 (hi); the end knots -B and B are fixed. Knot m is
// -B + 2B sum_{j<m} (minBin + (1 - K minBin) p_j), p = softmax(raw).
func (s *rqSpline) softmaxGrad(k int, lo, hi float64, p []float64, graw []float32) {
	nb := s.bins
	if k == 0 {
		lo = 0
	}
	if k+1 == nb {
		hi = 0
	}
	// dL/dp_j = 2B (1 - K minBin) (lo [j < k] + hi [j < k+1]).
	c := 2 * s.bound * (1 - float64(nb)*splineMinBin)
	var mean float64
	for j := range nb {
		mean += p[j] * s.knotGrad(j, k, lo, hi)
	}
	for j := range nb {
		graw[j] = float32(c * p[j] * (s.knotGrad(j, k, lo, hi) - mean))
	}
}

// knotGrad is sum over knots m > j of dL/dknot_m for the two knots k, k+1.
func (s *rqSpline) knotGrad(j, k int, lo, hi float64) float64 {
	var v float64
	if j < k {
		v += lo
	}
	if j < k+1 {
		v += hi
	}
	return v
}

// softplus returns log(1 + e^z) without overflow.
func softplus(z float64) float64 { return max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) }

// sigmoid returns 1 / (1 + e^-z), the derivative of softplus.
func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
