package flow

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/nn"
)

// actNormVarFloor keeps the data-dependent initialisation finite for a
// dimension that is constant in the first batch.
const actNormVarFloor = 1e-6

// actNorm is a per-dimension affine map y = x exp(logScale) + shift with
// log|det| = sum logScale. Its parameters start at the identity and are set
// from the first training batch so that y has zero mean and unit variance.
type actNorm struct {
	logScale, shift *nn.Param // 1 x D
	initialized     bool

	x     *nn.Mat // cached input
	y, dx *nn.Mat // reused outputs of forward and backward
}

func newActNorm(name string, dim int) *actNorm {
	return &actNorm{
		logScale: nn.NewParam(name+".log_scale", 1, dim),
		shift:    nn.NewParam(name+".shift", 1, dim),
	}
}

// initFrom sets the parameters so that the batch x maps to zero mean and unit
// variance per dimension, and marks the layer initialised.
func (a *actNorm) initFrom(x *nn.Mat) {
	n, d := x.Rows, x.Cols
	for j := range d {
		var mean, m2 float64
		for i := range n {
			v := float64(x.Data[i*d+j])
			delta := v - mean
			mean += delta / float64(i+1)
			m2 += delta * (v - mean)
		}
		variance := m2 / float64(max(n, 1))
		ls := -0.5 * math.Log(variance+actNormVarFloor)
		a.logScale.Value.Data[j] = float32(ls)
		a.shift.Value.Data[j] = float32(-mean * math.Exp(ls))
	}
	a.initialized = true
}

func (a *actNorm) forward(x, _ *nn.Mat, logdet []float32) *nn.Mat {
	d := x.Cols
	if d != a.logScale.Value.Cols {
		panic(fmt.Sprintf("flow: actnorm input has %d columns, want %d", d, a.logScale.Value.Cols))
	}
	a.x = x
	ls, b := a.logScale.Value.Data, a.shift.Value.Data
	scale := expAll(ls)
	var sum float32
	for _, v := range ls {
		sum += v
	}
	a.y = reuseMat(a.y, x.Rows, d)
	y := a.y
	for i := range x.Rows {
		xr, yr := x.Data[i*d:(i+1)*d], y.Data[i*d:(i+1)*d]
		for j := range d {
			yr[j] = xr[j]*scale[j] + b[j]
		}
		logdet[i] += sum
	}
	return y
}

func (a *actNorm) backward(dy *nn.Mat, dlogdet []float32, _ *nn.Mat) *nn.Mat {
	d := dy.Cols
	scale := expAll(a.logScale.Value.Data)
	gls, gb := a.logScale.Grad.Data, a.shift.Grad.Data
	var dsum float32
	for _, g := range dlogdet {
		dsum += g
	}
	a.dx = reuseMat(a.dx, dy.Rows, d)
	dx := a.dx
	for i := range dy.Rows {
		xr := a.x.Data[i*d : (i+1)*d]
		gr, dxr := dy.Data[i*d:(i+1)*d], dx.Data[i*d:(i+1)*d]
		for j := range d {
			g := gr[j] * scale[j]
			dxr[j] = g
			gls[j] += g * xr[j]
			gb[j] += gr[j]
		}
	}
	for j := range d {
		gls[j] += dsum
	}
	return dx
}

func (a *actNorm) inverse(y, _ *nn.Mat, _ int) *nn.Mat {
	d := y.Cols
	b := a.shift.Value.Data
	inv := make([]float32, d)
	for j, v := range a.logScale.Value.Data {
		inv[j] = float32(math.Exp(-float64(v)))
	}
	x := nn.NewMat(y.Rows, d)
	for i := range y.Rows {
		yr, xr := y.Data[i*d:(i+1)*d], x.Data[i*d:(i+1)*d]
		for j := range d {
			xr[j] = (yr[j] - b[j]) * inv[j]
		}
	}
	return x
}

func (a *actNorm) params() []*nn.Param { return []*nn.Param{a.logScale, a.shift} }

// expAll returns exp(v) elementwise.
func expAll(v []float32) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(math.Exp(float64(x)))
	}
	return out
}
