package neuron

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

const (
	analyticTol   = 1e-6 // mV, RK4 against the closed form with G_act = 0
	accuracyGoal  = 0.01 // mV, default step against a dt = 0.01 ms reference
	referenceDtMs = 0.01
)

// example is the example cell of docs/model.md (Parameters).
var example = Params{Cm: 1, GL: 0.1, EL: -65, K: 10, Vthr: -50, Gact: 2, SigmaObs: 1}

func mustSim(t testing.TB, cfg Config) *Simulator {
	t.Helper()
	s, err := NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func clean(t testing.TB, s *Simulator, ps ...Params) []float64 {
	t.Helper()
	out := make([]float64, len(ps)*s.NumSamples())
	if err := s.Simulate(ps, nil, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLeakyStepMatchesAnalytic(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		p  Params
		dt float64
	}{
		{Params{Cm: 1, GL: 0.1, EL: -65, K: 6, Vthr: -50}, DefaultDtMs},         // docs/model.md's example cell but k = 6, tau = 10 ms
		{Params{Cm: 0.56, GL: 0.18, EL: -59, K: 6, Vthr: -50}, DefaultDtMs / 5}, // prior's fast corner, tau = 3.1 ms
	} {
		cfg := Default()
		cfg.DtMs = c.dt
		cfg.Stimulus = Stimulus{Kind: StimStep, Start: 0, End: 1000, Amplitude: 1.3}
		p := c.p
		v := clean(t, mustSim(t, cfg), p)
		for i, vi := range v {
			ti := float64(i)
			want := p.EL + 1.3/p.GL*(1-math.Exp(-ti*p.GL/p.Cm))
			if d := math.Abs(vi - want); d > analyticTol {
				t.Fatalf("dt %g, t=%g ms: V=%.9f, analytic %.9f (|diff| %.2g > %g)", c.dt, ti, vi, want, d, analyticTol)
			}
		}
	}
}

// maxDiff returns max |a-b|.
func maxDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestRK4FourthOrder(t *testing.T) {
	t.Parallel()
	cfg := Default()
	cfg.DtMs = referenceDtMs
	ref := clean(t, mustSim(t, cfg), example)
	var errs []float64
	for _, dt := range []float64{1, 0.5} {
		cfg.DtMs = dt
		errs = append(errs, maxDiff(clean(t, mustSim(t, cfg), example), ref))
	}
	ratio := errs[0] / errs[1]
	t.Logf("max error dt=1: %.3g mV, dt=0.5: %.3g mV, ratio %.1f", errs[0], errs[1], ratio)
	if ratio < 12 || ratio > 20 {
		t.Fatalf("halving dt shrank the error %.1f-fold, want about 16 (RK4)", ratio)
	}
}

func TestDefaultStepAccuracy(t *testing.T) {
	t.Parallel()
	n := 400
	if testing.Short() {
		n = 64
	}
	cfg := Default()
	b, err := mustSim(t, cfg).Generate(7, 0, n, GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ps := make([]Params, n)
	for i := range ps {
		ps[i], _ = cfg.Params(b.Theta[i*5 : (i+1)*5])
	}
	got := clean(t, mustSim(t, cfg), ps...)
	cfg.DtMs = referenceDtMs
	ref := clean(t, mustSim(t, cfg), ps...)
	if d := maxDiff(got, ref); d > accuracyGoal {
		t.Fatalf("default dt %g ms: worst error %.3g mV over %d prior draws, want <= %g", DefaultDtMs, d, n, accuracyGoal)
	} else {
		t.Logf("default dt %g ms: worst error %.3g mV over %d prior draws", DefaultDtMs, d, n)
	}
}

func TestRestingPotentialIsFixedPoint(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	cfg := Default()
	theta := make([]float64, 5)
	for range 1000 {
		cfg.SamplePrior(r, theta)
		p, _ := cfg.Params(theta)
		v, err := RestingPotential(p)
		if err != nil {
			t.Fatal(err)
		}
		if f := -p.GL*(v-p.EL) + p.Gact*sigmoid((v-p.Vthr)/p.K); math.Abs(f) > 1e-9 {
			t.Fatalf("dV/dt = %g at rest for %v", f, p)
		}
		if v < p.EL || v > p.EL+p.Gact/p.GL {
			t.Fatalf("rest %g outside [E_L, E_L+G/g_L] for %v", v, p)
		}
	}
}

// TestRestingPotentialExtremeParameters: parameters far outside the prior
// (as a network extrapolating on odd data can propose) end the scan.
func TestRestingPotentialExtremeParameters(t *testing.T) {
	t.Parallel()
	for _, p := range []Params{
		{Cm: 1, GL: 0.1, EL: -65, K: 4e-15, Vthr: -50, Gact: 2},
		{Cm: 1, GL: 0.1, EL: -65, K: 1e-3, Vthr: -80, Gact: 2},
		{Cm: 6.7e-76, GL: 6.4e8, EL: -42, K: 0.04, Vthr: 16, Gact: 2},
		{Cm: 1, GL: 1e-12, EL: -65, K: 6, Vthr: -50, Gact: 2},
	} {
		v, err := RestingPotential(p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if v < p.EL || v > p.EL+p.Gact/p.GL+1e-9 {
			t.Fatalf("%v: rest %g outside [E_L, E_L + G_act/g_L]", p, v)
		}
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	t.Parallel()
	s := mustSim(t, Default())
	var outs [][]byte
	for _, w := range []int{1, 2, 5} {
		b, err := s.Generate(42, 0, 150, GenerateOptions{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		binary.Write(&buf, binary.LittleEndian, b.Theta)
		binary.Write(&buf, binary.LittleEndian, b.Traces)
		outs = append(outs, buf.Bytes())
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}

func TestShardEqualsSliceOfWhole(t *testing.T) {
	t.Parallel()
	s := mustSim(t, Default())
	whole, err := s.Generate(3, 0, 100, GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	part, err := s.Generate(3, 37, 41, GenerateOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range part.Traces {
		if part.Traces[i] != whole.Traces[37*600+i] {
			t.Fatalf("shard trace value %d differs", i)
		}
	}
	for i := range part.Theta {
		if part.Theta[i] != whole.Theta[37*5+i] {
			t.Fatalf("shard parameter %d differs", i)
		}
	}
}

func TestNoiseHasConfiguredSD(t *testing.T) {
	t.Parallel()
	s := mustSim(t, Default())
	ps := []Params{example}
	cleanTrace := clean(t, s, example)
	noisy := make([]float64, 600)
	if err := s.Simulate(ps, []*rand.Rand{Stream(9, 0)}, noisy); err != nil {
		t.Fatal(err)
	}
	ss := 0.0
	for i := range noisy {
		d := noisy[i] - cleanTrace[i]
		ss += d * d
	}
	if sd := math.Sqrt(ss / 600); math.Abs(sd-1) > 0.1 {
		t.Fatalf("observation noise sd %.3f, want 1 +- 0.1", sd)
	}
}

// TestBistableCellStaysUp checks the hysteresis docs/model.md describes: with a
// sharp activation (G_act/(g_L k) large) the staircase switches the cell to
// the upper fixed point and it stays there after the stimulus; with a shallow
// one it relaxes back to rest.
func TestBistableCellStaysUp(t *testing.T) {
	t.Parallel()
	s := mustSim(t, Default())
	sharp := Params{Cm: 1, GL: 0.1, EL: -65, K: 2, Vthr: -55, Gact: 2}
	shallow := example
	v := clean(t, s, sharp, shallow)
	f := func(p Params, x float64) float64 { return -p.GL*(x-p.EL) + p.Gact*sigmoid((x-p.Vthr)/p.K) }
	// The upper fixed point of the sharp cell, by bisection on [V_thr, E_L + G/g_L].
	lo, hi := sharp.Vthr, sharp.EL+sharp.Gact/sharp.GL
	for range 100 {
		if mid := (lo + hi) / 2; f(sharp, mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	if d := math.Abs(v[599] - lo); d > 0.01 {
		t.Fatalf("sharp cell ends at %.3f mV, upper fixed point %.3f mV", v[599], lo)
	}
	rest, _ := RestingPotential(shallow)
	if d := math.Abs(v[600+599] - rest); d > 0.2 { // not fully relaxed after 100 ms
		t.Fatalf("shallow cell ends at %.3f mV, rest %.3f mV", v[600+599], rest)
	}
}

func TestNonFiniteParametersRejected(t *testing.T) {
	t.Parallel()
	s := mustSim(t, Default())
	for _, p := range []Params{
		{Cm: math.NaN(), GL: 0.1, EL: -65, K: 6, Vthr: -50, Gact: 2},
		{Cm: -1, GL: 0.1, EL: -65, K: 6, Vthr: -50, Gact: 2},
		{Cm: 1, GL: -0.1, EL: -65, K: 6, Vthr: -50, Gact: 2},
		{Cm: 1, GL: 0.1, EL: -65, K: 0, Vthr: -50, Gact: 2},
	} {
		err := s.Simulate([]Params{p}, nil, make([]float64, 600))
		if err == nil {
			t.Fatalf("no error for %v", p)
		}
		t.Log(err)
	}
}

func BenchmarkGenerate(b *testing.B) {
	s := mustSim(b, Default())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Generate(1, i*1024, 1024, GenerateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1024)/b.Elapsed().Seconds(), "traj/s")
}

func TestStageMatchesMathExp(t *testing.T) {
	t.Parallel()
	const tol = 1e-14 // relative, on dV/dt
	r := Stream(4, 0)
	var l lanes
	var dst, kp [BlockSize]float64
	for range 2000 {
		for b := range BlockSize {
			// Voltages far beyond the sigmoid's range on both sides.
			l.v[b], l.vthr[b], l.invK[b] = -200+300*r.Float64(), -50+5*r.NormFloat64(), 1/(0.2+10*r.Float64())
			l.gact[b], l.gl[b], l.el[b], l.invC[b], l.ou[b] = 2, 0.1, -65, 1/(0.5+r.Float64()), 0.1*r.NormFloat64()
			kp[b] = r.NormFloat64()
		}
		stage(&l, &dst, &kp, 0.25, 1.5)
		for b := range BlockSize {
			x := l.v[b] + 0.25*kp[b]
			want := (l.gact[b]/(1+math.Exp((l.vthr[b]-x)*l.invK[b])) - l.gl[b]*(x-l.el[b]) + 1.5 + l.ou[b]) * l.invC[b]
			if d := math.Abs(dst[b] - want); d > tol*(1+math.Abs(want)) {
				t.Fatalf("dV/dt %.17g, with math.Exp %.17g", dst[b], want)
			}
		}
	}
}
