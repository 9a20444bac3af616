package flow

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/laa-neuro/laa/nn"
)

// Settings and thresholds of the conjugate Gaussian calibration test:
// theta ~ N(0, I_2), x = theta + N(0, noiseSD^2 I), context = x, so that
// theta | x ~ N(x/(1+noiseSD^2), noiseSD^2/(1+noiseSD^2) I).
const (
	noiseSD     = 0.5
	trainPairs  = 16384
	trainBatch  = 256
	trainSteps  = 4000
	trainLR     = 2e-3
	momentDraws = 10000 // flow draws per grid point
	// momentTol bounds |mean - exact| and |sd - exact| in units of the
	// prior sd (1).
	momentTol = 0.05
	sbcSims   = 200
	sbcDraws  = 99 // ranks 0..99 fall evenly into sbcBins
	sbcBins   = 10
	// sbcMinP is the smallest chi-square p-value a calibrated flow may give.
	sbcMinP = 0.01
)

// simulateConjugate draws n (theta, x) pairs of the conjugate problem.
func simulateConjugate(n, dim int, rng *rand.Rand) (theta, x *nn.Mat) {
	theta, x = nn.NewMat(n, dim), nn.NewMat(n, dim)
	for i := range theta.Data {
		th := rng.NormFloat64()
		theta.Data[i] = float32(th)
		x.Data[i] = float32(th + noiseSD*rng.NormFloat64())
	}
	return theta, x
}

// conjugateConfig is the flow the conjugate test trains, with the given
// coupling.
func conjugateConfig(dim int, coupling string) Config {
	return Config{Dim: dim, ContextDim: dim, Layers: 4, Hidden: 32, Activation: "tanh", Coupling: coupling}
}

// trainConjugate fits a small flow to the conjugate problem by maximum
// likelihood and returns it.
func trainConjugate(t *testing.T, cfg Config) *Flow {
	t.Helper()
	dim := cfg.Dim
	rng := rand.New(rand.NewPCG(20, 1))
	f, err := New(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	theta, x := simulateConjugate(trainPairs, dim, rng)
	opt := nn.NewAdam(f.Params(), trainLR)
	sched := nn.Cosine{Base: trainLR, Floor: trainLR / 50, Steps: trainSteps}
	bt, bx := nn.NewMat(trainBatch, dim), nn.NewMat(trainBatch, dim)
	start := time.Now()
	var loss float64
	for step := range trainSteps {
		for i := range trainBatch {
			k := rng.IntN(trainPairs)
			copy(bt.Row(i), theta.Row(k))
			copy(bx.Row(i), x.Row(k))
		}
		nn.ZeroGrads(f.Params())
		loss = f.ForwardLoss(bt, bx)
		f.BackwardLoss()
		opt.LR = sched.LR(step)
		opt.Step()
	}
	// The exact posterior's expected loss is dim/2 (1 + log(2 pi v)).
	v := noiseSD * noiseSD / (1 + noiseSD*noiseSD)
	t.Logf("%s: trained %d steps in %v: last batch loss %.4f, exact posterior %.4f",
		cfg.Coupling, trainSteps, time.Since(start).Round(time.Millisecond), loss, float64(dim)/2*(1+math.Log(2*math.Pi*v)))
	return f
}

// TestConjugateGaussian trains the flow on a problem with a closed-form
// posterior and checks posterior moments on a grid of observations and
// simulation-based calibration ranks.
func TestConjugateGaussian(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a flow; skipped with -short")
	}
	testConjugate(t, conjugateConfig(2, CouplingAffine))
}

func testConjugate(t *testing.T, cfg Config) {
	dim := cfg.Dim
	f := trainConjugate(t, cfg)
	shrink := 1 / (1 + noiseSD*noiseSD)
	postSD := math.Sqrt(noiseSD * noiseSD * shrink)
	rng := rand.New(rand.NewPCG(21, 1))
	var worstMean, worstSD float64
	for _, x0 := range []float64{-1.5, 0, 1.5} {
		for _, x1 := range []float64{-1.5, 0, 1.5} {
			x := []float64{x0, x1}
			draws := f.Sample([]float32{float32(x0), float32(x1)}, momentDraws, rng)
			for j := range dim {
				var mean, sq float64
				for i := range draws.Rows {
					mean += float64(draws.At(i, j))
				}
				mean /= float64(draws.Rows)
				for i := range draws.Rows {
					sq += math.Pow(float64(draws.At(i, j))-mean, 2)
				}
				sd := math.Sqrt(sq / float64(draws.Rows-1))
				worstMean = max(worstMean, math.Abs(mean-shrink*x[j]))
				worstSD = max(worstSD, math.Abs(sd-postSD))
				if math.Abs(mean-shrink*x[j]) > momentTol || math.Abs(sd-postSD) > momentTol {
					t.Errorf("x = %v, dim %d: mean %.4f sd %.4f, exact %.4f and %.4f",
						x, j, mean, sd, shrink*x[j], postSD)
				}
			}
		}
	}

	t.Logf("largest errors on the grid: mean %.4f, sd %.4f (tolerance %g)", worstMean, worstSD, momentTol)

	// Simulation-based calibration: the rank of the true theta among draws
	// from q(theta | x) is uniform on 0..sbcDraws when q is the posterior.
	theta, x := simulateConjugate(sbcSims, dim, rng)
	draws := f.SampleBatch(x, sbcDraws, rng)
	for j := range dim {
		counts := make([]float64, sbcBins)
		for s := range sbcSims {
			rank := 0
			for k := range sbcDraws {
				if draws.At(s*sbcDraws+k, j) < theta.At(s, j) {
					rank++
				}
			}
			counts[rank*sbcBins/(sbcDraws+1)]++
		}
		want := float64(sbcSims) / sbcBins
		var chi2 float64
		for _, c := range counts {
			chi2 += (c - want) * (c - want) / want
		}
		p := distuv.ChiSquared{K: sbcBins - 1}.Survival(chi2)
		t.Logf("SBC dim %d: counts %v, chi2 %.2f, p %.3f", j, counts, chi2, p)
		if p < sbcMinP {
			t.Errorf("SBC dim %d: chi-square p = %.4f < %g", j, p, sbcMinP)
		}
	}
}
