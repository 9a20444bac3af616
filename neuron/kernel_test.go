package neuron

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
)

// requireAVX2 skips a test of stageAVX2 where this build has no assembly
// kernel (off amd64, or -tags purego) and on CPUs without AVX2, except
// under CI=true, where an amd64 CPU without AVX2 is a failure.
func requireAVX2(t *testing.T) {
	t.Helper()
	switch {
	case useAVX2:
		return
	case !asmKernel:
		t.Skipf("no assembly kernel in this build (%s, or -tags purego)", runtime.GOARCH)
	case os.Getenv("CI") == "true":
		t.Fatal("this CI machine's CPU has no AVX2: stageAVX2 is not tested")
	}
	t.Skip("this CPU has no AVX2")
}

// withFallback runs f with stage forced to stageGo. Callers must not be
// parallel tests: the switch is global.
func withFallback(f func()) {
	saved := useAVX2
	useAVX2 = false
	defer func() { useAVX2 = saved }()
	f()
}

// ulps is the distance between a and b in units in the last place
// (0 when they are the same bits, and when both are NaN).
func ulps(a, b float64) uint64 {
	if math.IsNaN(a) && math.IsNaN(b) {
		return 0
	}
	ia, ib := int64(math.Float64bits(a)), int64(math.Float64bits(b))
	// Map the sign-magnitude bits onto a monotonic integer line.
	if ia < 0 {
		ia = math.MinInt64 - ia
	}
	if ib < 0 {
		ib = math.MinInt64 - ib
	}
	if ia > ib {
		return uint64(ia - ib)
	}
	return uint64(ib - ia)
}

// randomLanes fills l and kp with states drawn so that y = (vthr - x)/k
// covers the whole range of the exponential: typical values, |y| near and
// beyond the clamp at 700, exactly +-700, zero, tiny and subnormal
// arguments, and the boundaries of the table's intervals. (Below
// y = -37, 1 + e^y rounds to 1: the lower clamp cannot show in dst.)
func randomLanes(r *rand.Rand, l *lanes, kp *[BlockSize]float64) {
	for b := range BlockSize {
		l.gact[b], l.gl[b], l.el[b] = 5*r.Float64(), r.Float64(), -80+30*r.Float64()
		l.invC[b], l.ou[b] = 1/(0.1+2*r.Float64()), r.NormFloat64()
		l.vthr[b], kp[b] = -50+10*r.NormFloat64(), 10*r.NormFloat64()
		l.invK[b] = 1 / (0.01 + 20*r.Float64())
		l.v[b] = -200 + 300*r.Float64()
		// y = (vthr - v) invK with kp = 0 for the special cases.
		var y float64
		switch r.IntN(8) {
		case 0: // beyond the clamp, up to the float range
			y = math.Copysign(700*math.Pow(10, 300*r.Float64()/1.1), r.NormFloat64())
		case 1: // near the clamp
			y = math.Copysign(690+20*r.Float64(), r.NormFloat64())
		case 2: // exactly at the clamp, or the next float either side
			y = []float64{700, -700, math.Nextafter(700, 800), math.Nextafter(-700, -800), math.Nextafter(700, 0), math.Nextafter(-700, 0)}[r.IntN(6)]
		case 3: // tiny, zero and subnormal
			y = []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 1e-300 * r.NormFloat64(), 1e-12 * r.NormFloat64()}[r.IntN(6)]
		case 4: // on and next to the table's interval boundaries (i/128) ln 2
			y = float64(r.IntN(200000)-100000) * math.Ln2 / 128
			y = math.Nextafter(y, y+float64(r.IntN(3)-1))
		default: // the typical range of the model
			continue
		}
		kp[b] = 0
		l.invK[b] = 1
		if r.IntN(2) == 0 {
			// dst = G_act / (1 + e^y) / C_m exactly when the caller's iext is 0:
			// no other term hides the exponential's last bits.
			l.gl[b], l.ou[b] = 0, 0
		}
		l.vthr[b] = l.v[b] + y
		if math.IsInf(l.vthr[b], 0) || l.vthr[b]-l.v[b] != y {
			// keep y exact: put it all in vthr with v = 0
			l.v[b], l.vthr[b] = 0, y
		}
	}
}

