package workflow

import (
	"context"
	"fmt"
	"sync"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
)

// SimulateOptions say which simulations of a run to make.
type SimulateOptions struct {
	N    int    // simulations to make (required, > 0)
	Seed uint64 // the run's seed: simulation i draws from its own stream of it
	// Start and Total make one shard of a larger run: simulations
	// Start..Start+N-1 of Total (0: N). The shards of a run, merged, equal
	// the run made at once.
	Start, Total int
	Workers      int // goroutines; 0 means one per core (the result does not depend on it)
	Progress     Progress
}

// Simulate draws N parameter vectors from the priors of the LAA neuron's
// experiment cfg and simulates their noisy traces and summary statistics:
// a data set to train on (one seed) or to assess with (another seed).
func Simulate(ctx context.Context, cfg neuron.Config, opt SimulateOptions) (*dataset.Set, error) {
	if err := checkContext(ctx, "simulate"); err != nil {
		return nil, err
	}
	m, err := neuron.NewModel(cfg)
	if err != nil {
		return nil, fmt.Errorf("workflow: simulate: %w", err)
	}
	return SimulateModel(ctx, m, opt)
}

// SimulateModel is Simulate for any model that can simulate (package
// model): simulation i draws its parameters from the model's prior and
// then its observation, both from stream i of the seed. For the LAA
// neuron (neuron.Model) it gives the same rows as Simulate.
func SimulateModel(ctx context.Context, m model.Simulator, opt SimulateOptions) (*dataset.Set, error) {
	if err := checkContext(ctx, "simulate"); err != nil {
		return nil, err
	}
	var (
		mu   sync.Mutex
		done int
	)
	opt.Progress.report(Update{Stage: StageSimulate, Total: opt.N, Unit: "sims"})
	set, err := dataset.SimulateModel(m, dataset.SimulateOptions{Seed: opt.Seed, Start: opt.Start, N: opt.N, Total: opt.Total, Workers: opt.Workers,
		Progress: func(d int) {
			mu.Lock()
			defer mu.Unlock()
			done += d
			opt.Progress.report(Update{Stage: StageSimulate, Done: done, Total: opt.N, Unit: "sims"})
		}})
	if err != nil {
		return nil, fmt.Errorf("workflow: simulate: %w", err)
	}
	return set, nil
}
