package flow

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/laa-neuro/laa/nn"
)

// Tolerances of the exactness tests.
const (
	// inverseTol bounds |Inverse(Transform(theta)) - theta| / (1 + |theta|).
	inverseTol = 1e-5
	// jacobianEps is the central-difference step for the Jacobian check.
	jacobianEps = 1e-2
	// logDetTol bounds |logdet - log|det J_fd|| per example.
	logDetTol = 2e-3
	// gradEps is the central-difference step for the gradient check.
	gradEps = 1e-2
	// gradAbsTol and gradRelTol bound |g - g_fd| <= abs + rel |g_fd|.
	gradAbsTol = 2e-4
	gradRelTol = 1e-2
	// actNormTol bounds the mean and variance error after ActNorm's init.
	actNormTol = 1e-4
)

// testConfig is a small flow with a smooth activation, so finite
// differences see no kinks.
func testConfig() Config {
	return Config{Dim: 5, ContextDim: 3, Layers: 4, Hidden: 16, HiddenLayers: 2, Activation: "tanh"}
}

// randMat returns a rows x cols matrix of N(mean, sd^2) values.
func randMat(rows, cols int, mean, sd float64, rng *rand.Rand) *nn.Mat {
	m := nn.NewMat(rows, cols)
	for i := range m.Data {
		m.Data[i] = float32(mean + sd*rng.NormFloat64())
	}
	return m
}

// randomFlow returns a flow whose parameters are all perturbed away from
// the identity start and whose ActNorm layers are then initialised on a
// standard normal batch, so that values stay of order one through the flow.
func randomFlow(t testing.TB, cfg Config, seed uint64) *Flow {
	t.Helper()
	sd := 0.3
	if cfg.Coupling == CouplingSpline {
		sd = splinePerturbSD
	}
	return randomFlowScaled(t, cfg, seed, sd)
}

// randomFlowScaled is randomFlow with perturbations of standard deviation
// sd.
func randomFlowScaled(t testing.TB, cfg Config, seed uint64, sd float64) *Flow {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	f, err := New(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += float32(sd * rng.NormFloat64())
		}
	}
	f.Forward(randMat(256, cfg.Dim, 0, 1, rng), randMat(256, cfg.ContextDim, 0, 1, rng))
	return f
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, cfg := range []Config{
		{Dim: 1},
		{Dim: 3, ContextDim: -1},
		{Dim: 3, Activation: "sigmoid"},
		{Dim: 3, ClampLogScale: -1},
		{Dim: 3, Hidden: -4},
	} {
		if _, err := New(cfg, rng); err == nil {
			t.Errorf("New(%+v): no error", cfg)
		}
	}
}

// TestIdentityAtStart checks that a new flow is a pure permutation: every
// coupling starts at the identity and ActNorm is not yet initialised.
func TestIdentityAtStart(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	f, err := New(cfg, rand.New(rand.NewPCG(2, 1)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 1))
	theta, ctx := randMat(7, cfg.Dim, 0, 1, rng), randMat(7, cfg.ContextDim, 0, 1, rng)
	z, logdet := f.Transform(theta, ctx)
	for i := range z.Rows {
		a, b := slices.Clone(theta.Row(i)), slices.Clone(z.Row(i))
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("row %d: z %v is not a permutation of theta %v", i, z.Row(i), theta.Row(i))
		}
		if logdet[i] != 0 {
			t.Errorf("row %d: logdet %v, want 0", i, logdet[i])
		}
	}
}

func TestInverse(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Layers = 6
	testInverse(t, cfg)
}

// testInverse checks Inverse against Transform both ways on a perturbed
// flow, with theta spread wide (sd 2, and a few rows far out at +-10).
func testInverse(t *testing.T, cfg Config) {
	f := randomFlow(t, cfg, 4)
	rng := rand.New(rand.NewPCG(5, 1))
	theta, ctx := randMat(64, cfg.Dim, 0, 2, rng), randMat(64, cfg.ContextDim, 0, 1, rng)
	for j := range cfg.Dim {
		theta.Row(0)[j], theta.Row(1)[j] = 10, -10
	}
	z, _ := f.Transform(theta, ctx)
	back := f.Inverse(z, ctx)
	var worst float64
	for i, v := range theta.Data {
		worst = max(worst, math.Abs(float64(back.Data[i]-v))/(1+math.Abs(float64(v))))
	}
	if worst > inverseTol {
		t.Errorf("inverse(forward(theta)) off by %.3g relative, want <= %g", worst, inverseTol)
	}
	// And the other way round.
	z = randMat(64, cfg.Dim, 0, 1, rng)
	z2, _ := f.Transform(f.Inverse(z, ctx), ctx)
	worst = 0
	for i, v := range z.Data {
		worst = max(worst, math.Abs(float64(z2.Data[i]-v))/(1+math.Abs(float64(v))))
	}
	if worst > inverseTol {
		t.Errorf("forward(inverse(z)) off by %.3g relative, want <= %g", worst, inverseTol)
	}
}

