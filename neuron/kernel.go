package neuron

import "math"

// lanes holds one block's state and parameters, always BlockSize lanes
// (unused lanes repeat lane 0), so every loop runs to a constant bound and
// the compiler drops the bounds checks.
type lanes struct {
	v, invC, gl, el, invK, vthr, gact, ou [BlockSize]float64
}

// stage computes dst = f(v + c kp) for every lane, with f the right-hand
// side of the model at injected current iext (plus the lane's intrinsic
// noise current ou). On amd64 CPUs with AVX2 it runs stageAVX2
// (kernel_amd64.s), four lanes per instruction; elsewhere, or with
// useAVX2 false, stageGo. Both give the same bits: see stageGo.
func stage(l *lanes, dst, kp *[BlockSize]float64, c, iext float64) {
	if useAVX2 {
		stageAVX2(l, dst, kp, c, iext)
		return
	}
	stageGo(l, dst, kp, c, iext)
}

// stageGo is stage in scalar Go. The exponential of the activation's
// sigmoid is written out in the loop: with y = (k/128) ln 2 + r,
// |r| <= ln 2 / 256, e^y = 2^(k/128) e^r, 2^(k/128) from a 128-entry table
// and e^r from a degree-5 polynomial (glibc's scheme), y clamped to
// [-700, 700]. A call to math.Exp per lane cost half the simulator's time,
// because Go's calling convention spills every live value around a call
// that cannot be inlined. Measured in bench/simspeed: 1.9x faster, traces
// within 4e-13 mV of math.Exp's.
//
// stageAVX2 performs the same IEEE operations in the same order, so the
// two agree bit for bit; a change here must be made there too
// (TestStageAVX2MatchesGo checks them against each other). The explicit
// float64 conversions round every product, which keeps the compiler from
// fusing it with the following add into an FMA (as it does at GOAMD64=v3
// and on arm64): stageGo gives the same bits on every architecture.
func stageGo(l *lanes, dst, kp *[BlockSize]float64, c, iext float64) {
	const n = expTableSize
	for b := range BlockSize {
		x := l.v[b] + float64(c*kp[b])
		// e = exp(y), y = (V_thr - x) / k.
		y := (l.vthr[b] - x) * l.invK[b]
		if y > expClamp {
			y = expClamp
		} else if y < -expClamp {
			y = -expClamp
		}
		kd := float64(y*expInvLn2) + expShift
		ki := math.Float64bits(kd)
		kd -= expShift
		r := y - float64(kd*expLn2Hi) - float64(kd*expLn2Lo)
		scale := math.Float64frombits(math.Float64bits(exp2Table[ki&(n-1)]) + (ki>>7)<<52)
		r2 := r * r
		p := r + float64(r2*(0.5+float64(r*(1.0/6)))) + float64(r2*r2*(1.0/24+float64(r*(1.0/120))))
		e := scale + float64(scale*p)
		a := l.gact[b] / (1 + e)
		dst[b] = (a - float64(l.gl[b]*(x-l.el[b])) + iext + l.ou[b]) * l.invC[b]
	}
}

// The constants of the exponential in stageGo and stageAVX2.
const (
	expTableSize = 128
	expClamp     = 700 // |y| bound, below exp's overflow at 709.78
	expInvLn2    = expTableSize / math.Ln2
	expLn2Hi     = 6.93147180369123816490e-01 / expTableSize
	expLn2Lo     = 1.90821492927058770002e-10 / expTableSize
	expShift     = 6755399441055744.0 // 1.5 * 2^52: rounds to an integer in the low bits
)

// exp2Table[i] = 2^(i/128).
var exp2Table = func() (t [expTableSize]float64) {
	for i := range t {
		t[i] = math.Exp2(float64(i) / expTableSize)
	}
	return
}()
