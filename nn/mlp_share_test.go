package nn

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestShareWeights checks that a network sharing an MLP's weights computes
// its outputs bit for bit, follows later changes of the weights (they are
// the same values, not copies) and keeps buffers of its own.
func TestShareWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, act := range []string{"relu", "tanh", "softplus"} {
		m := NewMLP([]int{3, 8, 8, 2}, act, rng)
		x := NewMat(5, 3)
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64())
		}
		s := m.ShareWeights()
		want := m.Forward(x).Clone()
		got := s.Forward(x)
		if !slices.Equal(got.Data, want.Data) {
			t.Fatalf("%s: the twin's outputs differ", act)
		}
		if &got.Data[0] == &m.Forward(x).Data[0] {
			t.Fatalf("%s: the twin writes into the original's buffer", act)
		}
		m.Params()[0].Value.Data[0] += 1
		if !slices.Equal(s.Forward(x).Data, m.Forward(x).Data) {
			t.Fatalf("%s: the twin did not follow a change of the weights", act)
		}
		if len(s.Params()) != len(m.Params()) || s.Params()[0] != m.Params()[0] {
			t.Fatalf("%s: the twin's parameters are not the original's", act)
		}
	}
}