// TestLogDet compares the flow's log|det| with that of a central-difference
// Jacobian, example by example.
func TestLogDet(t *testing.T) {
	t.Parallel()
	for _, dim := range []int{2, 5} {
		cfg := testConfig()
		cfg.Dim = dim
		testLogDet(t, cfg, jacobianEps, logDetTol)
	}
}

// testLogDet compares the log|det| of a perturbed flow with cfg with that
// of a Jacobian by central differences of step eps, within tol.
func testLogDet(t *testing.T, cfg Config, eps, tol float64) {
	f := randomFlow(t, cfg, 6)
	rng := rand.New(rand.NewPCG(7, 1))
	const n = 8
	d := cfg.Dim
	theta, ctx := randMat(n, d, 0, 1, rng), randMat(n, cfg.ContextDim, 0, 1, rng)
	_, logdet := f.Transform(theta, ctx)
	for i := range n {
		// Rows 2j and 2j+1 of x are theta_i shifted by -eps and +eps in dim j.
		x, c := nn.NewMat(2*d, d), nn.NewMat(2*d, cfg.ContextDim)
		for j := range 2 * d {
			copy(x.Row(j), theta.Row(i))
			copy(c.Row(j), ctx.Row(i))
		}
		for j := range d {
			x.Row(2 * j)[j] -= float32(eps)
			x.Row(2*j + 1)[j] += float32(eps)
		}
		z, _ := f.Transform(x, c)
		jac := mat.NewDense(d, d, nil)
		for j := range d {
			for k := range d {
				lo, hi := float64(z.At(2*j, k)), float64(z.At(2*j+1, k))
				h := float64(x.At(2*j+1, j)) - float64(x.At(2*j, j)) // the step as stored
				jac.Set(k, j, (hi-lo)/h)
			}
		}
		want, _ := mat.LogDet(jac)
		if got := float64(logdet[i]); math.Abs(got-want) > tol {
			t.Errorf("D=%d, example %d: logdet %.6f, finite differences %.6f", d, i, got, want)
		}
	}
}

// TestGradient checks Backward against central differences of the loss,
// for a few entries of every parameter and of the context.
func TestGradient(t *testing.T) {
	t.Parallel()
	testGradient(t, testConfig(), gradCheck{eps: gradEps, abs: gradAbsTol, rel: gradRelTol})
}

// gradCheck sets a finite-difference gradient check: step eps and
// |g - g_fd| <= abs + rel |g_fd|. With kinks set, the loss is taken to be
// only piecewise smooth (a spline flow's log|det| has a kink wherever a
// value crosses a knot) and a gradient also passes when it matches the
// second-order one-sided difference on either side: a kink within 2 eps on
// one side spoils the central difference but not the other side's.
type gradCheck struct {
	eps, abs, rel float64
	kinks         bool
}

// testGradient checks the gradients of a perturbed flow with cfg, for a few
// entries of every parameter and of the context, against finite
// differences.
func testGradient(t *testing.T, cfg Config, gc gradCheck) {
	f := randomFlow(t, cfg, 8)
	rng := rand.New(rand.NewPCG(9, 1))
	const n = 16
	theta, ctx := randMat(n, cfg.Dim, 0, 1, rng), randMat(n, cfg.ContextDim, 0, 1, rng)
	// Per-example weights make dLoss/dlog q differ across rows.
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(-(0.5 + rng.Float64()) / n)
	}
	loss := func() float64 {
		var s float64
		for i, lq := range f.LogProb(theta, ctx) {
			s += float64(w[i]) * float64(lq)
		}
		return s
	}
	for _, p := range f.Params() {
		p.Grad.Zero()
	}
	f.Forward(theta, ctx)
	dctx := f.Backward(w)

	check := func(name string, v []float32, k int, got float32) {
		t.Helper()
		old := v[k]
		at := func(steps float32) float64 {
			v[k] = old + steps*float32(gc.eps)
			defer func() { v[k] = old }()
			return loss()
		}
		near := func(fd float64) bool { return math.Abs(float64(got)-fd) <= gc.abs+gc.rel*math.Abs(fd) }
		hi, lo := at(1), at(-1)
		fd := (hi - lo) / (2 * gc.eps)
		if near(fd) {
			return
		}
		if gc.kinks {
			mid := loss()
			right := (-3*mid + 4*hi - at(2)) / (2 * gc.eps)
			left := (3*mid - 4*lo + at(-2)) / (2 * gc.eps)
			if near(right) || near(left) {
				return
			}
			t.Errorf("%s[%d]: gradient %.6g, finite differences %.6g (one-sided %.6g, %.6g)", name, k, got, fd, left, right)
			return
		}
		t.Errorf("%s[%d]: gradient %.6g, finite differences %.6g", name, k, got, fd)
	}
	for _, p := range f.Params() {
		for range 3 {
			k := rng.IntN(len(p.Value.Data))
			check(p.Name, p.Value.Data, k, p.Grad.Data[k])
		}
	}
	for range 6 {
		k := rng.IntN(len(ctx.Data))
		check("ctx", ctx.Data, k, dctx.Data[k])
	}
}

