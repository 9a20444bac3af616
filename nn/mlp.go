package nn

import (
	"fmt"
	"math/rand/v2"
)

// MLP is a multilayer perceptron: Dense layers with an activation between
// them and a linear output.
type MLP struct {
	// Layers holds the Dense and activation layers in order.
	Layers []Layer

	dense []*Dense
}

// NewMLP returns an MLP with layer widths sizes (input first, output last;
// at least two), the activation act ("relu", "tanh" or "softplus") after
// every hidden layer, and weights drawn from rng: He init before ReLU,
// Xavier otherwise and for the output layer. Parameters are named
// "dense<i>.W" and "dense<i>.b". It panics on fewer than two sizes or an
// unknown activation, both programmer errors.
func NewMLP(sizes []int, act string, rng *rand.Rand) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: MLP needs at least 2 sizes, got %v", sizes))
	}
	if _, err := NewActivation(act); err != nil {
		panic(err)
	}
	m := &MLP{}
	for i := range len(sizes) - 1 {
		last := i == len(sizes)-2
		init := Xavier
		if act == "relu" && !last {
			init = He
		}
		d := NewDense(sizes[i], sizes[i+1], init, rng)
		d.W.Name = fmt.Sprintf("dense%d.W", i)
		d.B.Name = fmt.Sprintf("dense%d.b", i)
		m.dense = append(m.dense, d)
		m.Layers = append(m.Layers, d)
		if !last {
			a, _ := NewActivation(act)
			m.Layers = append(m.Layers, a)
		}
	}
	return m
}

// ShareWeights returns an MLP over m's parameters (the very *Param values)
// with layer buffers of its own, so that another goroutine can run forward
// passes of the same network at once. It panics on a layer type this
// package does not make (NewMLP makes Dense and NewActivation's layers).
func (m *MLP) ShareWeights() *MLP {
	t := &MLP{}
	for _, l := range m.Layers {
		var c Layer
		switch l := l.(type) {
		case *Dense:
			d := &Dense{W: l.W, B: l.B}
			t.dense = append(t.dense, d)
			c = d
		case *ReLU:
			c = &ReLU{}
		case *Tanh:
			c = &Tanh{}
		case *Softplus:
			c = &Softplus{}
		default:
			panic(fmt.Sprintf("nn: ShareWeights of a %T layer", l))
		}
		t.Layers = append(t.Layers, c)
	}
	return t
}

// ZeroLast sets the output layer's weights and biases to zero, so the MLP
// starts out returning 0 (a coupling flow then starts at the identity).
// It returns m.
func (m *MLP) ZeroLast() *MLP {
	last := m.dense[len(m.dense)-1]
	last.W.Value.Zero()
	last.B.Value.Zero()
	return m
}

// Forward runs the layers in order.
func (m *MLP) Forward(x *Mat) *Mat {
	for _, l := range m.Layers {
		x = l.Forward(x)
	}
	return x
}

// Backward runs the layers' backward passes in reverse order.
func (m *MLP) Backward(dy *Mat) *Mat {
	for i := len(m.Layers) - 1; i >= 0; i-- {
		dy = m.Layers[i].Backward(dy)
	}
	return dy
}

// Params returns every layer's parameters, input layer first.
func (m *MLP) Params() []*Param {
	var ps []*Param
	for _, l := range m.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}
