package reference

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// Tolerances of the posterior tests.
const (
	logDensityTol = 1e-9 // relative agreement of two computations of the same log density
	jacobianTol   = 1e-6 // central differences against the analytic log Jacobian
)

// exampleTruth is the example cell of docs/model.md (Parameters).
var exampleTruth = []float64{1, 0.1, -65, 10, -50}

// simulateTrace returns a noisy trace of theta under cfg.
func simulateTrace(t testing.TB, cfg neuron.Config, theta []float64, seed uint64) []float64 {
	t.Helper()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cfg.Params(theta)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]float64, sim.NumSamples())
	if err := sim.Simulate([]neuron.Params{p}, []*rand.Rand{neuron.Stream(seed, 0)}, obs); err != nil {
		t.Fatal(err)
	}
	return obs
}

// TestLogPosteriorDirect compares At and Batch with the log prior plus the
// Gaussian log likelihood of a noise-free simulation, computed here.
func TestLogPosteriorDirect(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	obs := simulateTrace(t, cfg, exampleTruth, 1)
	lp, err := NewLogPosterior(cfg, obs)
	if err != nil {
		t.Fatal(err)
	}
	sim, _ := neuron.NewSimulator(cfg)
	thetas := make([][]float64, 40) // more than one lockstep block
	for i := range thetas {
		thetas[i] = make([]float64, 5)
		cfg.SamplePrior(neuron.Stream(2, uint64(i)), thetas[i])
	}
	thetas[0] = exampleTruth
	got := make([]float64, len(thetas))
	lp.Batch(thetas, got, 2)
	for i, th := range thetas {
		p, _ := cfg.Params(th)
		v := make([]float64, len(obs))
		if err := sim.Simulate([]neuron.Params{p}, nil, v); err != nil {
			t.Fatal(err)
		}
		want := cfg.LogPrior(th)
		for k := range v {
			r := obs[k] - v[k]
			want += -0.5*r*r/(cfg.SigmaObs*cfg.SigmaObs) - math.Log(cfg.SigmaObs) - 0.5*math.Log(2*math.Pi)
		}
		if math.Abs(got[i]-want) > logDensityTol*math.Abs(want) {
			t.Errorf("row %d: Batch %v, direct %v", i, got[i], want)
		}
		if a := lp.At(th); a != got[i] {
			t.Errorf("row %d: At %v, Batch %v", i, a, got[i])
		}
	}
}

func TestLogPosteriorOutsideSupport(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	lp, err := NewLogPosterior(cfg, simulateTrace(t, cfg, exampleTruth, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range [][]float64{
		{-1, 0.1, -65, 10, -50},         // C_m < 0
		{1, 0, -65, 10, -50},            // g_L = 0
		{1, 0.1, math.NaN(), 10, -50},   // NaN
		{1, 0.1, -65, 10},               // wrong length
		{1e-4, 0.1, -65, 10, -50},       // RK4 unstable: dt g_L / C_m > 2.785
		{1, 0.1, -65, 1e-9, -50},        // k too small for neuron.RestingPotential
		{1, 0.1, -65, 10, math.Inf(-1)}, // infinite
	} {
		if v := lp.At(th); !math.IsInf(v, -1) {
			t.Errorf("At(%v) = %v, want -Inf", th, v)
		}
	}
}

func TestNewLogPosteriorRefuses(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	obs := simulateTrace(t, cfg, exampleTruth, 1)
	noisy := cfg
	noisy.IntrinsicNoise.Enabled = true
	if _, err := NewLogPosterior(noisy, obs); !errors.Is(err, ErrIntractable) {
		t.Errorf("intrinsic noise: err = %v, want ErrIntractable", err)
	}
	noiseless := cfg
	noiseless.SigmaObs = 0
	if _, err := NewLogPosterior(noiseless, obs); err == nil {
		t.Error("sigma_obs = 0 accepted")
	}
	for name, x := range map[string][]float64{
		"NaN":   slices.Concat([]float64{math.NaN()}, obs[1:]),
		"Inf":   slices.Concat(obs[:10], []float64{math.Inf(1)}, obs[11:]),
		"short": obs[:100],
	} {
		if _, err := NewLogPosterior(cfg, x); err == nil {
			t.Errorf("%s trace accepted", name)
		}
	}
}

// TestPosteriorDefaultTrace samples the posterior of one simulated default
// trace: the 90 % intervals must hold the true parameters for at least four
// of five, and the chains must agree (R-hat < maxTestHat).
func TestPosteriorDefaultTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates about 10^5 traces")
	}
	t.Parallel()
	cfg := neuron.Default()
	lp, err := NewLogPosterior(cfg, simulateTrace(t, cfg, exampleTruth, 1))
	if err != nil {
		t.Fatal(err)
	}
	r, err := lp.Sample(Options{Seed: 1, Burnin: 500, Iterations: 1000, MaxIterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	inside := 0
	for j, name := range r.Names {
		col := make([]float64, len(r.Draws))
		for k, x := range r.Draws {
			col[k] = x[j]
		}
		sort.Float64s(col)
		lo, hi := quantile(col, 0.05), quantile(col, 0.95)
		if lo <= exampleTruth[j] && exampleTruth[j] <= hi {
			inside++
		}
		t.Logf("%-5s truth %8.4f  90%% [%8.4f, %8.4f]  R-hat %.4f  ESS %.0f", name, exampleTruth[j], lo, hi, r.RHat[j], r.ESS[j])
		if !(r.RHat[j] < maxTestHat) {
			t.Errorf("%s: R-hat %.4f", name, r.RHat[j])
		}
	}
	if inside < 4 {
		t.Errorf("90 %% intervals hold %d of 5 true values", inside)
	}
	t.Logf("accept %.3f, restarts %d, warnings %v", r.AcceptRate, r.Restarts, r.Warnings)
}

// TestWorkersDoNotMatter: the same seed gives the same draws on 1 and 3
// workers, also when starting from a supplied population with rows outside
// the support.
func TestWorkersDoNotMatter(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	lp, err := NewLogPosterior(cfg, simulateTrace(t, cfg, exampleTruth, 3))
	if err != nil {
		t.Fatal(err)
	}
	init := make([][]float64, 80)
	for i := range init {
		init[i] = make([]float64, 5)
		cfg.SamplePrior(neuron.Stream(9, uint64(i)), init[i])
	}
	init[3][0] = -1 // outside the support: skipped
	var draws [2][][]float64
	for i, w := range []int{1, 3} {
		r, err := lp.Sample(Options{Chains: 40, Burnin: 40, Iterations: 20, MaxIterations: 20, Seed: 4, Workers: w, Init: init})
		if err != nil {
			t.Fatal(err)
		}
		draws[i] = r.Draws
	}
	if len(draws[0]) != 40*20 {
		t.Fatalf("%d draws, want %d", len(draws[0]), 40*20)
	}
	for k := range draws[0] {
		if !slices.Equal(draws[0][k], draws[1][k]) {
			t.Fatalf("draw %d differs: %v vs %v", k, draws[0][k], draws[1][k])
		}
	}
}