func TestStageAVX2MatchesGo(t *testing.T) {
	requireAVX2(t)
	r := rand.New(rand.NewPCG(13, 3))
	var l lanes
	var kp, got, want [BlockSize]float64
	var worst uint64
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for range n / BlockSize {
		randomLanes(r, &l, &kp)
		c, iext := []float64{0, 0.25, 0.5}[r.IntN(3)], 10*r.NormFloat64()
		if r.IntN(2) == 0 {
			iext = 0
		}
		stageAVX2(&l, &got, &kp, c, iext)
		stageGo(&l, &want, &kp, c, iext)
		for b := range BlockSize {
			if math.IsNaN(want[b]) || math.IsInf(want[b], 0) {
				t.Fatalf("lane %d: stageGo gave %v for y = %g: the inputs should keep it finite", b, want[b], (l.vthr[b]-l.v[b]-c*kp[b])*l.invK[b])
			}
			if u := ulps(got[b], want[b]); u > worst {
				worst = u
				t.Errorf("lane %d: AVX2 %.17g, Go %.17g (%d ulp) for v %g vthr %g invK %g kp %g c %g",
					b, got[b], want[b], u, l.v[b], l.vthr[b], l.invK[b], kp[b], c)
			}
		}
	}
	t.Logf("%d lanes: largest difference between stageAVX2 and stageGo %d ulp", n, worst)
}

// TestStageAVX2NonFinite checks that stageAVX2 passes NaN and infinite
// states through as stageGo does (Simulate then reports a TraceError).
func TestStageAVX2NonFinite(t *testing.T) {
	requireAVX2(t)
	r := rand.New(rand.NewPCG(13, 4))
	var l lanes
	var kp, got, want [BlockSize]float64
	randomLanes(r, &l, &kp)
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	for b := range BlockSize {
		switch b % 4 {
		case 0:
			l.v[b] = bad[b%3]
		case 1:
			kp[b] = bad[b%3]
		case 2:
			l.invK[b] = bad[b%3]
		}
	}
	stageAVX2(&l, &got, &kp, 0.5, 1)
	stageGo(&l, &want, &kp, 0.5, 1)
	for b := range BlockSize {
		if math.IsNaN(got[b]) != math.IsNaN(want[b]) || (!math.IsNaN(want[b]) && got[b] != want[b]) {
			t.Errorf("lane %d (v %g, kp %g, invK %g): AVX2 %v, Go %v", b, l.v[b], kp[b], l.invK[b], got[b], want[b])
		}
	}
}

func BenchmarkStage(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	var l lanes
	var kp, dst [BlockSize]float64
	for i := range BlockSize {
		l.v[i], l.vthr[i], l.invK[i] = -70+40*r.Float64(), -50, 1/(1+5*r.Float64())
		l.gact[i], l.gl[i], l.el[i], l.invC[i] = 2, 0.1, -65, 1
		kp[i] = r.NormFloat64()
	}
	for _, k := range []struct {
		name string
		f    func(*lanes, *[BlockSize]float64, *[BlockSize]float64, float64, float64)
	}{{"go", stageGo}, {"avx2", stageAVX2}} {
		b.Run(k.name, func(b *testing.B) {
			if k.name == "avx2" && !useAVX2 {
				b.Skip("no AVX2")
			}
			for b.Loop() {
				k.f(&l, &dst, &kp, 0.25, 1)
			}
			b.ReportMetric(float64(b.N*BlockSize)/b.Elapsed().Seconds()/1e6, "Mlanes/s")
		})
	}
}

