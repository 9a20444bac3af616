package flow

import (
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// coupling is a conditional affine coupling layer. The dimensions split into
// a conditioning part x_a, passed through unchanged, and a transformed part
// x_b. An MLP on concat(x_a, ctx) gives a shift t and a raw log-scale r per
// transformed dimension; with s = clamp tanh(r/clamp),
//
//	y_b = x_b exp(s) + t,   log|det| = sum s.
//
// The MLP's last layer starts at zero, so a new layer is the identity.
type coupling struct {
	cond     *conditioner
	transIdx []int // columns of x that are transformed
	clamp    float32

	// Cached by forward for backward, one entry per (row, transformed dim).
	x      *nn.Mat
	expS   []float32 // exp(s)
	dsdRaw []float32 // ds/dr = 1 - tanh(r/clamp)^2

	dout, dx *nn.Mat // reused by backward
}

// newCoupling returns a coupling layer that transforms the columns transIdx
// given the columns condIdx and a context of ctxDim values. Its parameter
// names start with name.
func newCoupling(name string, condIdx, transIdx []int, ctxDim int, cfg Config, rng *rand.Rand) *coupling {
	return &coupling{
		cond:     newConditioner(name, condIdx, ctxDim, 2*len(transIdx), cfg, rng),
		transIdx: transIdx,
		clamp:    float32(cfg.ClampLogScale),
	}
}

func (c *coupling) forward(x, ctx *nn.Mat, logdet []float32) *nn.Mat {
	out := c.cond.forward(x, ctx)
	n, d, dt := x.Rows, x.Cols, len(c.transIdx)
	c.x = x
	c.expS = resize(c.expS, n*dt)
	c.dsdRaw = resize(c.dsdRaw, n*dt)
	y := x.Clone()
	forRows(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := out.Data[i*2*dt : (i+1)*2*dt]
			xr, yr := x.Data[i*d:(i+1)*d], y.Data[i*d:(i+1)*d]
			var ld float32
			for k, j := range c.transIdx {
				th := float32(math.Tanh(float64(o[dt+k] / c.clamp)))
				s := c.clamp * th
				e := float32(math.Exp(float64(s)))
				yr[j] = xr[j]*e + o[k]
				ld += s
				c.expS[i*dt+k] = e
				c.dsdRaw[i*dt+k] = 1 - th*th
			}
			logdet[i] += ld
		}
	})
	return y
}

// rowBlock is the number of rows per part when a per-row pass of a layer
// is split over idle cores (1,000 posterior draws make 4 parts).
const rowBlock = 256

// forRows calls f on blocks [lo, hi) of rowBlock rows covering [0, n),
// concurrently on idle cores (nn.Parallel) when there are several. Each
// row is computed alike whichever block and goroutine has it.
func forRows(n int, f func(lo, hi int)) {
	if n <= rowBlock {
		f(0, n)
		return
	}
	nn.Parallel((n+rowBlock-1)/rowBlock, func(b int) { f(b*rowBlock, min((b+1)*rowBlock, n)) })
}

func (c *coupling) backward(dy *nn.Mat, dlogdet []float32, dctx *nn.Mat) *nn.Mat {
	n, d, dt := dy.Rows, dy.Cols, len(c.transIdx)
	c.dout = reuseMat(c.dout, n, 2*dt)
	c.dx = reuseMat(c.dx, n, d)
	dout, dx := c.dout, c.dx
	copy(dx.Data, dy.Data)
	for i := range n {
		g := dout.Data[i*2*dt : (i+1)*2*dt]
		xr, gr, dxr := c.x.Data[i*d:(i+1)*d], dy.Data[i*d:(i+1)*d], dx.Data[i*d:(i+1)*d]
		for k, j := range c.transIdx {
			e := c.expS[i*dt+k]
			g[k] = gr[j]
			ds := gr[j]*xr[j]*e + dlogdet[i]
			g[dt+k] = ds * c.dsdRaw[i*dt+k]
			dxr[j] = gr[j] * e
		}
	}
	c.cond.backward(dout, dx, dctx)
	return dx
}

func (c *coupling) inverse(y, ctx *nn.Mat, rep int) *nn.Mat {
	out := c.cond.outputs(y, ctx, rep)
	n, d, dt := y.Rows, y.Cols, len(c.transIdx)
	x := y.Clone()
	forRows(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := out.Data[i*2*dt : (i+1)*2*dt]
			yr, xr := y.Data[i*d:(i+1)*d], x.Data[i*d:(i+1)*d]
			for k, j := range c.transIdx {
				// Same exp(s) as forward, divided, so that rounding matches.
				s := c.clamp * float32(math.Tanh(float64(o[dt+k]/c.clamp)))
				xr[j] = (yr[j] - o[k]) / float32(math.Exp(float64(s)))
			}
		}
	})
	return x
}

func (c *coupling) params() []*nn.Param { return c.cond.params() }
