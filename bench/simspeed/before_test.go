package main

// Prototypes of faster block kernels for neuron/simulate.go (noise-free path
// of the default experiment only), one change at a time, measured against
// the library on one core (traj/cpu-s: trajectories per CPU-second, robust
// to other load on the machine):
//
//	go test -run Proto -v ./bench/simspeed          # agreement with the library
//	go test -run - -bench Block -cpu 1 ./bench/simspeed
//
// The last one ("inline", proto.go) is also row (g) of the tool's table.

import (
	"math"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// kernel integrates one block (len(ps) <= bs) noise free into out.
type kernel func(s *setup, ps []neuron.Params, out []float64)

// derivExp is the library's stage with math.Exp, over all bs lanes.
func derivExp(l *lanes, dst, x *[bs]float64, iext float64) {
	for b := range bs {
		a := l.gact[b] / (1 + math.Exp((l.vthr[b]-x[b])*l.invK[b]))
		dst[b] = (a - l.gl[b]*(x[b]-l.el[b]) + iext) * l.invC[b]
	}
}

// derivFast is the same stage with expFast inlined by hand.
func derivFast(l *lanes, dst, x *[bs]float64, iext float64) {
	for b := range bs {
		e := expFast((l.vthr[b] - x[b]) * l.invK[b])
		a := l.gact[b] / (1 + e)
		dst[b] = (a - l.gl[b]*(x[b]-l.el[b]) + iext) * l.invC[b]
	}
}

// expFast is a branch-free exp for |x| <= 700: x = k ln2 + r with
// |r| <= ln2/2 (Cody-Waite, two-part ln2), e^r by a degree-12 Taylor
// polynomial in Estrin form (truncation error < 2e-17 relative), 2^k built
// from its bits. Within 2 ulp of math.Exp; NaN and +-Inf are not handled
// (the block's finiteness check catches a runaway state one sample later).
func expFast(x float64) float64 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 6.93147180369123816490e-01
		ln2lo = 1.90821492927058770002e-10
		magic = 6755399441055744.0 // 1.5 * 2^52: adding it rounds to an integer
	)
	x = min(max(x, -700), 700)
	kf := x*log2e + magic
	k := int64(math.Float64bits(kf)) - int64(math.Float64bits(magic))
	kf -= magic
	r := (x - kf*ln2hi) - kf*ln2lo
	r2 := r * r
	r4 := r2 * r2
	r8 := r4 * r4
	p01 := 1 + r
	p23 := 1.0/2 + r*(1.0/6)
	p45 := 1.0/24 + r*(1.0/120)
	p67 := 1.0/720 + r*(1.0/5040)
	p89 := 1.0/40320 + r*(1.0/362880)
	p1011 := 1.0/3628800 + r*(1.0/39916800)
	p12 := 1.0 / 479001600
	p03 := p01 + r2*p23
	p47 := p45 + r2*p67
	p811 := p89 + r2*p1011
	p07 := p03 + r4*p47
	p812 := p811 + r4*p12
	p := p07 + r8*p812
	return p * math.Float64frombits(uint64(k+1023)<<52)
}

// derivTab is the stage with expTab.
func derivTab(l *lanes, dst, x *[bs]float64, iext float64) {
	for b := range bs {
		e := expTab((l.vthr[b] - x[b]) * l.invK[b])
		a := l.gact[b] / (1 + e)
		dst[b] = (a - l.gl[b]*(x[b]-l.el[b]) + iext) * l.invC[b]
	}
}

