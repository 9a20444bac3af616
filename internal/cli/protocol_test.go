package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/neuron"
)

// TestProtocolMismatchRefused: compare and diagnose refuse, before any
// work, a model and a data set of different protocols (another duration,
// or the same samples under another stimulus), naming both.
func TestProtocolMismatchRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	_, _, data := inputFixture(t, dir)
	short := neuron.Default()
	short.DurationMs = 300
	os.MkdirAll(p("short"), 0o755)
	m300, _ := untrainedModel(t, short, p("short"))
	step := neuron.Default()
	step.Stimulus = neuron.Stimulus{Kind: neuron.StimStep, Start: 100, End: 400, Amplitude: 3}
	os.MkdirAll(p("step"), 0o755)
	mStep, _ := untrainedModel(t, step, p("step"))
	for _, c := range []struct {
		model, want string
	}{
		{m300, "the model was trained on 300 samples from 0 to 299 ms, stimulus 0..1 uA/cm2, the data set holds 600 samples from 0 to 599 ms"},
		{mStep, "the model was trained on 600 samples from 0 to 599 ms, stimulus 0..3 uA/cm2, the data set holds 600 samples from 0 to 599 ms, stimulus 0..1.5 uA/cm2"},
	} {
		for _, args := range [][]string{
			{"compare", "--model", c.model, "--data", data, "--held-out", "1", "-o", p("cmp")},
			{"diagnose", "--model", c.model, "--data", data, "-o", p("rep")},
		} {
			start := time.Now()
			code, out := run(args...)
			if code != 1 || !strings.Contains(out, "have different protocols: "+c.want) {
				t.Errorf("laa %v: exit %d, output %q; want exit 1 and %q", args, code, out, c.want)
			}
			if s := time.Since(start); s > 2*time.Second {
				t.Errorf("laa %v: refused after %v, want before any work", args, s)
			}
		}
	}
	for _, name := range []string{"cmp", "rep"} {
		if _, err := os.Stat(p(name)); err == nil {
			t.Errorf("%s was created", name)
		}
	}
}
