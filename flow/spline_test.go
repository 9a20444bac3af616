package flow

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/laa-neuro/laa/nn"
)

// Tolerances of the float64 spline checks.
const (
	// splineInvTol bounds |g^-1(g(x)) - x| of one spline in float64.
	splineInvTol = 1e-10
	// splineFDEps is the central-difference step of the float64 checks.
	splineFDEps = 1e-6
	// splineFDTol bounds |analytic - finite difference| (absolute plus
	// relative to the finite difference).
	splineFDTol = 1e-6
	// identityLogDetTol bounds |log|det|| of a new spline flow.
	identityLogDetTol = 1e-12
	// layerGradTol bounds the float32 layer's input gradient check
	// (absolute plus relative).
	layerGradTol = 2e-3
	// splineFlowEps is the central-difference step of the float32 flow
	// checks. A spline's second derivative jumps at the knots, so a step
	// as large as the affine tests' 1e-2 straddles knots too often.
	splineFlowEps = 1e-3
	// splineLogDetTol, splineGradAbsTol and splineGradRelTol are the flow
	// checks' tolerances at that step, where float32 rounding weighs more.
	splineLogDetTol  = 5e-3
	splineGradAbsTol = 5e-4
	splineGradRelTol = 1e-2
	// splinePerturbSD is randomFlow's perturbation of a spline flow's
	// parameters (0.3 for affine flows). Raw outputs of sd ~0.3 already
	// bend every spline (slopes over a range of ~3); larger ones compound
	// over the blocks into Jacobians so contracting that float32 rounding
	// swamps the flow-level differences. The float64 spline tests cover
	// raw values of sd 1 and 2.
	splinePerturbSD = 0.1
)

// splineTestConfig is testConfig with spline couplings of 6 bins.
func splineTestConfig() Config {
	cfg := testConfig()
	cfg.Coupling, cfg.Bins = CouplingSpline, 6
	return cfg
}

// randomSpline returns a spline with raw values N(0, sd^2).
func randomSpline(bins int, bound, sd float64, rng *rand.Rand) (*rqSpline, []float32) {
	s := newRQSpline(bins, bound)
	raw := make([]float32, s.rawLen())
	for i := range raw {
		raw[i] = float32(sd * rng.NormFloat64())
	}
	s.set(raw)
	return s, raw
}

// splineGrid returns points across [-B-1, B+1], the knots and the bound.
func splineGrid(s *rqSpline) []float64 {
	var xs []float64
	for i := range 201 {
		xs = append(xs, -s.bound-1+float64(i)*(2*s.bound+2)/200)
	}
	xs = append(xs, s.xk...)
	slices.Sort(xs)
	return xs
}

// TestRQSplineScalar checks one spline in float64: inverse, derivative
// against finite differences, monotonicity, continuity of the derivative at
// the knots and the identity tails.
func TestRQSplineScalar(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(40, 1))
	for trial := range 20 {
		s, _ := randomSpline(2+trial%7, 0.5+3*rng.Float64(), 2, rng)
		prev := math.Inf(-1)
		for _, x := range splineGrid(s) {
			y, lj := s.forward(x)
			if y < prev {
				t.Fatalf("trial %d: not increasing at x = %v", trial, x)
			}
			prev = y
			if back := s.inverse(y); math.Abs(back-x) > splineInvTol*(1+math.Abs(x)) {
				t.Errorf("trial %d: inverse(forward(%v)) = %v", trial, x, back)
			}
			if math.Abs(x) > s.bound && (y != x || lj != 0) {
				t.Errorf("trial %d: tail x = %v maps to %v, log-derivative %v", trial, x, y, lj)
			}
			// g'' jumps at the knots: difference only away from them.
			if slices.ContainsFunc(s.xk, func(k float64) bool { return math.Abs(x-k) < 100*splineFDEps }) {
				continue
			}
			hi, _ := s.forward(x + splineFDEps)
			lo, _ := s.forward(x - splineFDEps)
			fd := math.Log((hi - lo) / (2 * splineFDEps))
			if math.Abs(lj-fd) > splineFDTol*(1+math.Abs(fd)) {
				t.Errorf("trial %d, x = %v: log-derivative %v, finite differences %v", trial, x, lj, fd)
			}
		}
		// At knot m both neighbouring bins have derivative d_m.
		for m, x := range s.xk {
			for _, v := range []float64{x * (1 - 1e-14), x, x * (1 + 1e-14)} {
				if math.Abs(v) > s.bound {
					continue
				}
				d, _ := s.deriv(m)
				if _, lj := s.forward(v); math.Abs(math.Exp(lj)-d) > splineFDTol*d {
					t.Errorf("trial %d: derivative %v at knot %d (%v), want %v", trial, math.Exp(lj), m, v, d)
				}
			}
		}
	}
}