// BenchmarkSimulateKernel times Simulate, noise free, on 1024 default prior
// draws with each kernel.
func BenchmarkSimulateKernel(b *testing.B) {
	cfg := Default()
	s := mustSim(b, cfg)
	ps := make([]Params, 1024)
	theta := make([]float64, 5)
	for i := range ps {
		cfg.SamplePrior(Stream(1, uint64(i)), theta)
		ps[i], _ = cfg.Params(theta)
	}
	out := make([]float64, len(ps)*s.NumSamples())
	for _, avx2 := range []bool{false, true} {
		name := map[bool]string{false: "go", true: "avx2"}[avx2]
		b.Run(name, func(b *testing.B) {
			if avx2 && !useAVX2 {
				b.Skip("no AVX2")
			}
			saved := useAVX2
			useAVX2 = avx2
			defer func() { useAVX2 = saved }()
			for b.Loop() {
				if err := s.Simulate(ps, nil, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(ps))/b.Elapsed().Seconds(), "traj/s")
		})
	}
}

// TestGenerateSameWithEitherKernel checks whole data sets: Generate with
// stageAVX2 and with the forced fallback stageGo give the same bytes, for
// the default experiment, with intrinsic noise and with spiking.
func TestGenerateSameWithEitherKernel(t *testing.T) {
	requireAVX2(t)
	n := 4096
	if testing.Short() {
		n = 512
	}
	noisy, spiking := Default(), Default()
	noisy.IntrinsicNoise.Enabled = true
	spiking.Spiking.Enabled = true
	spiking.Spiking.PeakMV = -40 // low enough that many draws spike
	for _, c := range []struct {
		name string
		cfg  Config
	}{{"default", Default()}, {"intrinsic noise", noisy}, {"spiking", spiking}} {
		s := mustSim(t, c.cfg)
		asm, err := s.Generate(5, 0, n, GenerateOptions{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		var scalar *Batch
		withFallback(func() { scalar, err = s.Generate(5, 0, n, GenerateOptions{Workers: 2}) })
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i := range asm.Traces {
			if asm.Traces[i] != scalar.Traces[i] {
				worst = math.Max(worst, math.Abs(asm.Traces[i]-scalar.Traces[i]))
			}
		}
		if worst != 0 || !slicesEqual(asm.Theta, scalar.Theta) {
			t.Errorf("%s: AVX2 and fallback kernels differ, by up to %.3g mV", c.name, worst)
		}
	}
}

// TestFallbackAccuracy forces the scalar fallback and checks it against
// the analytic solution of the leaky cell and a dt = 0.01 ms reference on
// prior draws, as the tests of simulate_test.go do for the default kernel.
func TestFallbackAccuracy(t *testing.T) {
	withFallback(func() {
		if useAVX2 {
			t.Fatal("fallback not in force")
		}
		// G_act = 0 under a constant current: V(t) = E_L + I/g_L (1 - e^(-t g_L/C_m)).
		step := Default()
		step.Stimulus = Stimulus{Kind: StimStep, Start: 0, End: 1000, Amplitude: 1.3}
		p := Params{Cm: 1.5, GL: 0.2, EL: -70, K: 5, Vthr: -50, Gact: 0, SigmaObs: 1}
		worst := 0.0
		for i, vi := range clean(t, mustSim(t, step), p) {
			ti := float64(i) * step.RecordStepMs
			worst = math.Max(worst, math.Abs(vi-(p.EL+1.3/p.GL*(1-math.Exp(-ti*p.GL/p.Cm)))))
		}
		if worst > analyticTol {
			t.Fatalf("fallback, leaky cell: worst error %.3g mV against the closed form, want <= %g", worst, analyticTol)
		}
		cfg := Default()
		s := mustSim(t, cfg)
		n := 200
		ps := make([]Params, n)
		theta := make([]float64, 5)
		for i := range ps {
			cfg.SamplePrior(Stream(9, uint64(i)), theta)
			ps[i], _ = cfg.Params(theta)
		}
		got := clean(t, s, ps...)
		refCfg := cfg
		refCfg.DtMs = referenceDtMs
		ref := clean(t, mustSim(t, refCfg), ps...)
		if d := maxDiff(got, ref); d > accuracyGoal {
			t.Fatalf("fallback: worst error %.3g mV against dt = %g ms over %d prior draws, want <= %g", d, referenceDtMs, n, accuracyGoal)
		} else {
			t.Logf("fallback: worst error %.3g mV against dt = %g ms, leaky cell %.3g mV", d, referenceDtMs, worst)
		}
	})
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
