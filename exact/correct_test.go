package exact

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/reference"
)

// gaussian is an axis-aligned normal density, as a Proposal and a Target.
type gaussian struct{ mean, sd []float64 }

func (g gaussian) logPdf(x []float64) float64 {
	var s float64
	for j, v := range x {
		z := (v - g.mean[j]) / g.sd[j]
		s += -0.5*z*z - math.Log(g.sd[j]) - 0.5*math.Log(2*math.Pi)
	}
	return s
}

func (g gaussian) Sample(n int, rng *rand.Rand) ([][]float64, []float64, error) {
	draws, lq := make([][]float64, n), make([]float64, n)
	for i := range draws {
		draws[i] = make([]float64, len(g.mean))
		for j := range g.mean {
			draws[i][j] = g.mean[j] + g.sd[j]*rng.NormFloat64()
		}
		lq[i] = g.logPdf(draws[i])
	}
	return draws, lq, nil
}

func (g gaussian) LogProb(thetas [][]float64) ([]float64, error) {
	out := make([]float64, len(thetas))
	for i, th := range thetas {
		out[i] = g.logPdf(th)
	}
	return out, nil
}

func (g gaussian) Batch(thetas [][]float64, out []float64, _ int) {
	for i, th := range thetas {
		out[i] = g.logPdf(th) + 3 // unnormalized
	}
}

// bimodal is the target 0.5 N(-3, 0.5^2) + 0.5 N(3, 0.5^2) in one dimension.
var bimodal = TargetFunc(func(thetas [][]float64, out []float64, _ int) {
	for i, th := range thetas {
		a := gaussian{[]float64{-3}, []float64{0.5}}.logPdf(th)
		b := gaussian{[]float64{3}, []float64{0.5}}.logPdf(th)
		out[i] = math.Log(0.5*math.Exp(a) + 0.5*math.Exp(b))
	}
})

// moments returns the column means and sds of draws.
func moments(draws [][]float64) (mean, sd []float64) {
	d := len(draws[0])
	mean, sd = make([]float64, d), make([]float64, d)
	for _, x := range draws {
		for j, v := range x {
			mean[j] += v / float64(len(draws))
		}
	}
	for _, x := range draws {
		for j, v := range x {
			sd[j] += (v - mean[j]) * (v - mean[j]) / float64(len(draws)-1)
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j])
	}
	return mean, sd
}