// TestRQSplineGrad checks grad against central differences of
// L = a y + b log g'(x) in every raw value and in x.
func TestRQSplineGrad(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(41, 1))
	const a, b = 0.7, -1.3
	for trial := range 20 {
		bins, bound := 2+trial%7, 0.5+3*rng.Float64()
		s, raw := randomSpline(bins, bound, 1, rng)
		raw64 := make([]float64, len(raw))
		for i, v := range raw {
			raw64[i] = float64(v)
		}
		// L takes float64 raw values (set64): perturbed raw values rounded
		// to float32 would swamp the finite differences.
		loss := func(r []float64, x float64) float64 {
			sp := newRQSpline(bins, bound)
			sp.set64(r)
			y, lj := sp.forward(x)
			return a*y + b*lj
		}
		x := bound * (2*rng.Float64() - 1)
		graw := make([]float32, len(raw))
		gx := s.grad(x, a, b, graw)
		check := func(name string, got, fd float64) {
			t.Helper()
			if math.Abs(got-fd) > splineFDTol*(1+math.Abs(fd))*10 {
				t.Errorf("trial %d (K=%d, B=%.2f, x=%.3f): %s gradient %.9g, finite differences %.9g",
					trial, bins, bound, x, name, got, fd)
			}
		}
		check("x", gx, (loss(raw64, x+splineFDEps)-loss(raw64, x-splineFDEps))/(2*splineFDEps))
		for i := range raw64 {
			old := raw64[i]
			raw64[i] = old + splineFDEps
			hi := loss(raw64, x)
			raw64[i] = old - splineFDEps
			lo := loss(raw64, x)
			raw64[i] = old
			check("raw", float64(graw[i]), (hi-lo)/(2*splineFDEps))
		}
	}
}

// set64 is set for float64 raw values (a test helper: rounding the raw
// values to float32 would swamp the finite differences).
func (s *rqSpline) set64(raw []float64) {
	k := s.bins
	knots := func(r []float64, p, knot []float64) {
		top := slices.Max(r)
		var sum float64
		for j, u := range r {
			p[j] = math.Exp(u - top)
			sum += p[j]
		}
		var cum float64
		knot[0] = -s.bound
		for j := range p {
			cum += splineMinBin + (1-float64(k)*splineMinBin)*p[j]/sum
			knot[j+1] = -s.bound + 2*s.bound*cum
		}
		knot[k] = s.bound
	}
	knots(raw[:k], s.pw, s.xk)
	knots(raw[k:2*k], s.ph, s.yk)
	copy(s.du, raw[2*k:])
}

// TestRQSplineZeroIsIdentity checks that raw values of 0 give the identity.
func TestRQSplineZeroIsIdentity(t *testing.T) {
	t.Parallel()
	s := newRQSpline(8, 3)
	s.set(make([]float32, s.rawLen()))
	for m := range s.xk {
		if d, _ := s.deriv(m); d != 1 {
			t.Fatalf("derivative %v at knot %d, want 1", d, m)
		}
	}
	for _, x := range splineGrid(s) {
		y, lj := s.forward(x)
		if math.Abs(y-x) > 1e-15*(1+math.Abs(x)) || math.Abs(lj) > 1e-15 {
			t.Errorf("x = %v: y = %v, log-derivative %v", x, y, lj)
		}
	}
}

// TestSplineIdentityAtStart checks that a new spline flow is a pure
// permutation, bit for bit in float32.
func TestSplineIdentityAtStart(t *testing.T) {
	t.Parallel()
	cfg := splineTestConfig()
	f, err := New(cfg, rand.New(rand.NewPCG(42, 1)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(43, 1))
	theta, ctx := randMat(50, cfg.Dim, 0, 2, rng), randMat(50, cfg.ContextDim, 0, 1, rng)
	z, logdet := f.Transform(theta, ctx)
	for i := range z.Rows {
		a, b := slices.Clone(theta.Row(i)), slices.Clone(z.Row(i))
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("row %d: z %v is not a permutation of theta %v", i, z.Row(i), theta.Row(i))
		}
		if math.Abs(float64(logdet[i])) > identityLogDetTol {
			t.Errorf("row %d: logdet %v, want 0", i, logdet[i])
		}
	}
}

func TestSplineInverse(t *testing.T) {
	t.Parallel()
	cfg := splineTestConfig()
	cfg.Layers = 6
	testInverse(t, cfg)
}

