package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// A training loop: fit y = sin(3x) on [-1, 1] with a small MLP, Adam and a
// cosine schedule, minimizing the mean squared error.
func ExampleNewMLP() {
	rng := rand.New(rand.NewPCG(1, 2))
	const batch, steps = 64, 3000
	m := nn.NewMLP([]int{1, 32, 32, 1}, "tanh", rng)
	opt := nn.NewAdam(m.Params(), 0)
	sched := nn.Cosine{Base: 1e-2, Floor: 1e-4, Steps: steps}

	x, dy := nn.NewMat(batch, 1), nn.NewMat(batch, 1)
	var loss float64
	for step := range steps {
		for i := range batch {
			x.Data[i] = float32(2*rng.Float64() - 1)
		}
		nn.ZeroGrads(m.Params())
		y := m.Forward(x)
		loss = 0
		for i, v := range y.Data {
			r := float64(v) - math.Sin(3*float64(x.Data[i]))
			loss += r * r / batch
			dy.Data[i] = float32(2 * r / batch)
		}
		m.Backward(dy)
		nn.ClipGradNorm(m.Params(), 1)
		opt.LR = sched.LR(step)
		opt.Step()
	}
	fmt.Println("last batch loss below 1e-2:", loss < 1e-2)

	// Evaluate on a grid.
	grid := nn.NewMat(101, 1)
	for i := range grid.Rows {
		grid.Data[i] = float32(-1 + 0.02*float64(i))
	}
	var mse float64
	for i, v := range m.Forward(grid).Data {
		r := float64(v) - math.Sin(3*float64(grid.Data[i]))
		mse += r * r / float64(grid.Rows)
	}
	fmt.Println("RMS error on the grid below 0.02:", math.Sqrt(mse) < 0.02)
	// Output:
	// last batch loss below 1e-2: true
	// RMS error on the grid below 0.02: true
}

// A summary network over recordings: 600 steps of 2 channels (voltage and
// stimulus) per example, averaged in windows of 4 steps, then a 2-layer LSTM
// whose last hidden state summarizes each recording.
func ExampleNewLSTMStack() {
	rng := rand.New(rand.NewPCG(3, 4))
	const batch, steps, channels = 4, 600, 2
	traces := nn.NewMat(batch, steps*channels) // one recording per row
	for i := range traces.Data {
		traces.Data[i] = float32(rng.NormFloat64())
	}
	x, err := nn.TimeMajor(traces, steps)
	if err != nil {
		panic(err)
	}
	pool := nn.NewAvgPoolTime(4, steps)
	lstm := nn.NewLSTMStack(nn.LSTMConfig{In: channels, Hidden: 16, Layers: 2, Steps: pool.OutSteps()}, rng)

	h := lstm.Forward(pool.Forward(x))
	fmt.Printf("input %dx%d, pooled %d steps, summary %dx%d\n", x.Rows, x.Cols, pool.OutSteps(), h.Rows, h.Cols)

	dh := nn.NewMat(h.Rows, h.Cols) // dLoss/dSummary from the inference network
	dx := pool.Backward(lstm.Backward(dh))
	fmt.Printf("input gradient %dx%d\n", dx.Rows, dx.Cols)
	// Output:
	// input 2400x2, pooled 150 steps, summary 4x16
	// input gradient 2400x2
}
