// Package flow implements the inference network of laa: a conditional
// normalizing flow q(theta | c) built from coupling layers (affine, or
// rational-quadratic splines as in Neural Spline Flows), ActNorm and fixed
// permutations over a standard normal base.
//
// The flow maps a parameter vector theta in R^D, given a context c in R^C
// (the summary network's output), to z = f(theta; c) with
//
//	log q(theta | c) = log N(z; 0, I) + log|det df/dtheta|.
//
// Training minimises -mean log q with Forward (or ForwardLoss) and Backward,
// which also returns the gradient with respect to the contexts so that a
// summary network upstream trains jointly. Sample and Inverse run the map
// backwards. A Flow holds caches between Forward and Backward and is not safe
// for concurrent use.
package flow

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// log2Pi is log(2 pi).
var log2Pi = math.Log(2 * math.Pi)

// Flow is a conditional coupling flow. The forward direction maps theta to
// the base variable z through Layers blocks of ActNorm then a coupling layer
// (affine or spline, Config.Coupling), with a fixed random permutation
// between consecutive blocks.
// Each coupling transforms the last Dim - Dim/2 dimensions given the first
// Dim/2; each permutation moves the untouched ones into the transformed
// half, so that every dimension is transformed at least every second block.
type Flow struct {
	cfg    Config
	steps  []bijector
	norms  []*actNorm
	params []*nn.Param

	// Training cache, valid from Forward until any other pass.
	cached bool
	rows   int
	z      *nn.Mat
	dz     *nn.Mat // reused by Backward

	pool twinPool // workers for SampleBatch's pieces (twin.go)
}

// New returns a flow with the given configuration, drawing permutations and
// initial weights from rng. Every coupling starts at the identity, so a new
// flow only permutes the dimensions (log|det| = 0). The result depends
// only on cfg and the state of rng, so a flow rebuilt with the same seed has
// the same permutations and can take saved parameters.
func New(cfg Config, rng *rand.Rand) (*Flow, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	f := &Flow{cfg: cfg}
	h := cfg.Dim / 2
	condIdx, transIdx := seq(0, h), seq(h, cfg.Dim)
	for l := range cfg.Layers {
		if l > 0 {
			f.steps = append(f.steps, newPermutation(cfg.Dim, h, rng))
		}
		an := newActNorm(fmt.Sprintf("block%d.actnorm", l), cfg.Dim)
		f.norms = append(f.norms, an)
		var c bijector
		if cfg.Coupling == CouplingSpline {
			c = newSplineCoupling(fmt.Sprintf("block%d.spline", l), condIdx, transIdx, cfg.ContextDim, cfg, rng)
		} else {
			c = newCoupling(fmt.Sprintf("block%d.coupling", l), condIdx, transIdx, cfg.ContextDim, cfg, rng)
		}
		f.steps = append(f.steps, an, c)
	}
	for _, s := range f.steps {
		f.params = append(f.params, s.params()...)
	}
	return f, nil
}

// Config returns the flow's configuration with defaults filled in.
func (f *Flow) Config() Config { return f.cfg }

// Params returns the trainable parameters in a fixed order (block by block:
// ActNorm log-scale and shift, then the coupling conditioner's weights and
// biases, input layer first). Names are unique, e.g. "block0.actnorm.shift",
// "block2.coupling.dense1.W" (affine) or "block2.spline.dense1.W" (spline).
func (f *Flow) Params() []*nn.Param { return f.params }

// Initialized reports whether the ActNorm layers have taken their
// data-dependent initialisation. Checkpoints save it with the parameters.
func (f *Flow) Initialized() bool { return len(f.norms) == 0 || f.norms[0].initialized }

// SetInitialized sets the ActNorm initialisation flag, as when parameters are
// restored from a checkpoint. With v false, the next Forward re-initialises
// the ActNorm layers from its batch.
func (f *Flow) SetInitialized(v bool) {
	for _, a := range f.norms {
		a.initialized = v
	}
}

