package npe_test

import (
	"testing"

	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// TestSummariesDoNotDependOnChunking checks that summaries of a batch
// larger than one inference chunk equal those of each observation alone,
// for every summary kind: inference runs the summary network in chunks to
// bound its memory, and rows must not see each other.
func TestSummariesDoNotDependOnChunking(t *testing.T) {
	t.Parallel()
	_, d := testmodel.Untrained(t, neuron.Default())
	for _, kind := range []string{npe.SummaryMLP, npe.SummaryLSTM, npe.SummaryCNN, npe.SummaryHybrid} {
		arch := npe.Config{Summary: npe.SummaryConfig{Kind: kind, Out: 4, Hidden: 8}, Flow: npe.FlowConfig{Layers: 2, Hidden: 8}}
		m, err := npe.New(arch, d, 7)
		if err != nil {
			t.Fatal(err)
		}
		obs := make([]npe.Observation, 150) // more than two chunks
		for i := range obs {
			if obs[i], err = m.FromSet(d, i); err != nil {
				t.Fatal(err)
			}
		}
		all, err := m.Summaries(obs)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 63, 64, 100, 149} {
			one, err := m.Summaries(obs[i : i+1])
			if err != nil {
				t.Fatal(err)
			}
			for j, v := range one.Row(0) {
				if got := all.Row(i)[j]; got != v {
					t.Fatalf("%s: summary %d of observation %d is %v in a batch of %d, %v alone", kind, j, i, got, len(obs), v)
				}
			}
		}
	}
}
