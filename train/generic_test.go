package train

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/model/gaussianlinear"
	"github.com/laa-neuro/laa/npe"
)

// TestLinearGaussianPosterior trains the small preset on a model that is not
// the LAA neuron (P = 3, D = 10, closed-form posterior), through the same
// data set, network and training code, and requires the amortized
// posterior of held-out observations to be close to the exact one: C2ST,
// as sbi computes it, at most 0.58 on average over four observations
// (measured 0.553; a posterior 1.3 times too wide or off by half an sd
// scores above 0.6). With 100,000 simulations it reaches 0.536; the
// command-line test (cmd/laa) holds that run to 0.55.
func TestLinearGaussianPosterior(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model (about 15 s)")
	}
	t.Parallel()
	lg, err := gaussianlinear.New(3, 10, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	data, err := dataset.SimulateModel(lg, dataset.SimulateOptions{Seed: 3, N: 30000})
	if err != nil {
		t.Fatal(err)
	}
	if !data.IdentityFeatures() || data.T != 10 || data.P != 3 {
		t.Fatalf("data set: T = %d, P = %d, identity features %v", data.T, data.P, data.IdentityFeatures())
	}
	opt, _ := Preset(PresetSmall)
	opt.Seed, opt.BatchSize = 5, 128
	m, _, err := Run(data, opt, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("simulated and trained in %.1f s", time.Since(start).Seconds())
	rng := rand.New(rand.NewPCG(11, 12))
	var sum float64
	const nObs, nDraws = 4, 1000
	for k := range nObs {
		theta := make([]float64, 3)
		x := make([]float64, 10)
		r := model.Stream(99, uint64(k))
		model.SamplePrior(lg, r, theta)
		if err := lg.Simulate(theta, []*rand.Rand{r}, x); err != nil {
			t.Fatal(err)
		}
		obs, err := m.Observe(x)
		if err != nil {
			t.Fatal(err)
		}
		post, err := m.Sample([]npe.Observation{obs}, nDraws, rng)
		if err != nil {
			t.Fatal(err)
		}
		exact, err := lg.SamplePosterior(x, nDraws, rng)
		if err != nil {
			t.Fatal(err)
		}
		res, err := diagnose.C2ST(post[0].Draws, exact, diagnose.C2STConfig{Seed: uint64(k)})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("observation %d: C2ST %.3f", k, res.Accuracy)
		sum += res.Accuracy
	}
	if mean := sum / nObs; mean > 0.58 {
		t.Fatalf("mean C2ST %.3f against the exact posterior, want <= 0.58", mean)
	}
}
