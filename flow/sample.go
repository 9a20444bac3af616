package flow

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// Transform maps each row of theta to the base variable z under its context
// and returns z with log|det dz/dtheta| per row. It is the evaluation form of
// the forward map: it never initialises ActNorm and invalidates a pending
// Backward.
func (f *Flow) Transform(theta, ctx *nn.Mat) (z *nn.Mat, logdet []float32) {
	f.checkShapes(theta, ctx)
	f.cached = false
	logdet = make([]float32, theta.Rows)
	z = theta
	for _, s := range f.steps {
		z = s.forward(z, ctx, logdet)
	}
	return z, logdet
}

// Inverse maps each row of z back to theta under its context (the inverse
// of Transform). It invalidates a pending Backward.
func (f *Flow) Inverse(z, ctx *nn.Mat) *nn.Mat {
	f.checkShapes(z, ctx)
	return f.inverse(z, ctx, 1)
}

// inverse maps z back to theta when row i has context row i/rep of ctx.
func (f *Flow) inverse(z, ctx *nn.Mat, rep int) *nn.Mat {
	f.cached = false
	x := z
	for k := len(f.steps) - 1; k >= 0; k-- {
		x = f.steps[k].inverse(x, ctx, rep)
	}
	return x
}

// Sample draws n values of theta from q(theta | ctx) for one context (of
// ContextDim values; nil when ContextDim is 0) and returns them as an n x Dim
// matrix. The draws run as one batch.
func (f *Flow) Sample(ctx []float32, n int, rng *rand.Rand) *nn.Mat {
	if len(ctx) != f.cfg.ContextDim {
		panic(fmt.Sprintf("flow: context has %d values, want %d", len(ctx), f.cfg.ContextDim))
	}
	c := &nn.Mat{Rows: 1, Cols: len(ctx), Data: ctx}
	return f.SampleBatch(c, n, rng)
}

// SampleBatch draws n values of theta for each row of ctx and returns them
// as a (ctx.Rows*n) x Dim matrix: rows i*n to (i+1)*n-1 belong to context i.
// When ContextDim is 0, ctx may be nil, meaning one empty context.
func (f *Flow) SampleBatch(ctx *nn.Mat, n int, rng *rand.Rand) *nn.Mat {
	if n < 0 {
		panic(fmt.Sprintf("flow: %d draws", n))
	}
	m := 1
	if ctx != nil {
		m = ctx.Rows
	}
	if ctx != nil && ctx.Cols != f.cfg.ContextDim {
		panic(fmt.Sprintf("flow: context has %d columns, want %d", ctx.Cols, f.cfg.ContextDim))
	}
	z := nn.NewMat(m*n, f.cfg.Dim)
	for i := range z.Data {
		z.Data[i] = float32(rng.NormFloat64())
	}
	if n == 0 {
		return z
	}
	if f.cfg.ContextDim == 0 {
		ctx = nil
	}
	return f.inverse(z, ctx, n)
}
