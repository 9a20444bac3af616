package flow

import (
	"math/rand/v2"
	"testing"

	"github.com/laa-neuro/laa/nn"
)

// benchConfig is the production shape: D = 5 parameters, a 32-value
// summary, 6 blocks of width 128.
var benchConfig = Config{Dim: 5, ContextDim: 32, Layers: 6, Hidden: 128, HiddenLayers: 2}

// benchSplineConfig is benchConfig with spline couplings (8 bins).
var benchSplineConfig = Config{Dim: 5, ContextDim: 32, Layers: 6, Hidden: 128, HiddenLayers: 2, Coupling: CouplingSpline}

// BenchmarkTrainStep times one forward and backward pass at batch 256.
func BenchmarkTrainStep(b *testing.B) { benchTrainStep(b, benchConfig) }

// BenchmarkTrainStepSpline is BenchmarkTrainStep for the spline flow of
// the same size.
func BenchmarkTrainStepSpline(b *testing.B) { benchTrainStep(b, benchSplineConfig) }

func benchTrainStep(b *testing.B, cfg Config) {
	f := randomFlow(b, cfg, 30)
	rng := rand.New(rand.NewPCG(31, 1))
	theta, ctx := randMat(256, 5, 0, 1, rng), randMat(256, 32, 0, 1, rng)
	b.Logf("backend %s", nn.BackendName())
	for b.Loop() {
		nn.ZeroGrads(f.Params())
		f.ForwardLoss(theta, ctx)
		f.BackwardLoss()
	}
}

// BenchmarkSample1000 times 1,000 posterior draws for one context.
func BenchmarkSample1000(b *testing.B) { benchSample1000(b, benchConfig) }

// BenchmarkSample1000Spline is BenchmarkSample1000 for the spline flow.
func BenchmarkSample1000Spline(b *testing.B) { benchSample1000(b, benchSplineConfig) }

func benchSample1000(b *testing.B, cfg Config) {
	f := randomFlow(b, cfg, 32)
	rng := rand.New(rand.NewPCG(33, 1))
	ctx := randMat(1, 32, 0, 1, rng).Data
	for b.Loop() {
		f.Sample(ctx, 1000, rng)
	}
}
