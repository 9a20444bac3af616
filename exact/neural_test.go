package exact

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/reference"
)

// priorProposal draws each parameter independently from its prior family
// with the given priors (a constructed proposal with a known density).
type priorProposal []neuron.Prior

func (p priorProposal) Sample(n int, rng *rand.Rand) ([][]float64, []float64, error) {
	draws, lq := make([][]float64, n), make([]float64, n)
	for i := range draws {
		draws[i] = make([]float64, len(p))
		for j, pr := range p {
			draws[i][j] = pr.Sample(rng)
			lq[i] += pr.LogPdf(draws[i][j])
		}
	}
	return draws, lq, nil
}

// scaled returns priors with spreads multiplied by s and centres by c.
func scaled(priors []neuron.Prior, s, c float64) priorProposal {
	out := make(priorProposal, len(priors))
	for j, p := range priors {
		p.SigmaLog, p.SD = s*p.SigmaLog, s*p.SD
		p.Median *= c
		if p.Dist == neuron.DistNormal {
			p.Mean += (c - 1) * math.Abs(p.Mean)
		}
		out[j] = p
	}
	return out
}

// observation simulates one noisy trace under cfg.
func observation(t *testing.T, cfg neuron.Config, seed uint64) []float64 {
	t.Helper()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: seed, N: 1})
	if err != nil {
		t.Fatal(err)
	}
	tr := make([]float64, d.T)
	for i, v := range d.Traces {
		tr[i] = float64(v)
	}
	return tr
}

// TestLAARoutes: on the LAA likelihood, a proposal wider than an almost
// flat posterior (sigma_obs = 300 mV makes the trace nearly uninformative)
// takes the importance route with a low k-hat; a narrow proposal far from
// the posterior falls back to MCMC, whose warnings are passed on.
func TestLAARoutes(t *testing.T) {
	t.Parallel()
	const maxKHat = 0.5
	cfg := neuron.Default()
	cfg.SigmaObs = 300
	_, priors := cfg.Inferred()
	lp, err := reference.NewLogPosterior(cfg, observation(t, cfg, 1))
	if err != nil {
		t.Fatal(err)
	}
	mcmc := func(init [][]float64, o reference.Options) (*reference.Result, error) {
		o.Init = init
		return lp.Sample(o)
	}
	short := reference.Options{Chains: 32, Burnin: 100, Iterations: 100, MaxIterations: 100}
	// 2,000 proposals: enough for the ESS of 400 the route requires.
	res, err := Correct(lp, scaled(priors, 1.5, 1), mcmc, Options{Draws: 500, ProposalFactor: 4, Seed: 1, MCMC: short})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Importance || res.KHat() > maxKHat {
		t.Errorf("wide proposal: route %q, k-hat %.3f, ESS %.0f", res.Route, res.KHat(), res.ESS())
	}

	cfg = neuron.Default()
	lp, err = reference.NewLogPosterior(cfg, observation(t, cfg, 2))
	if err != nil {
		t.Fatal(err)
	}
	res, err = Correct(lp, scaled(priors, 0.05, 1.3), mcmc, Options{Draws: 500, Seed: 2, MCMC: short})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != MCMC || res.Reference == nil || len(res.Draws) != 500 {
		t.Fatalf("narrow, misplaced proposal: route %q, k-hat %.3f, ESS %.0f", res.Route, res.KHat(), res.PSIS.ESS)
	}
	t.Logf("MCMC route: k-hat %.2f, warnings %q", res.KHat(), res.Warnings)
	for _, w := range res.Reference.Warnings {
		if !contains(res.Warnings, "MCMC: "+w) {
			t.Errorf("sampler warning %q not passed on (%q)", w, res.Warnings)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// smallModel returns an untrained neural posterior for cfg (its ActNorm
// initialized from 200 simulations).
func smallModel(t *testing.T, cfg neuron.Config) *npe.Model {
	t.Helper()
	m, _ := testmodel.Untrained(t, cfg)
	return m
}

// TestPosteriorRoutes: Posterior says "amortized only" for intrinsic noise
// and when switched off, and corrects otherwise.
func TestPosteriorRoutes(t *testing.T) {
	t.Parallel()
	noisy := neuron.Default()
	noisy.IntrinsicNoise.Enabled = true
	m := smallModel(t, noisy)
	res, err := Posterior(m, observation(t, noisy, 4), Options{Draws: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Amortized || res.Reason != IntractableReason || len(res.Draws) != 100 {
		t.Errorf("intrinsic noise: route %q, reason %q, warnings %q, %d draws", res.Route, res.Reason, res.Warnings, len(res.Draws))
	}

	cfg := neuron.Default()
	m = smallModel(t, cfg)
	trace := observation(t, cfg, 5)
	res, err = Posterior(m, trace, Options{Draws: 100, Seed: 1, Off: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Amortized || !strings.Contains(res.Reason, "off") || res.Proposals != 100 {
		t.Errorf("off: route %q, reason %q, %d proposals", res.Route, res.Reason, res.Proposals)
	}
	// Switched off, the draws are q's alone (no defensive component).
	obs, _ := m.Observe(trace)
	q, err := m.Sample([]npe.Observation{obs}, 100, rand.New(rand.NewPCG(1, streamProposal)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range q[0].Draws {
		if q[0].Draws[i][0] != res.Draws[i][0] {
			t.Fatalf("off: draw %d is %v, q's is %v", i, res.Draws[i], q[0].Draws[i])
		}
	}
	opt := Options{Draws: 200, Seed: 1, MCMC: reference.Options{Chains: 32, Burnin: 100, Iterations: 100, MaxIterations: 100}}
	res, err = Posterior(m, trace, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Route == Amortized || res.PSIS == nil || len(res.Draws) != 200 || res.Proposals%(200*DefaultProposalFactor) != 0 {
		t.Errorf("tractable: route %q, %d draws, %d proposals", res.Route, len(res.Draws), res.Proposals)
	}
	t.Logf("untrained model: route %q, k-hat %.2f", res.Route, res.KHat())
}

// TestPriorSpace: FromFree inverts ToFree and returns log |d theta / d u|,
// checked by finite differences.
func TestPriorSpace(t *testing.T) {
	t.Parallel()
	const h, tol = 1e-6, 1e-6
	_, priors := neuron.Default().Inferred()
	priors = append(priors, neuron.Prior{Dist: neuron.DistUniform, Low: 0.5, High: 3})
	sp := make(priorSpace, len(priors))
	for j, p := range priors {
		sp[j] = p.Distribution()
	}
	theta := []float64{1.2, 0.08, -63, 5, -51, 2.5}
	u, ok := sp.ToFree(theta)
	if !ok {
		t.Fatal("theta outside the support")
	}
	back, lj := sp.FromFree(u)
	var fd float64
	for j := range u {
		if math.Abs(back[j]-theta[j]) > tol*math.Abs(theta[j]) {
			t.Errorf("parameter %d: %v back as %v", j, theta[j], back[j])
		}
		up, dn := append([]float64(nil), u...), append([]float64(nil), u...)
		up[j] += h
		dn[j] -= h
		a, _ := sp.FromFree(up)
		b, _ := sp.FromFree(dn)
		fd += math.Log((a[j] - b[j]) / (2 * h))
	}
	if math.Abs(fd-lj) > 1e-5 {
		t.Errorf("log Jacobian %v, finite differences %v", lj, fd)
	}
	if _, ok := sp.ToFree([]float64{-1, 0.08, -63, 5, -51, 2.5}); ok {
		t.Error("a negative C_m mapped to free coordinates")
	}
}
