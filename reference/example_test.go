package reference_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/reference"
)

// Sample draws from any log density; here a Gaussian with mean 2 and sd 0.5,
// started from a broad population.
func ExampleSample() {
	logp := func(x []float64) float64 { z := (x[0] - 2) / 0.5; return -0.5 * z * z }
	rng := rand.New(rand.NewPCG(1, 2))
	init := make([][]float64, 64)
	for i := range init {
		init[i] = []float64{10 * rng.NormFloat64()}
	}
	r, err := reference.Sample(reference.Parallel(logp, 0), reference.Options{Seed: 1, Init: init})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, c := r.Mean(), r.Cov()
	fmt.Printf("mean %.1f, variance %.2f, warnings %d\n", m[0], c[0][0], len(r.Warnings))
	// Output: mean 2.0, variance 0.25, warnings 0
}

// The exact posterior of one simulated default trace. Without Options.Init
// the chains start from prior draws; draws from the neural posterior
// shorten burn-in.
func ExampleLogPosterior_Sample() {
	cfg := neuron.Default()
	sim, _ := neuron.NewSimulator(cfg)
	truth := []float64{1, 0.1, -65, 10, -50} // C_m, g_L, E_L, k, V_thr
	p, _ := cfg.Params(truth)
	trace := make([]float64, sim.NumSamples())
	_ = sim.Simulate([]neuron.Params{p}, []*rand.Rand{neuron.Stream(1, 0)}, trace)

	lp, err := reference.NewLogPosterior(cfg, trace)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := lp.Sample(reference.Options{Seed: 1, Burnin: 500, Iterations: 1000})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := r.Mean()
	for j, name := range r.Names {
		fmt.Printf("%s %.2g (truth %g)\n", name, m[j], truth[j])
	}
	fmt.Println("warnings:", len(r.Warnings))
	// Output:
	// C_m 1 (truth 1)
	// g_L 0.1 (truth 0.1)
	// E_L -65 (truth -65)
	// k 9.5 (truth 10)
	// V_thr -50 (truth -50)
	// warnings: 0
}