func TestSplineLogDet(t *testing.T) {
	t.Parallel()
	for _, dim := range []int{2, 5} {
		cfg := splineTestConfig()
		cfg.Dim = dim
		testLogDet(t, cfg, splineFlowEps, splineLogDetTol)
	}
}

func TestSplineGradient(t *testing.T) {
	t.Parallel()
	testGradient(t, splineTestConfig(), gradCheck{eps: splineFlowEps, abs: splineGradAbsTol, rel: splineGradRelTol, kinks: true})
}

// TestSplineLayerInputGradient checks one spline coupling's dL/dx (both
// halves) and dL/dctx against central differences of
// L = sum a*y + sum b*logdet.
func TestSplineLayerInputGradient(t *testing.T) {
	t.Parallel()
	cfg, _ := splineTestConfig().withDefaults()
	rng := rand.New(rand.NewPCG(44, 1))
	c := newSplineCoupling("c", []int{0, 1}, []int{2, 3, 4}, cfg.ContextDim, cfg, rng)
	for _, p := range c.params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += float32(0.3 * rng.NormFloat64())
		}
	}
	const n = 6
	x, ctx := randMat(n, cfg.Dim, 0, 1.5, rng), randMat(n, cfg.ContextDim, 0, 1, rng)
	a, b := randMat(n, cfg.Dim, 0, 1, rng), randMat(1, n, 0, 1, rng).Data
	loss := func() float64 {
		logdet := make([]float32, n)
		y := c.forward(x, ctx, logdet)
		var s float64
		for i, v := range y.Data {
			s += float64(a.Data[i]) * float64(v)
		}
		for i, v := range logdet {
			s += float64(b[i]) * float64(v)
		}
		return s
	}
	loss()
	dctx := nn.NewMat(n, cfg.ContextDim)
	dx := c.backward(a, b, dctx)
	check := func(name string, v []float32, got []float32) {
		t.Helper()
		for k := range v {
			old := v[k]
			v[k] = old + splineFlowEps
			hi := loss()
			v[k] = old - splineFlowEps
			lo := loss()
			v[k] = old
			fd := (hi - lo) / (2 * splineFlowEps)
			if math.Abs(float64(got[k])-fd) > layerGradTol*(1+math.Abs(fd)) {
				t.Errorf("%s[%d]: gradient %.6g, finite differences %.6g", name, k, got[k], fd)
			}
		}
	}
	check("x", x.Data, dx.Data)
	check("ctx", ctx.Data, dctx.Data)
}

// TestSplineSample checks SampleBatch's shared-context fast path against
// Inverse with one context per row.
func TestSplineSample(t *testing.T) {
	t.Parallel()
	const n, tol = 10, 1e-5
	cfg := splineTestConfig()
	f := randomFlow(t, cfg, 45)
	ctx := randMat(3, cfg.ContextDim, 0, 1, rand.New(rand.NewPCG(46, 1)))
	all := f.SampleBatch(ctx, n, rand.New(rand.NewPCG(47, 1)))
	z := randMat(3*n, cfg.Dim, 0, 1, rand.New(rand.NewPCG(47, 1)))
	rep := nn.NewMat(3*n, cfg.ContextDim)
	for i := range rep.Rows {
		copy(rep.Row(i), ctx.Row(i/n))
	}
	want := f.Inverse(z, rep)
	for i, v := range want.Data {
		if math.Abs(float64(v-all.Data[i])) > tol*(1+math.Abs(float64(v))) {
			t.Fatalf("SampleBatch and Inverse disagree at %d: %v, %v", i, all.Data[i], v)
		}
	}
}

func TestSplineConfigErrors(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(48, 1))
	for _, cfg := range []Config{
		{Dim: 3, Coupling: "real-nvp"},
		{Dim: 3, Coupling: CouplingSpline, Bins: 1},
		{Dim: 3, Coupling: CouplingSpline, Bins: maxBins + 1},
		{Dim: 3, Coupling: CouplingSpline, Bound: -1},
		{Dim: 3, Coupling: CouplingSpline, Bound: math.NaN()},
	} {
		if _, err := New(cfg, rng); err == nil {
			t.Errorf("New(%+v): no error", cfg)
		}
	}
}

// TestSplineConjugateGaussian trains a spline flow on the conjugate
// Gaussian problem of TestConjugateGaussian, with the same checks.
func TestSplineConjugateGaussian(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a flow; skipped with -short")
	}
	testConjugate(t, conjugateConfig(2, CouplingSpline))
}
