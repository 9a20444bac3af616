package exact

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/model/gaussianlinear"
	"github.com/laa-neuro/laa/train"
)

// withoutLikelihood hides a model's likelihood.
type withoutLikelihood struct{ model.Model }

// TestOtherModelCorrected corrects the neural posterior of a model other
// than LAA through its likelihood: a briefly trained posterior of the
// linear Gaussian model, importance-sampled, has the exact posterior's
// mean and sd (within Monte Carlo error); without a likelihood the draws
// stay amortized and the reason says why.
func TestOtherModelCorrected(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	t.Parallel()
	lg, err := gaussianlinear.New(3, 10, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	data, err := dataset.SimulateModel(lg, dataset.SimulateOptions{Seed: 1, N: 5000})
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := train.Preset(train.PresetSmall)
	opt.Epochs = 8
	m, _, err := train.Run(data, opt, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	theta, x := make([]float64, 3), make([]float64, 10)
	r := model.Stream(5, 0)
	model.SamplePrior(lg, r, theta)
	if err := lg.Simulate(theta, []*rand.Rand{r}, x); err != nil {
		t.Fatal(err)
	}
	res, err := Posterior(m, x, Options{Draws: 2000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Importance {
		t.Fatalf("route %v (%s), want importance sampling", res.Route, res.Reason)
	}
	mean, cov, err := lg.Posterior(x)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 3 {
		var s, s2 float64
		for _, d := range res.Draws {
			s += d[j]
			s2 += d[j] * d[j]
		}
		n := float64(len(res.Draws))
		mu, sd := s/n, math.Sqrt(s2/n-(s/n)*(s/n))
		want := math.Sqrt(cov.At(j, j))
		if math.Abs(mu-mean[j]) > 0.1*want || math.Abs(sd/want-1) > 0.1 {
			t.Errorf("theta_%d: corrected mean %.3f sd %.3f, exact %.3f sd %.3f", j+1, mu, sd, mean[j], want)
		}
	}
	m.Generative = withoutLikelihood{lg}
	res, err = Posterior(m, x, Options{Draws: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Amortized || !strings.Contains(res.Reason, "has no likelihood") {
		t.Errorf("without a likelihood: route %v, reason %q", res.Route, res.Reason)
	}
}