// stepFused is step with derivTab's body fused with the stage updates: one
// loop per stage, no tmp array.
func stepFused(s *setup, l *lanes, nb int, out []float64) {
	var k1, k2, k3 [bs]float64
	h, hh, h6 := s.h, 0.5*s.h, s.h/6
	f := func(b int, x, iext float64) float64 {
		a := l.gact[b] / (1 + expTab((l.vthr[b]-x)*l.invK[b]))
		return (a - l.gl[b]*(x-l.el[b]) + iext) * l.invC[b]
	}
	l.record(out, nb, s.n, 0)
	for j := range s.i0 {
		i0, im, i1 := s.i0[j], s.im[j], s.i1[j]
		for b := range bs {
			k1[b] = f(b, l.v[b], i0)
		}
		for b := range bs {
			k2[b] = f(b, l.v[b]+hh*k1[b], im)
		}
		for b := range bs {
			k3[b] = f(b, l.v[b]+hh*k2[b], im)
		}
		for b := range bs {
			k4 := f(b, l.v[b]+h*k3[b], i1)
			l.v[b] += h6 * (k1[b] + 2*k2[b] + 2*k3[b] + k4)
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

// step runs the RK4 loop with the given stage function.
func step(s *setup, l *lanes, nb int, out []float64, deriv func(l *lanes, dst, x *[bs]float64, iext float64)) {
	var k1, k2, k3, k4, tmp [bs]float64
	h := s.h
	l.record(out, nb, s.n, 0)
	for j := range s.i0 {
		deriv(l, &k1, &l.v, s.i0[j])
		for b := range bs {
			tmp[b] = l.v[b] + 0.5*h*k1[b]
		}
		deriv(l, &k2, &tmp, s.im[j])
		for b := range bs {
			tmp[b] = l.v[b] + 0.5*h*k2[b]
		}
		deriv(l, &k3, &tmp, s.im[j])
		for b := range bs {
			tmp[b] = l.v[b] + h*k3[b]
		}
		deriv(l, &k4, &tmp, s.i1[j])
		for b := range bs {
			l.v[b] += h / 6 * (k1[b] + 2*k2[b] + 2*k3[b] + k4[b])
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

var kernels = map[string]kernel{
	// library: (*neuron.Simulator).Simulate on one block.
	"library": nil,
	// bce: padded to bs lanes, stage as a plain function over array
	// pointers: no bounds checks, no closure.
	"bce": func(s *setup, ps []neuron.Params, out []float64) {
		step(s, load(ps), len(ps), out, derivExp)
	},
	// fastexp: bce plus an inlined polynomial exp instead of math.Exp's
	// assembly call.
	"fastexp": func(s *setup, ps []neuron.Params, out []float64) {
		step(s, load(ps), len(ps), out, derivFast)
	},
	// tabexp: bce plus the table-driven expTab.
	"tabexp": func(s *setup, ps []neuron.Params, out []float64) {
		step(s, load(ps), len(ps), out, derivTab)
	},
	// inline: tabexp with expTab written out in the stage loop.
	"inline": func(s *setup, ps []neuron.Params, out []float64) {
		stepInline(s, load(ps), len(ps), out)
	},
	// fused: tabexp with each stage's update fused into its loop.
	"fused": func(s *setup, ps []neuron.Params, out []float64) {
		stepFused(s, load(ps), len(ps), out)
	},
}

func draws(n int) []neuron.Params {
	cfg := neuron.Default()
	ps := make([]neuron.Params, n)
	theta := make([]float64, 5)
	for i := range ps {
		cfg.SamplePrior(neuron.Stream(seed, uint64(i)), theta)
		ps[i], _ = cfg.Params(theta)
	}
	return ps
}

func runKernel(name string, sim *neuron.Simulator, s *setup, ps []neuron.Params, out []float64) {
	n := sim.NumSamples()
	for lo := 0; lo < len(ps); lo += bs {
		hi := min(lo+bs, len(ps))
		if kernels[name] == nil {
			check(sim.Simulate(ps[lo:hi], nil, out[lo*n:hi*n]))
		} else {
			kernels[name](s, ps[lo:hi], out[lo*n:hi*n])
		}
	}
}

func TestProtoAgree(t *testing.T) {
	const m = 1000 // includes a partial last block
	sim, err := neuron.NewSimulator(neuron.Default())
	check(err)
	s := newSetup(neuron.DefaultDtMs)
	ps := draws(m)
	want := make([]float64, m*sim.NumSamples())
	runKernel("library", sim, s, ps, want)
	for name := range kernels {
		got := make([]float64, len(want))
		runKernel(name, sim, s, ps, got)
		d := maxDiff(got, want)
		t.Logf("%-8s max |V - V_library| = %.3g mV", name, d)
		if d > 1e-9 {
			t.Errorf("%s differs from the library by %.3g mV", name, d)
		}
	}
	// expFast against math.Exp over the arguments the model meets and beyond.
	worst := 0.0
	for x := -40.0; x <= 40; x += 1e-4 {
		worst = math.Max(worst, math.Abs(expFast(x)-math.Exp(x))/math.Exp(x))
	}
	worstTab := 0.0
	for x := -40.0; x <= 40; x += 1e-4 {
		worstTab = math.Max(worstTab, math.Abs(expTab(x)-math.Exp(x))/math.Exp(x))
	}
	t.Logf("expTab: max relative difference from math.Exp on [-40, 40]: %.3g (%.2f ulp)", worstTab, worstTab/0x1p-52)
	if worstTab > 1e-15 {
		t.Errorf("expTab too far from math.Exp: %.3g", worstTab)
	}
	t.Logf("expFast: max relative difference from math.Exp on [-40, 40]: %.3g (%.2f ulp)", worst, worst/0x1p-52)
	if worst > 1e-15 {
		t.Errorf("expFast too far from math.Exp: %.3g", worst)
	}
}

func benchKernel(b *testing.B, name string) {
	const m = 32 * bs
	sim, err := neuron.NewSimulator(neuron.Default())
	check(err)
	s := newSetup(neuron.DefaultDtMs)
	ps := draws(m)
	out := make([]float64, m*sim.NumSamples())
	c0 := cpuSeconds()
	for b.Loop() {
		runKernel(name, sim, s, ps, out)
	}
	// Per CPU-second: robust to other load on the machine (run with -cpu 1).
	b.ReportMetric(float64(m*b.N)/(cpuSeconds()-c0), "traj/cpu-s")
}

func BenchmarkBlockLibrary(b *testing.B) { benchKernel(b, "library") }
func BenchmarkBlockBCE(b *testing.B)     { benchKernel(b, "bce") }
func BenchmarkBlockFastExp(b *testing.B) { benchKernel(b, "fastexp") }
func BenchmarkBlockTabExp(b *testing.B)  { benchKernel(b, "tabexp") }
func BenchmarkBlockFused(b *testing.B)   { benchKernel(b, "fused") }
func BenchmarkBlockInline(b *testing.B)  { benchKernel(b, "inline") }
