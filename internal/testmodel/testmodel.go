// Package testmodel builds the small untrained neural posterior that tests of
// the packages above npe (exact, validation, the command line) run their
// code paths on, where the numbers need not mean anything but the shapes,
// routes and files must be real.
package testmodel

import (
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
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
