package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Init selects how a layer draws its initial weights.
type Init int

const (
	// Xavier (Glorot) draws weights from U(-a, a), a = sqrt(6/(in+out)),
	// keeping the variance of activations roughly constant for tanh-like
	// units.
	Xavier Init = iota
	// He draws weights from Normal(0, 2/in), suited to ReLU units.
	He
)

// Dense is the affine layer y = x W + b, with W of shape in x out and b of
// shape 1 x out.
//
// The matrices returned by Forward and Backward belong to the layer and are
// overwritten by its next call; Forward keeps a reference to x for Backward.
type Dense struct {
	W, B *Param

	x, y, dx *Mat
}

// NewDense returns an in -> out layer with weights drawn as init says from
// rng and zero biases.
func NewDense(in, out int, init Init, rng *rand.Rand) *Dense {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: dense size %d -> %d", in, out))
	}
	d := &Dense{W: NewParam("W", in, out), B: NewParam("b", 1, out)}
	w := d.W.Value.Data
	switch init {
	case Xavier:
		a := math.Sqrt(6 / float64(in+out))
		for i := range w {
			w[i] = float32(a * (2*rng.Float64() - 1))
		}
	case He:
		s := math.Sqrt(2 / float64(in))
		for i := range w {
			w[i] = float32(s * rng.NormFloat64())
		}
	default:
		panic(fmt.Sprintf("nn: unknown init %d", init))
	}
	return d
}

// In returns the input width.
func (d *Dense) In() int { return d.W.Value.Rows }

// Out returns the output width.
func (d *Dense) Out() int { return d.W.Value.Cols }

// Forward returns x W + b for x of shape batch x In.
func (d *Dense) Forward(x *Mat) *Mat {
	if x.Cols != d.In() {
		panic(fmt.Sprintf("nn: dense input has %d columns, want %d", x.Cols, d.In()))
	}
	d.x = x
	d.y = reuse(d.y, x.Rows, d.Out())
	b := d.B.Value.Data
	for i := range x.Rows {
		copy(d.y.Row(i), b)
	}
	Gemm(false, false, 1, x, d.W.Value, 1, d.y)
	return d.y
}

// Backward accumulates dW += xᵀ dy and db += column sums of dy and returns
// dx = dy Wᵀ.
func (d *Dense) Backward(dy *Mat) *Mat {
	sameShape("dense backward", dy, d.y)
	Gemm(true, false, 1, d.x, dy, 1, d.W.Grad)
	addColSums(d.B.Grad.Data, dy)
	d.dx = reuse(d.dx, dy.Rows, d.In())
	Gemm(false, true, 1, dy, d.W.Value, 0, d.dx)
	return d.dx
}

// Params returns W and b.
func (d *Dense) Params() []*Param { return []*Param{d.W, d.B} }

// addColSums adds the column sums of m to dst.
func addColSums(dst []float32, m *Mat) {
	for i := range m.Rows {
		addTo(dst, m.Row(i))
	}
}
