package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Conv1DConfig is the shape of a Conv1D layer.
type Conv1DConfig struct {
	In, Out  int // input and output channels
	Kernel   int // taps per channel
	Stride   int // output step in input steps (0 means 1)
	Dilation int // spacing of the taps in input steps (0 means 1)
	Steps    int // input sequence length
	// Valid drops every output whose taps do not all fall inside the
	// sequence. Otherwise ("same" padding, as in TensorFlow) the sequence is
	// zero-padded so that there are ceil(Steps/Stride) outputs, the padding
	// split evenly with the odd step on the right.
	Valid bool
	// ReLU applies max(·, 0) to the output inside the layer, one pass over
	// the activations fewer than a separate ReLU layer.
	ReLU bool
}

// Conv1D is a one-dimensional convolution (cross-correlation, as in every
// deep-learning library) over a batch of multichannel sequences in the
// batch-major layout of the package doc: row b of the input holds
// x_b(t, c) at t*In+c, and row b of the output holds y_b(u, o) at
// u*Out+o, with
//
//	y_b(u, o) = bias(o) + Σ_k Σ_c W(k*In+c, o) x_b(u*Stride + k*Dilation - padLeft, c)
//
// and x taken as 0 outside [0, Steps). It runs as im2col, one row of Kernel
// taps per output step of every example, and one matrix product with W
// (Kernel*In x Out) through the default backend.
type Conv1D struct {
	Conv1DConfig
	W, B *Param
	// NoInputGrad skips dLoss/dInput in Backward, which then returns nil:
	// for a first layer whose input is data it saves a third of the
	// backward pass.
	NoInputGrad bool

	outSteps, padLeft int
	x, col, y, dcol   *Mat
	dx, dyr           *Mat // dyr: dy masked by the ReLU
	yv, dyv           Mat  // (B*OutSteps) x Out views of y and dy
}

// NewConv1D returns the layer with He-initialized weights (for a ReLU
// after it; fan-in Kernel*In) drawn from rng and zero biases, its
// parameters named prefix+"W" and prefix+"b". It panics on sizes that are
// not positive or a Valid kernel longer than the sequence: programmer
// errors.
func NewConv1D(cfg Conv1DConfig, prefix string, rng *rand.Rand) *Conv1D {
	if cfg.Stride == 0 {
		cfg.Stride = 1
	}
	if cfg.Dilation == 0 {
		cfg.Dilation = 1
	}
	if cfg.In <= 0 || cfg.Out <= 0 || cfg.Kernel <= 0 || cfg.Stride < 0 || cfg.Dilation < 0 || cfg.Steps <= 0 {
		panic(fmt.Sprintf("nn: Conv1D sizes %+v", cfg))
	}
	span := cfg.Dilation*(cfg.Kernel-1) + 1 // input steps one output sees
	c := &Conv1D{Conv1DConfig: cfg, W: NewParam(prefix+"W", cfg.Kernel*cfg.In, cfg.Out), B: NewParam(prefix+"b", 1, cfg.Out)}
	if cfg.Valid {
		if span > cfg.Steps {
			panic(fmt.Sprintf("nn: Conv1D kernel spans %d steps, the sequence has %d", span, cfg.Steps))
		}
		c.outSteps = (cfg.Steps-span)/cfg.Stride + 1
	} else {
		c.outSteps = (cfg.Steps + cfg.Stride - 1) / cfg.Stride
		c.padLeft = max((c.outSteps-1)*cfg.Stride+span-cfg.Steps, 0) / 2
	}
	s := math.Sqrt(2 / float64(cfg.Kernel*cfg.In))
	for i := range c.W.Value.Data {
		c.W.Value.Data[i] = float32(s * rng.NormFloat64())
	}
	return c
}

// OutSteps returns the output sequence length.
func (c *Conv1D) OutSteps() int { return c.outSteps }

// Forward returns the convolution of x, a B x (Steps*In) batch, as a
// B x (OutSteps*Out) batch.
func (c *Conv1D) Forward(x *Mat) *Mat {
	if x.Cols != c.Steps*c.In {
		panic(fmt.Sprintf("nn: Conv1D input has %d columns, want %d steps x %d channels", x.Cols, c.Steps, c.In))
	}
	B, U, K, C := x.Rows, c.outSteps, c.Kernel, c.In
	c.x = x
	c.col = reuse(c.col, B*U, K*C)
	for b := range B {
		row := x.Row(b)
		for u := range U {
			dst := c.col.Row(b*U + u)
			t := u*c.Stride - c.padLeft
			if c.Dilation == 1 && t >= 0 && t+K <= c.Steps { // the taps are one contiguous run
				copy(dst, row[t*C:(t+K)*C])
				continue
			}
			for k := range K {
				seg := dst[k*C : (k+1)*C]
				if t >= 0 && t < c.Steps {
					copy(seg, row[t*C:(t+1)*C])
				} else {
					clear(seg)
				}
				t += c.Dilation
			}
		}
	}
	c.y = reuse(c.y, B, U*c.Out)
	c.yv = Mat{Rows: B * U, Cols: c.Out, Data: c.y.Data}
	// The product, then bias and ReLU in one pass: with at most 256 taps
	// (one k-block of Asm) this gives the bits of a product accumulated
	// onto the bias, fl(Σ + b), without writing the bias into every row
	// first.
	Gemm(false, false, 1, c.col, c.W.Value, 0, &c.yv)
	addBiasRows(c.y.Data, c.B.Value.Data, c.ReLU)
	return c.y
}

// Backward accumulates dW += colᵀ dy and db += Σ dy over examples and
// output steps (dy masked where a fused ReLU output is 0), and returns dx (nil with NoInputGrad), the transpose of
// im2col applied to dy Wᵀ.
func (c *Conv1D) Backward(dy *Mat) *Mat {
	sameShape("Conv1D backward", dy, c.y)
	B, U, K, C := dy.Rows, c.outSteps, c.Kernel, c.In
	if c.ReLU {
		c.dyr = reuse(c.dyr, dy.Rows, dy.Cols)
		// y >= 0 (or NaN), and its bits are 0 exactly where the ReLU cut
		// (max(-0, 0) is +0).
		keepPositive(c.dyr.Data, dy.Data, c.y.Data)
		dy = c.dyr
	}
	c.dyv = Mat{Rows: B * U, Cols: c.Out, Data: dy.Data}
	Gemm(true, false, 1, c.col, &c.dyv, 1, c.W.Grad)
	addColSums(c.B.Grad.Data, &c.dyv)
	if c.NoInputGrad {
		return nil
	}
	c.dcol = reuse(c.dcol, B*U, K*C)
	Gemm(false, true, 1, &c.dyv, c.W.Value, 0, c.dcol)
	c.dx = reuse(c.dx, B, c.Steps*C)
	c.dx.Zero()
	for b := range B {
		row := c.dx.Row(b)
		for u := range U {
			src := c.dcol.Row(b*U + u)
			t := u*c.Stride - c.padLeft
			if c.Dilation == 1 && t >= 0 && t+K <= c.Steps {
				addTo(row[t*C:(t+K)*C], src)
				continue
			}
			for k := range K {
				if t >= 0 && t < c.Steps {
					addTo(row[t*C:(t+1)*C], src[k*C:(k+1)*C])
				}
				t += c.Dilation
			}
		}
	}
	return c.dx
}

// Params returns W and b.
func (c *Conv1D) Params() []*Param { return []*Param{c.W, c.B} }
