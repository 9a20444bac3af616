package reference

import (
	"context"
	"fmt"
)

// Defaults of Options. 64 chains fill two lockstep blocks of the simulator
// (neuron.BlockSize = 32): a block costs the same however few rows it
// holds, so on 2 cores 64 chains take as long per iteration as 8. With more
// cores, raise Chains to 32 per core.
const (
	DefaultChains     = 64
	DefaultBurnin     = 1000
	DefaultIterations = 2000
	maxRounds         = 4 // MaxIterations defaults to maxRounds * Iterations
)

// Options tunes Sample. The zero value gives DefaultChains chains of
// DefaultBurnin burn-in and DefaultIterations sampling iterations, extended
// up to 4 x DefaultIterations until the chains converge; no thinning, seed 0
// and every core.
type Options struct {
	Chains     int // number of chains; 0 means DefaultChains (at least 3; best a multiple of 32)
	Burnin     int // burn-in (adaptation) iterations per chain, discarded; 0 means DefaultBurnin
	Iterations int // sampling iterations per chain after burn-in; 0 means DefaultIterations

	// MaxIterations caps the sampling iterations per chain: while R-hat
	// exceeds MaxRHat or ESS falls below MinESS in some dimension, sampling
	// goes on in rounds of Iterations up to MaxIterations. 0 means
	// 4 x Iterations; set it to Iterations for a run of fixed length.
	MaxIterations int

	Thin    int    // keep every Thin-th sampling iteration; 0 means 1
	Seed    uint64 // the seed of every random draw
	Workers int    // goroutines for proposals and LogPosterior's simulations; 0 means one per core. Results do not depend on it.

	// Init, if not empty, is the starting population: its first Chains
	// rows with a finite log density start the chains and all its rows
	// seed the archive (ter Braak and Vrugt use 10 d rows). Draws from an
	// approximate posterior (the neural posterior) shorten burn-in. For
	// Sample the rows are in the sampler's space; for LogPosterior.Sample
	// they are natural parameters. LogPosterior.Sample draws max(10 d,
	// 2 Chains) rows from the prior when Init is empty.
	Init [][]float64

	// Progress, if not nil, is called from the sampling goroutine about
	// every 1 % of the run.
	Progress func(Progress)
	Context  context.Context // optional cancellation
}

// Progress reports how far a run has come.
type Progress struct {
	Iteration  int     // iterations done, burn-in included
	Total      int     // burn-in plus sampling iterations planned so far (grows when sampling extends)
	Burnin     bool    // still in burn-in
	AcceptRate float64 // acceptance rate since the start of the current phase
}

// withDefaults fills the zero fields of o and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Chains == 0 {
		o.Chains = DefaultChains
	}
	if o.Burnin == 0 {
		o.Burnin = DefaultBurnin
	}
	if o.Iterations == 0 {
		o.Iterations = DefaultIterations
	}
	if o.MaxIterations == 0 {
		o.MaxIterations = maxRounds * o.Iterations
	}
	if o.Thin == 0 {
		o.Thin = 1
	}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers()
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	switch {
	case o.Chains < 3:
		return o, fmt.Errorf("reference: %d chains; need at least 3", o.Chains)
	case o.Burnin < 0, o.Iterations < 0, o.Thin < 0:
		return o, fmt.Errorf("reference: negative burn-in, iterations or thinning (%d, %d, %d)", o.Burnin, o.Iterations, o.Thin)
	case o.MaxIterations < o.Iterations:
		return o, fmt.Errorf("reference: max iterations %d < iterations %d", o.MaxIterations, o.Iterations)
	case o.Iterations/o.Thin < 4:
		return o, fmt.Errorf("reference: %d iterations thinned by %d keep fewer than 4 draws per chain", o.Iterations, o.Thin)
	}
	return o, nil
}
