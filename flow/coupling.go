package flow

import (
	"fmt"
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
	net       *nn.MLP
	condIdx   []int // columns of x that feed the conditioner
	transIdx  []int // columns of x that are transformed
	ctxDim    int
	clamp     float32
	scratchIn *nn.Mat // reused conditioner input
	scratchH  *nn.Mat // reused first hidden layer of conditionRepeated

	// Cached by forward for backward, one entry per (row, transformed dim).
	x      *nn.Mat
	expS   []float32 // exp(s)
	dsdRaw []float32 // ds/dr = 1 - tanh(r/clamp)^2
}

// newCoupling returns a coupling layer that transforms the columns transIdx
// given the columns condIdx and a context of ctxDim values. Its parameter
// names start with name.
func newCoupling(name string, condIdx, transIdx []int, ctxDim int, cfg Config, rng *rand.Rand) *coupling {
	sizes := []int{len(condIdx) + ctxDim}
	for range cfg.HiddenLayers {
		sizes = append(sizes, cfg.Hidden)
	}
	sizes = append(sizes, 2*len(transIdx))
	net := nn.NewMLP(sizes, cfg.Activation, rng)
	net.ZeroLast()
	for _, p := range net.Params() {
		p.Name = name + "." + p.Name
	}
	return &coupling{
		net:      net,
		condIdx:  condIdx,
		transIdx: transIdx,
		ctxDim:   ctxDim,
		clamp:    float32(cfg.ClampLogScale),
	}
}

// conditionerInput returns concat(x[:, condIdx], ctx), reusing a buffer.
func (c *coupling) conditionerInput(x, ctx *nn.Mat) *nn.Mat {
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

func (c *coupling) forward(x, ctx *nn.Mat, logdet []float32) *nn.Mat {
	out := c.net.Forward(c.conditionerInput(x, ctx))
	n, d, dt := x.Rows, x.Cols, len(c.transIdx)
	c.x = x
	c.expS = resize(c.expS, n*dt)
	c.dsdRaw = resize(c.dsdRaw, n*dt)
	y := x.Clone()
	for i := range n {
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
	return y
}

func (c *coupling) backward(dy *nn.Mat, dlogdet []float32, dctx *nn.Mat) *nn.Mat {
	n, d, dt := dy.Rows, dy.Cols, len(c.transIdx)
	dout := nn.NewMat(n, 2*dt)
	dx := dy.Clone()
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
	din := c.net.Backward(dout)
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
	return dx
}

func (c *coupling) inverse(y, ctx *nn.Mat, rep int) *nn.Mat {
	var out *nn.Mat
	if rep == 1 {
		// The forward pass's exact arithmetic, so that Inverse undoes
		// Transform to rounding.
		out = c.net.Forward(c.conditionerInput(y, ctx))
	} else {
		out = c.conditionRepeated(y, ctx, rep)
	}
	n, d, dt := y.Rows, y.Cols, len(c.transIdx)
	x := y.Clone()
	for i := range n {
		o := out.Data[i*2*dt : (i+1)*2*dt]
		yr, xr := y.Data[i*d:(i+1)*d], x.Data[i*d:(i+1)*d]
		for k, j := range c.transIdx {
			// Same exp(s) as forward, divided, so that rounding matches.
			s := c.clamp * float32(math.Tanh(float64(o[dt+k]/c.clamp)))
			xr[j] = (yr[j] - o[k]) / float32(math.Exp(float64(s)))
		}
	}
	return x
}

// conditionRepeated returns the conditioner's output for the rows of x when
// row i has context row i/rep of ctx. It splits the first layer's product,
// concat(x_a, c) W = x_a W_a + c W_c, and computes c W_c once per context,
// which saves most of the first layer when many draws share a context.
func (c *coupling) conditionRepeated(x, ctx *nn.Mat, rep int) *nn.Mat {
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

func (c *coupling) params() []*nn.Param { return c.net.Params() }

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
