package cli

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// TestResumeRefusesContradictingOptions: train --resume refuses every
// explicitly set option that differs from the checkpoint's, naming it and
// both values; the checkpoint's own values are accepted and the run
// finishes; a finished run and a file without training state are refused.
func TestResumeRefusesContradictingOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	_, d := testmodel.Untrained(t, neuron.Default())
	if err := d.Write(p("d.npz")); err != nil {
		t.Fatal(err)
	}
	opt, _ := train.Preset(train.PresetMLP)
	opt.Model = npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 4, Hidden: 8}, Flow: npe.FlowConfig{Layers: 2, Hidden: 8}}
	opt.Epochs, opt.BatchSize, opt.Patience, opt.ValFraction = 3, 64, 0, 0.1
	// Keep the checkpoint written after epoch 1, as if killed in epoch 2.
	_, _, err := train.Run(d, opt, p("run.laa"), func(epoch, step, _ int, _, val float64) {
		if epoch == 2 && step == 1 && math.IsNaN(val) {
			b, _ := os.ReadFile(p("run.laa"))
			os.WriteFile(p("ck.laa"), b, 0o644)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	resume := []string{"train", "--resume", "--data", p("d.npz"), "-o", p("ck.laa")}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--epochs", "5"}, "--epochs 5 (the checkpoint has 3)"},
		{[]string{"--seed", "9"}, "--seed 9 (the checkpoint has 1)"},
		{[]string{"--patience", "2"}, "--patience 2 (the checkpoint has 0)"},
		{[]string{"--summary", "lstm"}, "--summary lstm (the checkpoint has mlp)"},
		{[]string{"--flow", "spline"}, "--flow spline (the checkpoint has affine)"},
		{[]string{"--preset", "mlp"}, "--preset mlp (batch_size 256, the checkpoint 64"},
		{[]string{"--preset", "quick", "--epochs", "4"}, "--epochs 4 (the checkpoint has 3); --preset quick (batch_size 256, the checkpoint 64"},
	} {
		code, out := run(append(resume, c.args...)...)
		if code != 1 || !strings.Contains(out, "these contradict it: "+c.want) {
			t.Errorf("laa train --resume %v: exit %d, output %q; want exit 1 and %q", c.args, code, out, c.want)
		}
	}
	code, out := run(append(resume, "--epochs", "3", "--seed", "1", "--patience", "0", "--summary", "mlp", "--flow", "affine")...)
	if code != 0 || !strings.Contains(out, "of 3 (epochs)") {
		t.Fatalf("resume with the checkpoint's own options: exit %d\n%s", code, out)
	}
	if code, out := run(resume...); code != 1 || !strings.Contains(out, "already finished training (all its 3 epochs)") {
		t.Errorf("resume of a finished run: exit %d\n%s", code, out)
	}
	model, _ := untrainedModel(t, neuron.Default(), dir)
	if code, out := run("train", "--resume", "--data", p("d.npz"), "-o", model); code != 1 || !strings.Contains(out, "no training state") {
		t.Errorf("resume of a model without training state: exit %d\n%s", code, out)
	}
}
