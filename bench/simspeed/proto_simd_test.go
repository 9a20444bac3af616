//go:build goexperiment.simd && amd64

package main

// A SIMD prototype of the block kernel with Go 1.26's experimental
// simd/archsimd (AVX2, 4 lanes of float64), built only with
// GOEXPERIMENT=simd:
//
//	GOEXPERIMENT=simd go test -run Proto -v ./bench/simspeed
//	GOEXPERIMENT=simd go test -run - -bench Block -cpu 1 ./bench/simspeed
//
// Result with go1.26.8 on the 2-core Xeon (AVX-512) this was written on: a
// negative one. The kernel agrees with the library (8.5e-14 mV) but runs
// about 7,400 trajectories per CPU-second, 2.4x slower than the library's
// scalar loop, and the experiment makes the library itself about 10x
// slower (BenchmarkGenerate in ./neuron: 8,271 -> 809 traj/s), normal again
// with GODEBUG=asyncpreemptoff=1. The compiler spills vector values with
// legacy-SSE MOVUPS between VEX instructions and asynchronous preemption
// leaves the upper register halves dirty, so SSE code pays AVX-SSE
// transition penalties (compare golang/go#80835).

import (
	"math"
	"simd/archsimd"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

type vec = archsimd.Float64x4

const vw = 4 // lanes per vector

func init() {
	if !archsimd.X86.AVX2() {
		return
	}
	kernels["simd"] = func(s *setup, ps []neuron.Params, out []float64) {
		stepSIMD(s, load(ps), len(ps), out)
	}
}

func bc(x float64) vec { return archsimd.BroadcastFloat64x4(x) }

func ld(a *[bs]float64, g int) vec { return archsimd.LoadFloat64x4((*[vw]float64)(a[g*vw : g*vw+vw])) }

func st(a *[bs]float64, g int, x vec) { x.Store((*[vw]float64)(a[g*vw : g*vw+vw])) }

const (
	log2e = 1.4426950408889634
	ln2hi = 6.93147180369123816490e-01
	ln2lo = 1.90821492927058770002e-10
	magic = 6755399441055744.0
)

// cv holds expVec's and derivVec's constants, broadcast once: a
// BroadcastFloat64x4 of a constant inside the loop compiles to a legacy-SSE
// MOVQ plus a VEX broadcast, and the mix costs an AVX-SSE transition
// (golang/go#80835).
var (
	cv   [18]vec
	bias archsimd.Int64x4
)

func init() {
	if !archsimd.X86.AVX2() {
		return
	}
	for i, c := range []float64{-700, 700, log2e, magic, ln2hi, ln2lo, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600} {
		cv[i] = bc(c)
	}
	bias = archsimd.BroadcastInt64x4(1023)
}

// expVec is expFast on 4 lanes: the same operations in the same order, so
// it returns exactly expFast's values.
func expVec(x vec) vec {
	x = x.Max(cv[0]).Min(cv[1])
	kf := x.Mul(cv[2]).Add(cv[3])
	k := kf.AsInt64x4().Sub(cv[3].AsInt64x4())
	kf = kf.Sub(cv[3])
	r := x.Sub(kf.Mul(cv[4])).Sub(kf.Mul(cv[5]))
	r2 := r.Mul(r)
	r4 := r2.Mul(r2)
	r8 := r4.Mul(r4)
	p01 := cv[6].Add(r)
	p23 := cv[7].Add(r.Mul(cv[8]))
	p45 := cv[9].Add(r.Mul(cv[10]))
	p67 := cv[11].Add(r.Mul(cv[12]))
	p89 := cv[13].Add(r.Mul(cv[14]))
	p1011 := cv[15].Add(r.Mul(cv[16]))
	p12 := cv[17]
	p03 := p01.Add(r2.Mul(p23))
	p47 := p45.Add(r2.Mul(p67))
	p811 := p89.Add(r2.Mul(p1011))
	p07 := p03.Add(r4.Mul(p47))
	p812 := p811.Add(r4.Mul(p12))
	p := p07.Add(r8.Mul(p812))
	scale := k.Add(bias).ShiftAllLeft(52).AsFloat64x4()
	return p.Mul(scale)
}

// derivVec is the library's stage on lanes g*4 .. g*4+3.
func derivVec(l *lanes, g int, x vec, iext vec) vec {
	e := expVec(ld(&l.vthr, g).Sub(x).Mul(ld(&l.invK, g)))
	a := ld(&l.gact, g).Div(cv[6].Add(e))
	return a.Sub(ld(&l.gl, g).Mul(x.Sub(ld(&l.el, g)))).Add(iext).Mul(ld(&l.invC, g))
}

// stepSIMD: stage by stage over the 8 vectors of the block, as the library
// orders its loops.
func stepSIMD(s *setup, l *lanes, nb int, out []float64) {
	var k1, k2, k3, k4 [bs]float64
	h, hh, h6 := bc(s.h), bc(0.5*s.h), bc(s.h/6)
	two := bc(2)
	l.record(out, nb, s.n, 0)
	for j := range s.i0 {
		i0, im, i1 := bc(s.i0[j]), bc(s.im[j]), bc(s.i1[j])
		for g := range bs / vw {
			st(&k1, g, derivVec(l, g, ld(&l.v, g), i0))
		}
		for g := range bs / vw {
			st(&k2, g, derivVec(l, g, ld(&l.v, g).Add(hh.Mul(ld(&k1, g))), im))
		}
		for g := range bs / vw {
			st(&k3, g, derivVec(l, g, ld(&l.v, g).Add(hh.Mul(ld(&k2, g))), im))
		}
		for g := range bs / vw {
			st(&k4, g, derivVec(l, g, ld(&l.v, g).Add(h.Mul(ld(&k3, g))), i1))
		}
		for g := range bs / vw {
			sum := ld(&k1, g).Add(two.Mul(ld(&k2, g))).Add(two.Mul(ld(&k3, g))).Add(ld(&k4, g))
			st(&l.v, g, ld(&l.v, g).Add(h6.Mul(sum)))
		}
		archsimd.ClearAVXUpperBits() // VZEROUPPER before the scalar (SSE) code below
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

func BenchmarkBlockSIMD(b *testing.B) { benchKernel(b, "simd") }