func TestActNormInit(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	f, err := New(cfg, rand.New(rand.NewPCG(10, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Initialized() {
		t.Fatal("new flow reports initialised ActNorm")
	}
	rng := rand.New(rand.NewPCG(11, 1))
	theta := randMat(500, cfg.Dim, 0, 1, rng)
	for i := range theta.Rows { // dimension j has mean 3j-5 and sd j+0.5
		for j, v := range theta.Row(i) {
			theta.Row(i)[j] = float32(3*j-5) + float32(j)*v + 0.5*v
		}
	}
	ctx := randMat(500, cfg.ContextDim, 0, 1, rng)
	f.Forward(theta, ctx)
	if !f.Initialized() {
		t.Fatal("Forward did not initialise ActNorm")
	}
	y := f.norms[0].forward(theta, nil, make([]float32, theta.Rows))
	for j := range cfg.Dim {
		var mean, sq float64
		for i := range y.Rows {
			mean += float64(y.At(i, j))
		}
		mean /= float64(y.Rows)
		for i := range y.Rows {
			sq += math.Pow(float64(y.At(i, j))-mean, 2)
		}
		if v := sq / float64(y.Rows); math.Abs(mean) > actNormTol || math.Abs(v-1) > actNormTol {
			t.Errorf("dim %d after ActNorm: mean %.3g, variance %.6g", j, mean, v)
		}
	}
	// A second Forward leaves the initialisation alone.
	before := append([]float32(nil), f.norms[0].shift.Value.Data...)
	f.Forward(randMat(500, cfg.Dim, 0, 1, rng), ctx)
	for j, v := range f.norms[0].shift.Value.Data {
		if v != before[j] {
			t.Fatalf("second Forward changed the ActNorm shift")
		}
	}
}

// TestSample checks SampleBatch's layout against per-context Sample, and
// its shared-context arithmetic against Inverse with one context per row.
func TestSample(t *testing.T) {
	t.Parallel()
	const n, tol = 10, 1e-5
	cfg := testConfig()
	f := randomFlow(t, cfg, 12)
	ctx := randMat(3, cfg.ContextDim, 0, 1, rand.New(rand.NewPCG(13, 1)))
	all := f.SampleBatch(ctx, n, rand.New(rand.NewPCG(14, 1)))
	if all.Rows != 3*n || all.Cols != cfg.Dim {
		t.Fatalf("SampleBatch shape %dx%d, want %dx%d", all.Rows, all.Cols, 3*n, cfg.Dim)
	}
	// The first context's draws use the first n*Dim normals of the stream.
	one := f.Sample(ctx.Row(0), n, rand.New(rand.NewPCG(14, 1)))
	for i, v := range one.Data {
		if math.Abs(float64(v-all.Data[i])) > tol {
			t.Fatalf("Sample and SampleBatch disagree at %d: %v, %v", i, v, all.Data[i])
		}
	}
	// The same normals through Inverse, with each context copied per draw.
	z := randMat(3*n, cfg.Dim, 0, 1, rand.New(rand.NewPCG(14, 1)))
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

// TestUnconditional runs a flow without context through every pass.
func TestUnconditional(t *testing.T) {
	t.Parallel()
	cfg := Config{Dim: 3, Layers: 3, Hidden: 8}
	f := randomFlow(t, cfg, 15)
	theta := randMat(20, cfg.Dim, 0, 1, rand.New(rand.NewPCG(16, 1)))
	f.ForwardLoss(theta, nil)
	if dctx := f.BackwardLoss(); dctx != nil {
		t.Errorf("Backward returned a context gradient %dx%d for no context", dctx.Rows, dctx.Cols)
	}
	if s := f.Sample(nil, 7, rand.New(rand.NewPCG(17, 1))); s.Rows != 7 || s.Cols != cfg.Dim {
		t.Errorf("Sample shape %dx%d, want 7x%d", s.Rows, s.Cols, cfg.Dim)
	}
	z, _ := f.Transform(theta, nil)
	back := f.Inverse(z, nil)
	for i, v := range theta.Data {
		if math.Abs(float64(back.Data[i]-v)) > inverseTol*(1+math.Abs(float64(v))) {
			t.Fatalf("inverse off at %d: %v, want %v", i, back.Data[i], v)
		}
	}
}

// TestBackwardWithoutForward checks that a stale Backward panics.
func TestBackwardWithoutForward(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	f := randomFlow(t, cfg, 18)
	rng := rand.New(rand.NewPCG(19, 1))
	theta, ctx := randMat(4, cfg.Dim, 0, 1, rng), randMat(4, cfg.ContextDim, 0, 1, rng)
	f.Forward(theta, ctx)
	f.LogProb(theta, ctx) // overwrites the layers' caches
	defer func() {
		if recover() == nil {
			t.Error("Backward after LogProb did not panic")
		}
	}()
	f.BackwardLoss()
}
