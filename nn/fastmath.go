package nn

import "math"

// Float32 elementary functions for the activations. Going through float64
// math costs 10-20 ns a call, more than the matrix products of a small layer;
// these are Cephes' single-precision approximations, accurate to a few ulp
// (see TestFastMath) and free of calls and table lookups.

// expf returns e**x, with x clamped to [-87, 88] so that the result is a
// finite normal float32 (never subnormal, never +Inf).
func expf(x float32) float32 {
	x = max(min(x, 88), -87)
	// Round x/ln2 to the nearest integer n without a branch: adding
	// 1.5*2^23 leaves n in the low mantissa bits.
	const magic = 1 << 23 * 1.5
	t := x*math.Log2E + magic
	n := int32(math.Float32bits(t)) - 0x4b400000
	fn := t - magic
	r := x - fn*0.693359375 - fn*-2.12194440e-4
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+
		4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// sigmoidf returns 1/(1+e**-x).
func sigmoidf(x float32) float32 { return 1 / (1 + expf(-x)) }

// tanhSig returns tanh(x) = 2σ(2x) - 1: branch-free, with an absolute
// error of about 1e-7 (the relative error grows near 0). The LSTM uses it,
// where branch mispredictions of tanhf cost more than the whole formula.
func tanhSig(x float32) float32 { return 2/(1+expf(-2*x)) - 1 }

// tanhf returns tanh(x), with a polynomial near 0 where 1-2/(e**2x+1) would
// lose relative precision.
func tanhf(x float32) float32 {
	a := abs32(x)
	if a < 0.625 {
		z := x * x
		return ((((-5.70498872745e-3*z+2.06390887954e-2)*z-5.37397155531e-2)*z+
			1.33314422036e-1)*z-3.33332819422e-1)*z*x + x
	}
	r := 1 - 2/(expf(2*a)+1)
	if x < 0 {
		return -r
	}
	return r
}

// softplusf returns log(1+e**x) = max(x, 0) + log1p(e**-|x|).
func softplusf(x float32) float32 {
	return max(x, 0) + log1pf(expf(-abs32(x)))
}

// log1pf returns log(1+u) for u in [0, 1], using log(w)*u/(w-1) with w = 1+u
// to cancel the rounding of w.
func log1pf(u float32) float32 {
	w := 1 + u
	if w == 1 {
		return u
	}
	return logf(w) * u / (w - 1)
}

// logf returns log(x) for finite normal x > 0.
func logf(x float32) float32 {
	b := math.Float32bits(x)
	e := float32(int32(b>>23) - 126)
	x = math.Float32frombits(b&0x007fffff | 0x3f000000) // mantissa in [0.5, 1)
	if x < math.Sqrt2/2 {
		e--
		x = x + x - 1
	} else {
		x--
	}
	z := x * x
	y := ((((((((7.0376836292e-2*x-1.1514610310e-1)*x+1.1676998740e-1)*x-
		1.2420140846e-1)*x+1.4249322787e-1)*x-1.6668057665e-1)*x+
		2.0000714765e-1)*x-2.4999993993e-1)*x + 3.3333331174e-1) * x * z
	y += -2.12194440e-4 * e
	y += -0.5 * z
	return x + y + 0.693359375*e
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
