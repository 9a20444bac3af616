// Package testmodel builds the small neural posteriors that tests of
// the packages above npe (exact, validation, the command line) run their
// code paths on, where the numbers need not mean anything but the shapes,
// routes and files must be real.
package testmodel

import (
	"sync"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// Untrained returns an untrained model for cfg (an MLP summary of width 8,
// two coupling blocks of width 8, seed 7) whose ActNorm layers are
// initialized from 200 simulations of cfg (seed 3), and those simulations.
// It fails tb on any error.
func Untrained(tb testing.TB, cfg neuron.Config) (*npe.Model, *dataset.Set) {
	tb.Helper()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 3, N: 200})
	if err != nil {
		tb.Fatal(err)
	}
	arch := npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 4, Hidden: 8}, Flow: npe.FlowConfig{Layers: 2, Hidden: 8}}
	m, err := npe.New(arch, d, 7)
	if err != nil {
		tb.Fatal(err)
	}
	obs := make([]npe.Observation, d.N)
	for i := range obs {
		if obs[i], err = m.FromSet(d, i); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := m.Loss(obs, d.Theta); err != nil { // the first forward pass initializes ActNorm
		tb.Fatal(err)
	}
	return m, d
}

var (
	trainedOnce  sync.Once
	trainedModel *npe.Model
	trainedHeld  *dataset.Set
	trainedErr   error
)

// Trained returns a small model (an MLP summary of width 64 to 16, four
// coupling blocks of width 64, the quick preset's training for 8 epochs)
// trained on 6,000 simulations of the default experiment (seed 11), and
// 400 held-out simulations (seed 12), made once per test binary and shared
// by its tests, which must not change them. It skips in short mode and
// fails t on any error.
func Trained(t *testing.T) (*npe.Model, *dataset.Set) {
	t.Helper()
	if testing.Short() {
		t.Skip("trains a model")
	}
	trainedOnce.Do(func() {
		sim, err := neuron.NewSimulator(neuron.Default())
		if err != nil {
			trainedErr = err
			return
		}
		trainSet, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 11, N: 6000})
		if err != nil {
			trainedErr = err
			return
		}
		if trainedHeld, err = dataset.Simulate(sim, dataset.SimulateOptions{Seed: 12, N: 400}); err != nil {
			trainedErr = err
			return
		}
		opt, _ := train.Preset(train.PresetQuick)
		opt.Model = npe.Config{Summary: npe.SummaryConfig{Out: 16, Hidden: 64}, Flow: npe.FlowConfig{Layers: 4, Hidden: 64}}
		opt.Epochs = 8
		trainedModel, _, trainedErr = train.Run(trainSet, opt, "", nil)
	})
	if trainedErr != nil {
		t.Fatal(trainedErr)
	}
	return trainedModel, trainedHeld
}
