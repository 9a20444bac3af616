package nn

import "testing"

// BenchmarkMLPStep times one training step of an 18-128-128-16 ReLU MLP at
// batch 256: forward, backward and an Adam update.
func BenchmarkMLPStep(b *testing.B) {
	b.Run(BackendName(), func(b *testing.B) {
		rng := newRNG(50)
		m := NewMLP([]int{18, 128, 128, 16}, "relu", rng)
		opt := NewAdam(m.Params(), 1e-4)
		x, dy := randMat(rng, 256, 18, 1), randMat(rng, 256, 16, 1e-2)
		for b.Loop() {
			ZeroGrads(m.Params())
			m.Forward(x)
			m.Backward(dy)
			opt.Step()
		}
	})
}

// BenchmarkLSTM times forward and backward of a 2-layer LSTM, hidden 64,
// over 150 steps of 2 channels at batch 256, returning the last state.
func BenchmarkLSTM(b *testing.B) {
	b.Run(BackendName(), func(b *testing.B) {
		const steps, batch = 150, 256
		rng := newRNG(51)
		s := NewLSTMStack(LSTMConfig{In: 2, Hidden: 64, Layers: 2, Steps: steps}, rng)
		x, dy := randMat(rng, steps*batch, 2, 1), randMat(rng, batch, 64, 1e-2)
		for b.Loop() {
			ZeroGrads(s.Params())
			s.Forward(x)
			s.Backward(dy)
		}
	})
}

// BenchmarkLSTMSubnormal shows why the LSTM flushes tiny values to zero:
// over 600 steps with only the last state in the loss, the gradients fade
// through the subnormal range, which x86 processes in slow microcode.
// "keep" turns the flush off.
func BenchmarkLSTMSubnormal(b *testing.B) {
	for _, keep := range []bool{false, true} {
		name := BackendName() + "/flush"
		if keep {
			name = BackendName() + "/keep"
		}
		b.Run(name, func(b *testing.B) {
			const steps, batch = 600, 32
			rng := newRNG(52)
			s := NewLSTMStack(LSTMConfig{In: 2, Hidden: 64, Steps: steps, KeepSubnormals: keep}, rng)
			x, dy := randMat(rng, steps*batch, 2, 1), randMat(rng, batch, 64, 1)
			for b.Loop() {
				ZeroGrads(s.Params())
				s.Forward(x)
				s.Backward(dy)
			}
		})
	}
}

// BenchmarkLSTMCell times one step's elementwise gate pass (batch 256,
// hidden 64) without the matrix products.
func BenchmarkLSTMCell(b *testing.B) {
	const batch, hidden = 256, 64
	rng := newRNG(53)
	pre := randMat(rng, batch, 4*hidden, 2).Data
	gates := make([]float32, len(pre))
	cprev := randMat(rng, batch, hidden, 1).Data
	c, tc, h := make([]float32, batch*hidden), make([]float32, batch*hidden), make([]float32, batch*hidden)
	for b.Loop() {
		copy(gates, pre)
		cellForward(gates, cprev, c, tc, h, hidden, subnormalFloor)
	}
}
