package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCountsRefused: zero or negative counts are refused naming the flag
// (where 0 does not mean a documented default), and counts whose product
// drives an allocation beyond a named limit are refused naming it, before
// any work; nothing is written.
func TestCountsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	model, trace, data := inputFixture(t, dir)
	os.MkdirAll(p("out"), 0o755)
	o := p("out/x")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "-n", "-5", "-o", o + ".npz"}, "simulate: -n must be positive, got -5"},
		{[]string{"simulate", "-n", "10", "--workers", "-1", "-o", o + ".npz"}, "--workers must not be negative, got -1 (0: all cores)"},
		{[]string{"simulate", "-n", "10", "--workers", "100000", "-o", o + ".npz"}, "--workers 100000 exceeds the limit of 1024 (MaxWorkers)"},
		{[]string{"simulate", "-n", "4000000", "-o", o + ".npz"}, "-n 4000000 x 600 samples per trace = 2.4e+09 trace values exceeds the limit of 2147483648 (MaxTraceValues)"},
		{[]string{"prior-predictive", "-n", "0", "-o", o + ".png"}, "-n must be positive, got 0"},
		{[]string{"prior-predictive", "-n", "5000", "-o", o + ".png"}, "-n 5000 exceeds the limit of 1000 (MaxPlotTraces)"},
		{[]string{"train", "--data", data, "--epochs", "0", "-o", o + ".laa"}, "train: --epochs must be positive, got 0"},
		{[]string{"train", "--data", data, "--epochs", "-3", "-o", o + ".laa"}, "--epochs must be positive, got -3"},
		{[]string{"train", "--data", data, "--patience", "-1", "-o", o + ".laa"}, "--patience must not be negative"},
		{[]string{"infer", "--model", model, "--trace", trace, "--draws", "0", "-o", o}, "infer: --draws must be positive, got 0"},
		{[]string{"infer", "--model", model, "--trace", trace, "--draws", "10000000", "-o", o}, "10000000 draws x 5 parameters x 1 traces = 5e+07 posterior values exceeds the limit of 33554432 (MaxPosteriorValues)"},
		{[]string{"diagnose", "--model", model, "--data", data, "--held-out", "0", "-o", o}, "diagnose: --held-out must be positive, got 0"},
		{[]string{"diagnose", "--model", model, "--data", data, "--draws", "-1", "-o", o}, "--draws must be positive, got -1"},
		{[]string{"diagnose", "--model", model, "--data", data, "--draws", "1000000", "-o", o}, "1000000 draws x 5 parameters x 300 held-out simulations = 1.5e+09 posterior values exceeds the limit"},
		{[]string{"diagnose", "--model", model, "--data", data, "--compare-held-out", "-2", "-o", o}, "--compare-held-out must not be negative, got -2 (0: no comparison)"},
		{[]string{"diagnose", "--model", model, "--data", data, "--compare-draws", "0", "-o", o}, "--compare-draws must be positive"},
		{[]string{"compare", "--model", model, "--data", data, "--held-out", "0", "-o", o}, "compare: --held-out must be positive, got 0"},
		{[]string{"compare", "--model", model, "--data", data, "--draws", "0", "-o", o}, "compare: --draws must be positive, got 0"},
		{[]string{"compare", "--model", model, "--data", data, "--mcmc-iterations", "-1", "-o", o}, "--mcmc-iterations must not be negative"},
		{[]string{"compare", "--model", model, "--data", data, "--mcmc-iterations", "1000000", "-o", o}, "(MaxPosteriorValues)"},
		{[]string{"reference", "--trace", trace, "--chains", "-1", "-o", o + ".npy"}, "--chains must not be negative, got -1 (0: the sampler's default)"},
		{[]string{"reference", "--trace", trace, "--chains", "100000", "-o", o + ".npy"}, "--chains 100000 exceeds the limit of 16384 (MaxChains)"},
		{[]string{"reference", "--trace", trace, "--chains", "1000", "--iterations", "100000", "-o", o + ".npy"}, "1000 chains x 100000 iterations x 4 (extension) x 5 parameters"},
		{[]string{"demo", "--n-train", "0", "-o", o}, "demo: --n-train must be positive, got 0"},
		{[]string{"demo", "--held-out", "-1", "-o", o}, "demo: --held-out must be positive, got -1"},
		{[]string{"demo", "--epochs", "-1", "-o", o}, "--epochs must not be negative"},
		{[]string{"growth", "--draws", "0", "-o", o}, "growth: --draws must be positive, got 0"},
		{[]string{"growth", "--epochs", "-1", "-o", o}, "--epochs must not be negative"},
		{[]string{"growth", "--sweeps", "1,1000000000", "-o", o}, "exceed neuron.MaxSamplesPerTrace (1000000 samples per trace): at most 1666 sweeps"},
	} {
		code, out := run(c.args...)
		if code != 1 || !strings.Contains(out, c.want) {
			t.Errorf("laa %v: exit %d, output %q; want exit 1 and %q", c.args, code, out, c.want)
		}
	}
	if ents, _ := os.ReadDir(p("out")); len(ents) != 0 {
		t.Errorf("%d files written", len(ents))
	}
}
