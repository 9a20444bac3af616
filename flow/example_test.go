package flow_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/flow"
	"github.com/laa-neuro/laa/nn"
)

// A new flow is a permutation of a standard normal: log q(0 | c) is
// -D/2 log(2 pi). One training step moves it towards the data.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	f, err := flow.New(flow.Config{Dim: 2, ContextDim: 1, Layers: 4, Hidden: 16}, rng)
	if err != nil {
		panic(err)
	}
	theta, _ := nn.MatFrom(3, 2, []float32{0, 0, 1, -1, 0.5, 2})
	ctx, _ := nn.MatFrom(3, 1, []float32{0.3, -0.2, 1})
	fmt.Printf("log q(0 | c) = %.4f\n", f.LogProb(theta, ctx)[0])

	opt := nn.NewAdam(f.Params(), 1e-3)
	nn.ZeroGrads(f.Params())
	loss := f.ForwardLoss(theta, ctx) // initialises ActNorm from this batch
	dctx := f.BackwardLoss()          // for a summary network upstream
	opt.Step()
	fmt.Printf("loss %.4f, dLoss/dctx %dx%d\n", loss, dctx.Rows, dctx.Cols)

	draws := f.Sample([]float32{0.3}, 1000, rng)
	fmt.Printf("draws %dx%d\n", draws.Rows, draws.Cols)
	// Output:
	// log q(0 | c) = -1.8379
	// loss 2.1629, dLoss/dctx 3x1
	// draws 1000x2
}
