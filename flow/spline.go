package flow

import (
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// splineCoupling is a conditional rational-quadratic spline coupling layer
// (Durkan, Bekasov, Murray and Papamakarios 2019, "Neural Spline Flows").
// As in the affine coupling, the conditioning part x_a passes through
// unchanged and an MLP on concat(x_a, ctx) parametrises the transform of
// x_b; here each transformed dimension gets its own monotone spline on
// [-B, B] with K bins (3K-1 conditioner outputs), the identity outside,
// and log|det| is the sum of the splines' log-derivatives. The MLP's last
// layer starts at zero, which makes every spline the identity.
type splineCoupling struct {
	cond     *conditioner
	transIdx []int // columns of x that are transformed
	spl      *rqSpline

	// Cached by forward for backward.
	x   *nn.Mat
	raw *nn.Mat // the conditioner's outputs
}

// newSplineCoupling returns a spline coupling layer that transforms the
// columns transIdx given the columns condIdx and a context of ctxDim values.
// Its parameter names start with name.
func newSplineCoupling(name string, condIdx, transIdx []int, ctxDim int, cfg Config, rng *rand.Rand) *splineCoupling {
	spl := newRQSpline(cfg.Bins, cfg.Bound)
	return &splineCoupling{
		cond:     newConditioner(name, condIdx, ctxDim, spl.rawLen()*len(transIdx), cfg, rng),
		transIdx: transIdx,
		spl:      spl,
	}
}

func (c *splineCoupling) forward(x, ctx *nn.Mat, logdet []float32) *nn.Mat {
	out := c.cond.forward(x, ctx)
	c.x, c.raw = x, out
	n, d, r := x.Rows, x.Cols, c.spl.rawLen()
	y := x.Clone()
	for i := range n {
		o := out.Data[i*r*len(c.transIdx):]
		xr, yr := x.Data[i*d:(i+1)*d], y.Data[i*d:(i+1)*d]
		var ld float64
		for k, j := range c.transIdx {
			if c.spl.outside(float64(xr[j])) {
				continue // the identity: y = x, log-derivative 0
			}
			c.spl.set(o[k*r : (k+1)*r])
			v, lj := c.spl.forward(float64(xr[j]))
			yr[j] = float32(v)
			ld += lj
		}
		logdet[i] += float32(ld)
	}
	return y
}

func (c *splineCoupling) backward(dy *nn.Mat, dlogdet []float32, dctx *nn.Mat) *nn.Mat {
	n, d, r, dt := dy.Rows, dy.Cols, c.spl.rawLen(), len(c.transIdx)
	dout := nn.NewMat(n, r*dt)
	dx := dy.Clone()
	for i := range n {
		o, g := c.raw.Data[i*r*dt:(i+1)*r*dt], dout.Data[i*r*dt:(i+1)*r*dt]
		xr, gr, dxr := c.x.Data[i*d:(i+1)*d], dy.Data[i*d:(i+1)*d], dx.Data[i*d:(i+1)*d]
		for k, j := range c.transIdx {
			if c.spl.outside(float64(xr[j])) {
				continue // dx = dy, and no gradient for the spline
			}
			c.spl.set(o[k*r : (k+1)*r])
			gx := c.spl.grad(float64(xr[j]), float64(gr[j]), float64(dlogdet[i]), g[k*r:(k+1)*r])
			dxr[j] = float32(gx)
		}
	}
	c.cond.backward(dout, dx, dctx)
	return dx
}

func (c *splineCoupling) inverse(y, ctx *nn.Mat, rep int) *nn.Mat {
	out := c.cond.outputs(y, ctx, rep)
	n, d, r := y.Rows, y.Cols, c.spl.rawLen()
	x := y.Clone()
	for i := range n {
		o := out.Data[i*r*len(c.transIdx):]
		yr, xr := y.Data[i*d:(i+1)*d], x.Data[i*d:(i+1)*d]
		for k, j := range c.transIdx {
			if c.spl.outside(float64(yr[j])) {
				continue
			}
			c.spl.set(o[k*r : (k+1)*r])
			xr[j] = float32(c.spl.inverse(float64(yr[j])))
		}
	}
	return x
}

func (c *splineCoupling) params() []*nn.Param { return c.cond.params() }
