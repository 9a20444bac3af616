package flow

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// conditioner is the MLP of a coupling layer: it reads the unchanged
// columns condIdx of x and the context, concat(x_a, ctx), and returns the
// coupling's raw parameters. Its last layer starts at zero, so a new
// conditioner returns zeros.
type conditioner struct {
	net       *nn.MLP
	condIdx   []int // columns of x that feed the conditioner
	ctxDim    int
	scratchIn *nn.Mat // reused conditioner input
	scratchH  *nn.Mat // reused first hidden layer of repeated
}

// newConditioner returns a conditioner with out outputs whose parameter
// names start with name ("<name>.dense0.W", ...).
func newConditioner(name string, condIdx []int, ctxDim, out int, cfg Config, rng *rand.Rand) *conditioner {
	sizes := []int{len(condIdx) + ctxDim}
	for range cfg.HiddenLayers {
		sizes = append(sizes, cfg.Hidden)
	}
	sizes = append(sizes, out)
	net := nn.NewMLP(sizes, cfg.Activation, rng)
	net.ZeroLast()
	for _, p := range net.Params() {
		p.Name = name + "." + p.Name
	}
	return &conditioner{net: net, condIdx: condIdx, ctxDim: ctxDim}
}

// input returns concat(x[:, condIdx], ctx), reusing a buffer.
func (c *conditioner) input(x, ctx *nn.Mat) *nn.Mat {
	n, hc := x.Rows, len(c.condIdx)
	w := hc + c.ctxDim
	if c.ctxDim > 0 && (ctx == nil || ctx.Rows != n || ctx.Cols != c.ctxDim) {
		panic(fmt.Sprintf("flow: context shape does not match %d rows x %d values", n, c.ctxDim))
	}
	c.scratchIn = reuseMat(c.scratchIn, n, w)
	in := c.scratchIn
	d := x.Cols
	for i := range n {
		row := in.Data[i*w : (i+1)*w]
		xr := x.Data[i*d : (i+1)*d]
		for k, j := range c.condIdx {
			row[k] = xr[j]
		}
		if c.ctxDim > 0 {
			copy(row[hc:], ctx.Data[i*c.ctxDim:(i+1)*c.ctxDim])
		}
	}
	return in
}

// forward returns the conditioner's output for the rows of x and caches
// what backward needs. The result is the network's buffer, valid until the
// next pass.
func (c *conditioner) forward(x, ctx *nn.Mat) *nn.Mat { return c.net.Forward(c.input(x, ctx)) }

// outputs returns the conditioner's output when row i of x has context row
// i/rep of ctx. With rep 1 it is forward's exact arithmetic, so that an
// inverse undoes a forward to rounding.
func (c *conditioner) outputs(x, ctx *nn.Mat, rep int) *nn.Mat {
	if rep == 1 {
		return c.forward(x, ctx)
	}
	return c.repeated(x, ctx, rep)
}

// backward takes dL/d(output) for the last forward, accumulates the
// network's parameter gradients, adds dL/dx_a into the columns condIdx of dx
// and dL/dctx into dctx (when not nil).
func (c *conditioner) backward(dout, dx, dctx *nn.Mat) {
	din := c.net.Backward(dout)
	n, d := dx.Rows, dx.Cols
	hc, w := len(c.condIdx), len(c.condIdx)+c.ctxDim
	for i := range n {
		row := din.Data[i*w : (i+1)*w]
		for k, j := range c.condIdx {
			dx.Data[i*d+j] += row[k]
		}
		if dctx != nil && c.ctxDim > 0 {
			dc := dctx.Data[i*c.ctxDim : (i+1)*c.ctxDim]
			for k, v := range row[hc:] {
				dc[k] += v
			}
		}
	}
}

// repeated returns the conditioner's output for the rows of x when row i
// has context row i/rep of ctx. It splits the first layer's product,
// concat(x_a, c) W = x_a W_a + c W_c, and computes c W_c once per context,
// which saves most of the first layer when many draws share a context.
func (c *conditioner) repeated(x, ctx *nn.Mat, rep int) *nn.Mat {
	first := c.net.Layers[0].(*nn.Dense)
	w, hc, n := first.W.Value, len(c.condIdx), x.Rows
	width := w.Cols
	m := n / rep
	if n != m*rep || c.ctxDim > 0 && (ctx == nil || ctx.Rows != m || ctx.Cols != c.ctxDim) {
		panic(fmt.Sprintf("flow: %d rows do not match %d contexts of %d values, %d draws each", n, m, c.ctxDim, rep))
	}
	pre := nn.NewMat(m, width) // c W_c + b per context
	for i := range m {
		copy(pre.Row(i), first.B.Value.Data)
	}
	if c.ctxDim > 0 {
		wc := &nn.Mat{Rows: c.ctxDim, Cols: width, Data: w.Data[hc*width:]}
		nn.Gemm(false, false, 1, ctx, wc, 1, pre)
	}
	c.scratchH = reuseMat(c.scratchH, n, width)
	h := c.scratchH
	for i := range n {
		copy(h.Row(i), pre.Row(i/rep))
	}
	xa := nn.NewMat(n, hc)
	for i := range n {
		for k, j := range c.condIdx {
			xa.Data[i*hc+k] = x.Data[i*x.Cols+j]
		}
	}
	wa := &nn.Mat{Rows: hc, Cols: width, Data: w.Data[:hc*width]}
	nn.Gemm(false, false, 1, xa, wa, 1, h)
	for _, l := range c.net.Layers[1:] {
		h = l.Forward(h)
	}
	return h
}

func (c *conditioner) params() []*nn.Param { return c.net.Params() }

// reuseMat returns m reshaped to rows x cols, reallocating only when its
// storage is too small. The contents are undefined.
func reuseMat(m *nn.Mat, rows, cols int) *nn.Mat {
	if m == nil || cap(m.Data) < rows*cols {
		return nn.NewMat(rows, cols)
	}
	m.Rows, m.Cols, m.Data = rows, cols, m.Data[:rows*cols]
	return m
}

// resize returns s with length n, reallocating only when it is too short.
func resize(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
