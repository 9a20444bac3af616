package main

// A prototype block kernel for neuron/simulate.go (noise-free path of the
// default experiment), timed as row (g): the library's scheme and
// operation order, with three changes, each measured in proto_test.go:
//
//   - every loop runs over the constant BlockSize lanes of fixed arrays
//     (unused lanes repeat lane 0), so the compiler drops all bounds checks;
//   - no closure for the stage: a plain function over array pointers;
//   - exp written out in the stage loop (expTab, table-driven like glibc's)
//     instead of a call to math.Exp's assembly per lane: Go's ABI has no
//     callee-saved registers, so each call spills and reloads every live
//     value, and math.Exp's assembly is a long serial polynomial.

import (
	"math"

	"github.com/laa-neuro/laa/neuron"
)

const bs = neuron.BlockSize

// setup is the per-simulator data the library precomputes.
type setup struct {
	i0, im, i1 []float64
	per, n     int
	h          float64
}

func newSetup(dt float64) *setup {
	cfg := neuron.Default()
	cfg.DtMs = dt
	sim, err := neuron.NewSimulator(cfg)
	check(err)
	s := &setup{per: int(math.Round(cfg.RecordStepMs / dt)), n: sim.NumSamples(), h: dt}
	steps := (s.n - 1) * s.per
	nudge := 1e-7 * dt
	cur := sim.Current()
	for j := range steps {
		t := float64(j) * dt
		s.i0 = append(s.i0, cur.At(t+nudge))
		s.im = append(s.im, cur.At(t+dt/2))
		s.i1 = append(s.i1, cur.At(t+dt-nudge))
	}
	return s
}

// lanes holds a block's parameters, always bs lanes: unused lanes repeat
// lane 0, so every loop runs to the constant bs and needs no bounds check.
type lanes struct{ v, invC, gl, el, invK, vthr, gact [bs]float64 }

func load(ps []neuron.Params) *lanes {
	var l lanes
	for b := range bs {
		p := ps[0]
		if b < len(ps) {
			p = ps[b]
		}
		rest, err := neuron.RestingPotential(p)
		check(err)
		l.v[b], l.invC[b], l.gl[b], l.el[b], l.invK[b], l.vthr[b], l.gact[b] = rest, 1/p.Cm, p.GL, p.EL, 1/p.K, p.Vthr, p.Gact
	}
	return &l
}

func (l *lanes) record(out []float64, nb, n, i int) {
	for b := range nb {
		out[b*n+i] = l.v[b]
	}
}

// expTab is a table-driven exp in the style of glibc's (since 2.28):
// x = (k/128) ln2 + r with |r| <= ln2/256, e^x = 2^(k/128) e^r with
// 2^(k/128) from a 128-entry table and e^r from a degree-5 polynomial.
// Valid for |x| <= 700 (clamped); within about 1 ulp of math.Exp.
func expTab(x float64) float64 {
	const (
		n      = 128
		invLn2 = n / math.Ln2
		ln2hi  = 6.93147180369123816490e-01 / n
		ln2lo  = 1.90821492927058770002e-10 / n
		shift  = 6755399441055744.0 // 1.5 * 2^52
	)
	x = min(max(x, -700), 700)
	kd := x*invLn2 + shift
	ki := math.Float64bits(kd)
	kd -= shift
	r := x - kd*ln2hi - kd*ln2lo
	// 2^(k/128) = table[k mod 128] * 2^(k div 128), the power added to
	// the exponent bits (ki's low bits hold k in two's complement).
	sbits := math.Float64bits(exp2Table[ki&(n-1)]) + (ki>>7)<<52
	scale := math.Float64frombits(sbits)
	r2 := r * r
	p := r + r2*(0.5+r*(1.0/6)) + r2*r2*(1.0/24+r*(1.0/120))
	return scale + scale*p
}

// exp2Table[i] = 2^(i/128).
var exp2Table = func() (t [128]float64) {
	for i := range t {
		t[i] = math.Exp2(float64(i) / 128)
	}
	return
}()

// stageInline computes dst = f(v + c*kp, iext) over the block, expTab
// written out in the loop body: Go does not inline expTab (too large for
// the inliner's budget), and its ABI has no callee-saved registers, so a
// call per lane spills and reloads every live value.
func stageInline(l *lanes, dst, v, kp *[bs]float64, c, iext float64) {
	const (
		n      = 128
		invLn2 = n / math.Ln2
		ln2hi  = 6.93147180369123816490e-01 / n
		ln2lo  = 1.90821492927058770002e-10 / n
		shift  = 6755399441055744.0
	)
	for b := range bs {
		x := v[b] + c*kp[b]
		y := (l.vthr[b] - x) * l.invK[b]
		if y > 700 {
			y = 700
		} else if y < -700 {
			y = -700
		}
		kd := y*invLn2 + shift
		ki := math.Float64bits(kd)
		kd -= shift
		r := y - kd*ln2hi - kd*ln2lo
		scale := math.Float64frombits(math.Float64bits(exp2Table[ki&(n-1)]) + (ki>>7)<<52)
		r2 := r * r
		e := scale + scale*(r+r2*(0.5+r*(1.0/6))+r2*r2*(1.0/24+r*(1.0/120)))
		a := l.gact[b] / (1 + e)
		dst[b] = (a - l.gl[b]*(x-l.el[b]) + iext) * l.invC[b]
	}
}

func stepInline(s *setup, l *lanes, nb int, out []float64) {
	var k1, k2, k3, k4, zero [bs]float64
	h, hh, h6 := s.h, 0.5*s.h, s.h/6
	l.record(out, nb, s.n, 0)
	for j := range s.i0 {
		stageInline(l, &k1, &l.v, &zero, 0, s.i0[j]) // x = v + 0*0 = v exactly
		stageInline(l, &k2, &l.v, &k1, hh, s.im[j])
		stageInline(l, &k3, &l.v, &k2, hh, s.im[j])
		stageInline(l, &k4, &l.v, &k3, h, s.i1[j])
		for b := range bs {
			l.v[b] += h6 * (k1[b] + 2*k2[b] + 2*k3[b] + k4[b])
		}
		if (j+1)%s.per == 0 {
			for b := range nb {
				if math.IsNaN(l.v[b]) || math.IsInf(l.v[b], 0) {
					panic("non-finite")
				}
			}
			l.record(out, nb, s.n, (j+1)/s.per)
		}
	}
}

// protoSimulate is simulate with the prototype kernel.
func protoSimulate(s *setup, ps []neuron.Params, out []float64) {
	parallel(len(ps), bs, func(lo int) {
		hi := min(lo+bs, len(ps))
		stepInline(s, load(ps[lo:hi]), hi-lo, out[lo*s.n:hi*s.n])
	})
}
