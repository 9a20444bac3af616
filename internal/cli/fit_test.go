package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
)

// writeStepRecording writes a 150 ms recording at 10 kHz of one current
// step, noise 0.1 mV, simulated from the prior (row 0 of seed), as CSV.
func writeStepRecording(t *testing.T, path string, seed uint64) {
	t.Helper()
	cfg := neuron.Default()
	cfg.DurationMs, cfg.RecordStepMs, cfg.DtMs, cfg.SigmaObs = 150, 0.1, 0.1, 0.1
	cfg.Stimulus = neuron.Stimulus{Kind: neuron.StimStaircase, Times: []float64{0, 30, 130}, Levels: []float64{0, 1, 0}}
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: seed, N: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("time_ms,voltage_mV,current_uA_per_cm2\n")
	for i := range set.T {
		fmt.Fprintf(&b, "%.6g,%.9g,%g\n", set.Time[i]-set.Time[0], float64(set.Traces[i]), set.Stimulus[i])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFitCommand(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "cell.csv")
	writeStepRecording(t, rec, 2)
	cache, out := filepath.Join(dir, "cache"), filepath.Join(dir, "out")
	args := []string{"fit", rec, "--cache", cache, "--n-train", "3000", "--preset", "mlp", "--epochs", "10", "--draws", "1000", "-o", out}
	code, msg := run(args...)
	if code != 0 {
		t.Fatal(msg)
	}
	for _, want := range []string{"observation noise: ", "the model uses 0.04", "model: none cached for this experiment", "posterior: exact by",
		"(trained now)", "verdict: explained", "report: " + filepath.Join(out, "index.html")} {
		if !strings.Contains(msg, want) {
			t.Errorf("first fit: no %q in\n%s", want, msg)
		}
	}
	for _, f := range []string{"index.html", "cell.draws.npy", "cell.draws.csv", "cell.summary.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	code, msg = run(args...)
	if code != 0 {
		t.Fatal(msg)
	}
	if !strings.Contains(msg, "(cached)") || strings.Contains(msg, "none cached") {
		t.Errorf("second fit did not use the cached model:\n%s", msg)
	}
}

func TestFitRefusals(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "cell.csv")
	writeStepRecording(t, rec, 2)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fit", rec, "--cache", rec, "-o", filepath.Join(dir, "o")}, "--cache " + rec + " is the RECORDING input"},
		{[]string{"fit", rec, "-o", rec}, "-o " + rec + " is the RECORDING input"},
		{[]string{"fit", rec, "-o", dir}, "holds the RECORDING input"},
		{[]string{"fit", rec, "--noise", "-1", "-o", filepath.Join(dir, "o")}, "--noise"},
		{[]string{"fit", rec, "--widen-priors", "0.5", "-o", filepath.Join(dir, "o")}, "--widen-priors"},
		{[]string{"fit", rec}, "fit: -o is required: folder for the report page"},
		{[]string{"fit", filepath.Join(dir, "missing.csv"), "-o", filepath.Join(dir, "o")}, "missing.csv"},
	} {
		code, msg := run(c.args...)
		if code == 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %q; want a refusal saying %q", c.args, code, msg, c.want)
		}
	}
}

func TestRecordingCommand(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "cell.csv")
	writeStepRecording(t, rec, 2)
	code, msg := run("recording", rec)
	if code != 0 {
		t.Fatal(msg)
	}
	for _, want := range []string{"1 sweep(s)", "150 ms", "10 kHz", "mV"} {
		if !strings.Contains(msg, want) {
			t.Errorf("no %q in\n%s", want, msg)
		}
	}
}

func TestFitAssumedProtocol(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.csv")
	writeStepRecording(t, full, 2)
	// The same trace without its current column.
	b, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	var cut strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		cut.WriteString(line[:strings.LastIndex(line, ",")] + "\n")
	}
	rec := filepath.Join(dir, "nocurrent.csv")
	if err := os.WriteFile(rec, []byte(cut.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := neuron.Default()
	cfg.Stimulus = neuron.Stimulus{Kind: neuron.StimStaircase, Times: []float64{0, 30, 130}, Levels: []float64{0, 1, 0}}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "step.json")
	if err := os.WriteFile(cfgPath, js, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"fit", rec, "--cache", filepath.Join(dir, "cache"), "--n-train", "500", "--epochs", "2", "--draws", "200", "-o", filepath.Join(dir, "out")}
	if code, msg := run(args...); code == 0 || !strings.Contains(msg, "current") {
		t.Errorf("no current and no --assume-protocol: exit %d, %q; want a refusal", code, msg)
	}
	code, msg := run(append(args, "--config", cfgPath, "--assume-protocol")...)
	if code != 0 {
		t.Fatal(msg)
	}
	for _, want := range []string{"1 uA/cm2 from 30 ms", recording.AssumedCurrentNote} {
		if !strings.Contains(msg, want) {
			t.Errorf("no %q in\n%s", want, msg)
		}
	}
}
