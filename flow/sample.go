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
// When ContextDim is 0, ctx may be nil, meaning one empty context. More
// than sampleChunk draws per context run in pieces on the idle cores; the
// result is the same bytes on any number of cores.
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
	return f.inverseInPieces(z, ctx, n)
}

// sampleChunk is the most draws of one context that SampleBatch takes
// through the flow at once. Every row is computed alike whatever the
// piece it is in (the coupling layers work row by row and laa's matrix
// kernel gives the same bits for any row split; OpenBLAS may round
// differently), so the size changes speed, not results: 1,000 draws as one piece pass their 1000 x 128
// activations (half a megabyte each) through the cache at every layer,
// in pieces of at most 256 they stay in it (measured in BENCHMARKS.md,
// issue 13).
const sampleChunk = 256

// inverseInPieces is inverse(z, ctx, rep) over each context's rep rows in
// pieces of at most sampleChunk rows, written back into z. Pieces are of
// nearly equal size, so none has a single row when rep > 1 (one row
// would take the conditioner's unrepeated path, rounded differently).
// The pieces are fixed by rep alone and run concurrently on idle cores
// (nn.Parallel), each on a worker of its own (f or a twin, twin.go) that
// computes it exactly as f would: the bits do not depend on the number
// of cores.
func (f *Flow) inverseInPieces(z, ctx *nn.Mat, rep int) *nn.Mat {
	if rep <= sampleChunk {
		return f.inverse(z, ctx, rep)
	}
	f.cached = false
	d := z.Cols
	pieces := (rep + sampleChunk - 1) / sampleChunk
	m := z.Rows / rep
	nn.Parallel(m*pieces, func(k int) {
		i, p := k/pieces, k%pieces
		var c *nn.Mat
		if ctx != nil {
			c = &nn.Mat{Rows: 1, Cols: ctx.Cols, Data: ctx.Row(i)}
		}
		lo, hi := i*rep+p*rep/pieces, i*rep+(p+1)*rep/pieces
		part := &nn.Mat{Rows: hi - lo, Cols: d, Data: z.Data[lo*d : hi*d]}
		w := f.getWorker()
		copy(part.Data, w.inverse(part, c, hi-lo).Data)
		f.putWorker(w)
	})
	return z
}