// Forward computes log q(theta_i | ctx_i) for each row i and caches what
// Backward needs. On the first call (Initialized false) it initialises each
// ActNorm layer from this batch. ctx has one row per row of theta; it may be
// nil when ContextDim is 0.
func (f *Flow) Forward(theta, ctx *nn.Mat) []float32 {
	f.checkShapes(theta, ctx)
	logdet := make([]float32, theta.Rows)
	x := theta
	for _, s := range f.steps {
		if a, ok := s.(*actNorm); ok && !a.initialized {
			a.initFrom(x)
		}
		x = s.forward(x, ctx, logdet)
	}
	f.cached, f.rows, f.z = true, theta.Rows, x
	return f.baseLogProb(x, logdet)
}

// ForwardLoss runs Forward and returns the loss -mean_i log q(theta_i | ctx_i).
func (f *Flow) ForwardLoss(theta, ctx *nn.Mat) float64 {
	var sum float64
	for _, lq := range f.Forward(theta, ctx) {
		sum += float64(lq)
	}
	return -sum / float64(theta.Rows)
}

// Backward takes dLoss/dlog q for each row of the last Forward, accumulates
// every parameter's gradient and returns dLoss/dctx (nil when ContextDim is
// 0). It panics if no Forward precedes it, or if another pass (LogProb,
// Inverse, Sample) ran in between.
func (f *Flow) Backward(dlogq []float32) *nn.Mat {
	if !f.cached {
		panic("flow: Backward without a preceding Forward")
	}
	if len(dlogq) != f.rows {
		panic(fmt.Sprintf("flow: %d gradients for %d rows", len(dlogq), f.rows))
	}
	f.cached = false
	d := f.cfg.Dim
	// log q = -0.5 |z|^2 - const + logdet: dL/dz = -g z, dL/dlogdet = g.
	f.dz = reuseMat(f.dz, f.rows, d)
	dz := f.dz
	for i, g := range dlogq {
		for j := range d {
			dz.Data[i*d+j] = -g * f.z.Data[i*d+j]
		}
	}
	var dctx *nn.Mat
	if f.cfg.ContextDim > 0 {
		dctx = nn.NewMat(f.rows, f.cfg.ContextDim)
	}
	dx := dz
	for k := len(f.steps) - 1; k >= 0; k-- {
		dx = f.steps[k].backward(dx, dlogq, dctx)
	}
	return dctx
}

// BackwardLoss is Backward for the loss of ForwardLoss, -mean log q.
func (f *Flow) BackwardLoss() *nn.Mat {
	g := make([]float32, f.rows)
	for i := range g {
		g[i] = -1 / float32(f.rows)
	}
	return f.Backward(g)
}

// LogProb returns log q(theta_i | ctx_i) for each row i, for evaluation: it
// never initialises ActNorm and invalidates a pending Backward.
func (f *Flow) LogProb(theta, ctx *nn.Mat) []float32 {
	return f.baseLogProb(f.Transform(theta, ctx))
}

// baseLogProb returns log N(z_i; 0, I) + logdet_i per row.
func (f *Flow) baseLogProb(z *nn.Mat, logdet []float32) []float32 {
	d := z.Cols
	c := -0.5 * float64(d) * log2Pi
	out := logdet
	for i := range z.Rows {
		var sq float64
		for _, v := range z.Data[i*d : (i+1)*d] {
			sq += float64(v) * float64(v)
		}
		out[i] = float32(c - 0.5*sq + float64(logdet[i]))
	}
	return out
}

func (f *Flow) checkShapes(x, ctx *nn.Mat) {
	if x.Cols != f.cfg.Dim {
		panic(fmt.Sprintf("flow: input has %d columns, want %d", x.Cols, f.cfg.Dim))
	}
	if f.cfg.ContextDim > 0 && (ctx == nil || ctx.Rows != x.Rows || ctx.Cols != f.cfg.ContextDim) {
		panic(fmt.Sprintf("flow: context must be %d x %d", x.Rows, f.cfg.ContextDim))
	}
}

// seq returns [lo, lo+1, ..., hi-1].
func seq(lo, hi int) []int {
	s := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}
