package hh

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
)

// shortExperiment is 150 ms of a 6 uA/cm2 step from 20 ms, sampled every
// 1 ms with 1 mV noise: the classic cell spikes repetitively under it.
func shortExperiment() neuron.Config {
	cfg := neuron.Default()
	cfg.DurationMs = 150
	cfg.Stimulus = neuron.Stimulus{Kind: neuron.StimStep, Start: 20, End: 150, Amplitude: 6}
	return cfg
}

// TestModelImplementsModel checks the Hodgkin-Huxley model against the
// model interface: what it declares passes model.Check, its spec decodes
// to an equal model, a simulation at the base cell's parameters is the
// package's own Simulate with the same noise, and a data set of it made in
// two shards equals the whole run byte for byte.
func TestModelImplementsModel(t *testing.T) {
	t.Parallel()
	m, err := NewModel(Classic(), shortExperiment(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := model.Check(m); err != nil {
		t.Fatal(err)
	}
	if got := model.Names(m); len(got) != 4 || got[0] != "g_Na" || got[3] != "E_L" {
		t.Fatalf("parameters %v", got)
	}
	spec, err := m.Spec()
	if err != nil {
		t.Fatal(err)
	}
	back, err := model.Decode(Kind, spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := model.SameParameters(m, back); err != nil {
		t.Fatal(err)
	}
	sim, err := neuron.NewSimulator(shortExperiment())
	if err != nil {
		t.Fatal(err)
	}
	layout, err := sim.FeatureLayout()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.FeatureNames(), layout.Names()) {
		t.Errorf("features %v, want the LAA protocol's %v", m.FeatureNames(), layout.Names())
	}

	c := Classic()
	theta := []float64{c.GNa, c.GK, c.GL, c.EL}
	x := make([]float64, 150)
	if err := m.Simulate(theta, []*rand.Rand{model.Stream(1, 0)}, x); err != nil {
		t.Fatal(err)
	}
	cfg := shortExperiment()
	cur, _ := cfg.Stimulus.Compile()
	want, err := Simulate(c, cur, Settings{RecordStepMs: 1, NumSamples: 150, NoiseSD: cfg.SigmaObs}, model.Stream(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	peak := math.Inf(-1)
	for i := range x {
		if x[i] != want.V[i] {
			t.Fatalf("sample %d: %g, hh.Simulate gives %g", i, x[i], want.V[i])
		}
		peak = max(peak, x[i])
	}
	if peak < 20 {
		t.Errorf("peak %g mV: the classic cell should spike under a 6 uA/cm2 step", peak)
	}

	dir := t.TempDir()
	whole, err := dataset.SimulateModel(m, dataset.SimulateOptions{Seed: 4, N: 12})
	if err != nil {
		t.Fatal(err)
	}
	a, err := dataset.SimulateModel(m, dataset.SimulateOptions{Seed: 4, N: 5, Total: 12, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := dataset.SimulateModel(m, dataset.SimulateOptions{Seed: 4, Start: 5, N: 7, Total: 12})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := dataset.Merge([]*dataset.Set{a, b})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*dataset.Set{"whole.npz": whole, "merged.npz": merged} {
		if err := s.Write(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := os.ReadFile(filepath.Join(dir, "whole.npz"))
	g, _ := os.ReadFile(filepath.Join(dir, "merged.npz"))
	if !bytes.Equal(w, g) {
		t.Fatal("shards merged differ from the whole run")
	}
	if whole.S() != layout.Len() || whole.IdentityFeatures() {
		t.Errorf("data set features: %d, identity %v; want the protocol's %d statistics", whole.S(), whole.IdentityFeatures(), layout.Len())
	}
}
