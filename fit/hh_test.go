package fit

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/hh"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
)

// TestSpikingHodgkinHuxleyNotExplained fits a spiking Hodgkin-Huxley cell
// (the test protocol's step ten times stronger, 0.1 mV of noise): the LAA
// model cannot explain it, so the verdict must say so, and the posterior
// predictive bands must stay finite and physical however far the posterior
// strays (or the check must say why it could not be made).
func TestSpikingHodgkinHuxleyNotExplained(t *testing.T) {
	dir := t.TempDir()
	cfg := recordingConfig()
	cur, err := cfg.Stimulus.Compile()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := hh.Simulate(hh.Classic(), cur, hh.Settings{DtMs: 0.01, RecordStepMs: recStepMs, NumSamples: cfg.NumSamples(),
		StimulusScale: 10, NoiseSD: recNoiseMV}, neuron.Stream(5, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Spikes) < 2 {
		t.Fatalf("the Hodgkin-Huxley trace has %d spikes; the test needs a spiking cell", len(tr.Spikes))
	}
	var b strings.Builder
	b.WriteString("time_ms,voltage_mV,current_uA_per_cm2\n")
	for i := range tr.V {
		fmt.Fprintf(&b, "%.6g,%.9g,%g\n", tr.Time[i], tr.V[i], tr.I[i])
	}
	path := filepath.Join(dir, "hh.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o := smallOptions(filepath.Join(dir, "cache"), filepath.Join(dir, "out"))
	o.Log = testLog{t}
	res, err := Run(path, recording.Options{}, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("verdict: %s", res.Verdict())
	if res.Recording.Trustworthy || !strings.HasPrefix(res.Verdict(), "NOT explained") {
		t.Errorf("a spiking Hodgkin-Huxley cell: verdict %q, want NOT explained", res.Verdict())
	}
	seen := map[string]bool{}
	for _, w := range res.Warnings {
		if seen[w] {
			t.Errorf("warning given twice: %q", w)
		}
		seen[w] = true
	}
	ppc := res.Recording.PPC
	bands := [][]float64{ppc.Q05, ppc.Q25, ppc.Q50, ppc.Q75, ppc.Q95}
	if len(ppc.Q50) == 0 {
		if !strings.Contains(strings.Join(res.Warnings, " "), "predictive") {
			t.Errorf("no predictive bands and no warning saying why: %q", res.Warnings)
		}
		return
	}
	for _, band := range bands {
		for _, v := range band {
			if math.IsNaN(v) || v < -250 || v > 150 {
				t.Fatalf("a predictive band holds %v mV, outside the physical range", v)
			}
		}
	}
	if math.IsNaN(ppc.CRPS) || math.IsInf(ppc.CRPS, 0) || ppc.CRPS > 1000 {
		t.Errorf("CRPS %v: not a readable score", ppc.CRPS)
	}
}
