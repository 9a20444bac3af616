package nn

import "testing"

// BenchmarkConvStack times forward and backward of the convolutional part
// of npe's default cnn summary at batch 128 (one of two replicas of a 256
// batch): 150 steps of 2 channels (a 600-sample trace averaged in fours),
// four convolutions of kernel 3 and stride 2 with 16, 32, 32 and 32
// channels and fused ReLU, the first without an input gradient.
func BenchmarkConvStack(b *testing.B) {
	const batch, steps = 128, 150
	rng := newRNG(54)
	var layers []Layer
	in, T := 2, steps
	for i, c := range []int{16, 32, 32, 32} {
		conv := NewConv1D(Conv1DConfig{In: in, Out: c, Kernel: 3, Stride: 2, Steps: T, ReLU: true}, "", rng)
		conv.NoInputGrad = i == 0
		layers = append(layers, conv)
		in, T = c, conv.OutSteps()
	}
	s := &MLP{Layers: layers}
	x, dy := randMat(rng, batch, steps*2, 1), randMat(rng, batch, T*in, 1e-2)
	for b.Loop() {
		ZeroGrads(s.Params())
		s.Forward(x)
		s.Backward(dy)
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "samples/s")
}
