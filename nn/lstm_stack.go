package nn

import (
	"fmt"
	"math/rand/v2"
)

// LSTMConfig describes a stack of LSTM layers. The zero value of each
// optional field means its default.
type LSTMConfig struct {
	// In is the input width (channels per time step).
	In int
	// Hidden is the hidden width of every layer.
	Hidden int
	// Layers is the number of stacked layers; 0 means 1.
	Layers int
	// Steps is the sequence length T.
	Steps int
	// ReturnSequence makes the stack return every hidden state of the top
	// layer, (Steps*B) x Hidden, instead of the last one, B x Hidden.
	ReturnSequence bool
	// KeepSubnormals turns off the flush of tiny values (see subnormal.go).
	KeepSubnormals bool
}

// LSTMStack runs LSTM layers one above the other: each lower layer passes
// its whole hidden sequence up. Input and output layouts are time-major as
// for LSTM.
type LSTMStack struct {
	// Layers holds the layers, bottom first.
	Layers []*LSTM
}

// NewLSTMStack returns the stack that cfg describes, weights drawn from rng.
// Parameters are named "lstm<i>.Wx", "lstm<i>.Wh" and "lstm<i>.b".
func NewLSTMStack(cfg LSTMConfig, rng *rand.Rand) *LSTMStack {
	n := max(cfg.Layers, 1)
	s := &LSTMStack{}
	in := cfg.In
	for i := range n {
		l := NewLSTM(in, cfg.Hidden, cfg.Steps, rng)
		l.ReturnSequence = i < n-1 || cfg.ReturnSequence
		l.KeepSubnormals = cfg.KeepSubnormals
		for _, p := range l.Params() {
			p.Name = fmt.Sprintf("lstm%d.%s", i, p.Name[len("lstm."):])
		}
		s.Layers = append(s.Layers, l)
		in = cfg.Hidden
	}
	return s
}

// Forward runs the layers bottom to top.
func (s *LSTMStack) Forward(x *Mat) *Mat {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// Backward runs the layers' backward passes top to bottom.
func (s *LSTMStack) Backward(dy *Mat) *Mat {
	for i := len(s.Layers) - 1; i >= 0; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	return dy
}

// Params returns the layers' parameters, bottom layer first.
func (s *LSTMStack) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}
