package reference

import (
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// BenchmarkPosterior times one posterior of a default trace (the example
// cell of docs/model.md) with the default options; it reports seconds per
// posterior, log-density evaluations per second and the smallest ESS.
func BenchmarkPosterior(b *testing.B) {
	cfg := neuron.Default()
	lp, err := NewLogPosterior(cfg, simulateTrace(b, cfg, exampleTruth, 1))
	if err != nil {
		b.Fatal(err)
	}
	var r *Result
	for i := 0; b.Loop(); i++ {
		if r, err = lp.Sample(Options{Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
	iters := DefaultBurnin + len(r.Chains[0])
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/posterior")
	b.ReportMetric(float64(iters*len(r.Chains)*b.N)/b.Elapsed().Seconds(), "evals/s")
	ess := r.ESS[0]
	for _, e := range r.ESS {
		ess = min(ess, e)
	}
	b.ReportMetric(ess, "min-ESS")
}
