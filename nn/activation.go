package nn

import "fmt"

// ReLU is max(x, 0) elementwise. Its gradient at 0 is taken as 0.
type ReLU struct{ y, dx *Mat }

// Forward returns max(x, 0).
func (a *ReLU) Forward(x *Mat) *Mat {
	a.y = reuse(a.y, x.Rows, x.Cols)
	reluParallel(a.y.Data, x.Data)
	return a.y
}

// minParallelReLU is the fewest values whose ReLU is worth splitting over
// the idle cores (1,000 posterior draws through a layer of 128 are 128,000).
const minParallelReLU = 1 << 16

// reluParallel is relu over blocks of the slices on idle cores when they
// are long; each value is computed alike wherever it runs.
func reluParallel(y, x []float32) {
	parallelFor(len(x), len(x)*minParallelWork/minParallelReLU, func(lo, hi int) { relu(y[lo:hi], x[lo:hi]) })
}

// Backward passes dy where the output was positive.
func (a *ReLU) Backward(dy *Mat) *Mat {
	sameShape("relu backward", dy, a.y)
	a.dx = reuse(a.dx, dy.Rows, dy.Cols)
	reluGrad(a.dx.Data, dy.Data, a.y.Data)
	return a.dx
}

// Params returns nil.
func (*ReLU) Params() []*Param { return nil }

// Tanh is tanh(x) elementwise.
type Tanh struct{ y, dx *Mat }

// Forward returns tanh(x).
func (a *Tanh) Forward(x *Mat) *Mat {
	a.y = reuse(a.y, x.Rows, x.Cols)
	y := a.y.Data[:len(x.Data)]
	for i, v := range x.Data {
		y[i] = tanhf(v)
	}
	return a.y
}

// Backward returns dy * (1 - y²).
func (a *Tanh) Backward(dy *Mat) *Mat {
	sameShape("tanh backward", dy, a.y)
	a.dx = reuse(a.dx, dy.Rows, dy.Cols)
	y, dx := a.y.Data[:len(dy.Data)], a.dx.Data[:len(dy.Data)]
	for i, g := range dy.Data {
		dx[i] = g * (1 - y[i]*y[i])
	}
	return a.dx
}

// Params returns nil.
func (*Tanh) Params() []*Param { return nil }

// Softplus is log(1 + e**x) elementwise, a smooth positive ReLU.
type Softplus struct{ x, y, dx *Mat }

// Forward returns log(1 + e**x).
func (a *Softplus) Forward(x *Mat) *Mat {
	a.x = x
	a.y = reuse(a.y, x.Rows, x.Cols)
	y := a.y.Data[:len(x.Data)]
	for i, v := range x.Data {
		y[i] = softplusf(v)
	}
	return a.y
}

// Backward returns dy * sigmoid(x).
func (a *Softplus) Backward(dy *Mat) *Mat {
	sameShape("softplus backward", dy, a.y)
	a.dx = reuse(a.dx, dy.Rows, dy.Cols)
	x, dx := a.x.Data[:len(dy.Data)], a.dx.Data[:len(dy.Data)]
	for i, g := range dy.Data {
		dx[i] = g * sigmoidf(x[i])
	}
	return a.dx
}

// Params returns nil.
func (*Softplus) Params() []*Param { return nil }

// NewActivation returns the activation layer called name: "relu", "tanh" or
// "softplus".
func NewActivation(name string) (Layer, error) {
	switch name {
	case "relu":
		return &ReLU{}, nil
	case "tanh":
		return &Tanh{}, nil
	case "softplus":
		return &Softplus{}, nil
	}
	return nil, fmt.Errorf("nn: unknown activation %q (want relu, tanh or softplus)", name)
}