// TestImportanceWideProposal: a proposal twice as wide as the target and
// off centre gives a low k-hat, the importance route, and draws with the
// target's moments.
func TestImportanceWideProposal(t *testing.T) {
	t.Parallel()
	const (
		maxKHat = 0.5
		momTol  = 0.06 // about 5 Monte Carlo sds of 2,000 resampled draws with ESS in the thousands
	)
	target := gaussian{[]float64{1, -2}, []float64{0.5, 1}}
	prop := gaussian{[]float64{1.3, -1.5}, []float64{1, 2}}
	res, err := Correct(target, prop, nil, Options{Draws: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Importance || res.KHat() > maxKHat || res.ESS() < MinESS || len(res.Warnings) > 0 {
		t.Fatalf("route %q, k-hat %.3f, ESS %.0f, warnings %v", res.Route, res.KHat(), res.ESS(), res.Warnings)
	}
	if len(res.Draws) != 2000 || len(res.Amortized) != 2000 || res.Proposals != 2000*DefaultProposalFactor {
		t.Fatalf("%d draws, %d amortized, %d proposals", len(res.Draws), len(res.Amortized), res.Proposals)
	}
	mean, sd := moments(res.Draws)
	for j := range mean {
		if math.Abs(mean[j]-target.mean[j]) > momTol*target.sd[j]*5 || math.Abs(sd[j]/target.sd[j]-1) > momTol {
			t.Errorf("parameter %d: mean %.3f sd %.3f, want %g and %g", j, mean[j], sd[j], target.mean[j], target.sd[j])
		}
	}
	// The amortized draws are the proposal's: wider.
	if _, asd := moments(res.Amortized); asd[0] < 1.5*target.sd[0] {
		t.Errorf("amortized sd %.3f; want the proposal's (1)", asd[0])
	}
}

// TestMissedModeFallsBack: a unimodal proposal on one mode of a bimodal
// target, which reaches the other mode only in its tail (a few draws in
// 2,000), gives a k-hat above the threshold (above 1 for every one of 10
// seeds tried); without a sampler that is an
// error, with one the route is MCMC, the sampler's warnings are passed on
// and the draws are a random subsample of its draws.
func TestMissedModeFallsBack(t *testing.T) {
	t.Parallel()
	prop := gaussian{[]float64{-3}, []float64{2}}
	if _, err := Correct(bimodal, prop, nil, Options{Draws: 500, Seed: 2, NoAdapt: true}); err == nil || !strings.Contains(err.Error(), "k-hat") {
		t.Fatalf("no sampler: error %v, want one naming k-hat", err)
	}
	var gotInit int
	fake := func(init [][]float64, opt reference.Options) (*reference.Result, error) {
		gotInit = len(init)
		r := &reference.Result{ESS: []float64{123}, RHat: []float64{1.2}, Warnings: []string{"chains disagree"}}
		for i := range 3000 {
			r.Draws = append(r.Draws, []float64{float64(i)})
		}
		return r, nil
	}
	res, err := Correct(bimodal, prop, fake, Options{Draws: 500, Seed: 2, NoAdapt: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != MCMC || res.KHat() <= res.PSIS.Threshold || gotInit != mcmcInit {
		t.Fatalf("route %q, k-hat %.3f (threshold %.3f), %d initial rows", res.Route, res.KHat(), res.PSIS.Threshold, gotInit)
	}
	// Few draws wanted (3 x 20 proposals, fewer than the chains need): the
	// starts are topped up from the proposal, so MCMC still gets mcmcInit.
	gotInit = 0
	if few, err := Correct(bimodal, prop, fake, Options{Draws: 20, Seed: 2, NoAdapt: true}); err != nil || few.Route != MCMC || gotInit != mcmcInit {
		t.Fatalf("20 draws: %v, %d initial rows, want %d", err, gotInit, mcmcInit)
	}
	if res.ESS() != 123 || len(res.Warnings) != 2 || !strings.Contains(res.Warnings[1], "chains disagree") {
		t.Errorf("ESS %v, warnings %q", res.ESS(), res.Warnings)
	}
	// A random subsample: not the first 500, all distinct.
	seen := map[float64]bool{}
	var maxIdx float64
	for _, d := range res.Draws {
		seen[d[0]] = true
		maxIdx = math.Max(maxIdx, d[0])
	}
	if len(res.Draws) != 500 || len(seen) != 500 || maxIdx < 2000 {
		t.Errorf("%d draws, %d distinct, largest index %v: want a random subsample of 3000", len(res.Draws), len(seen), maxIdx)
	}
}

// TestAdaptiveStage: a proposal too narrow and off centre by several target
// sds (as the neural posterior of a poorly trained model can be) gives
// unreliable first-stage weights; the adaptive stage's Student-t, fitted to
// them, recovers the target by importance sampling.
func TestAdaptiveStage(t *testing.T) {
	t.Parallel()
	const momTol = 0.06
	target := gaussian{[]float64{1, -2, 0}, []float64{0.5, 1, 0.2}}
	prop := gaussian{[]float64{2, -4, 0.5}, []float64{0.6, 0.8, 0.3}}
	opt := Options{Draws: 1000, Seed: 5}
	res, err := Correct(target, prop, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Importance || !strings.HasPrefix(res.Reason, "adaptive") || res.Proposals != 2*opt.Draws*DefaultProposalFactor {
		t.Fatalf("route %q (%s), %d proposals", res.Route, res.Reason, res.Proposals)
	}
	t.Log(res.Reason)
	mean, sd := moments(res.Draws)
	for j := range mean {
		if math.Abs(mean[j]-target.mean[j]) > momTol*5*target.sd[j] || math.Abs(sd[j]/target.sd[j]-1) > 2*momTol {
			t.Errorf("parameter %d: mean %.3f sd %.3f, want %g and %g", j, mean[j], sd[j], target.mean[j], target.sd[j])
		}
	}
	opt.NoAdapt = true
	if _, err := Correct(target, prop, nil, opt); err == nil {
		t.Error("without the adaptive stage the first stage alone passed: the test proposal is too good")
	}
}

// TestFallbackMCMCFindsTarget: a proposal far off the target sends the
// correction to the real sampler (DE-MCz from the proposals), whose draws
// have the target's moments.
func TestFallbackMCMCFindsTarget(t *testing.T) {
	t.Parallel()
	const momTol = 0.15
	target := gaussian{[]float64{0, 0}, []float64{1, 2}}
	prop := gaussian{[]float64{2.5, 4}, []float64{0.3, 0.5}}
	mcmc := func(init [][]float64, opt reference.Options) (*reference.Result, error) {
		opt.Init = init
		return reference.Sample(func(xs [][]float64, out []float64) error {
			target.Batch(xs, out, 1)
			return nil
		}, opt)
	}
	opt := Options{Draws: 1000, Seed: 3, MCMC: reference.Options{Chains: 16, Burnin: 300, Iterations: 500, MaxIterations: 500}}
	res, err := Correct(target, prop, mcmc, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != MCMC || res.Reference == nil {
		t.Fatalf("route %q", res.Route)
	}
	mean, sd := moments(res.Draws)
	for j := range mean {
		if math.Abs(mean[j]-target.mean[j]) > momTol*target.sd[j] || math.Abs(sd[j]/target.sd[j]-1) > momTol {
			t.Errorf("parameter %d: mean %.3f sd %.3f, want %g and %g", j, mean[j], sd[j], target.mean[j], target.sd[j])
		}
	}
}

func TestCorrectOff(t *testing.T) {
	t.Parallel()
	prop := gaussian{[]float64{0}, []float64{1}}
	res, err := Correct(nil, prop, nil, Options{Draws: 100, Off: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Route != Amortized || len(res.Draws) != 100 || res.PSIS != nil || !math.IsNaN(res.KHat()) || !math.IsNaN(res.ESS()) {
		t.Fatalf("%+v", res)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"k_hat":null`) || !strings.Contains(string(b), `"route":"amortized"`) {
		t.Errorf("JSON %s", b)
	}
	if _, err := Correct(nil, prop, nil, Options{Draws: -1}); err == nil {
		t.Error("negative draws: no error")
	}
}

// TestSystematic: every draw appears floor(n w) or ceil(n w) times.
func TestSystematic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 0))
	const S, n = 50, 200
	w := make([]float64, S)
	var sum float64
	for i := range w {
		w[i] = rng.ExpFloat64()
		sum += w[i]
	}
	draws := make([][]float64, S)
	for i := range w {
		w[i] /= sum
		draws[i] = []float64{float64(i)}
	}
	w[7], w[8] = w[7]+w[8], 0 // a zero weight is never drawn
	for rep := range 20 {
		out := systematic(draws, w, n, rand.New(rand.NewPCG(5, uint64(rep))))
		count := make([]int, S)
		for _, d := range out {
			count[int(d[0])]++
		}
		if len(out) != n {
			t.Fatalf("%d draws", len(out))
		}
		for i, c := range count {
			if e := n * w[i]; float64(c) < math.Floor(e) || float64(c) > math.Ceil(e) {
				t.Fatalf("draw %d: %d copies, expected %.3f", i, c, e)
			}
		}
	}
}
