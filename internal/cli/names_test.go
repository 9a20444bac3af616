package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// TestInferNamesDistinctAndSafe: two traces with one base name get
// distinct outputs (obs, obs-2) and infer prints where they went; an NWB
// sweep named "../../x" (a crafted file) writes inside -o only.
func TestInferNamesDistinctAndSafe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	model, trace := untrainedModel(t, neuron.Default(), dir)
	os.MkdirAll(p("a"), 0o755)
	os.MkdirAll(p("b"), 0o755)
	rec, _ := os.ReadFile(trace)
	os.WriteFile(p("a/obs.csv"), rec, 0o644)
	os.WriteFile(p("b/obs.csv"), rec, 0o644)
	code, out := run("infer", "--model", model, "--trace", p("a/obs.csv"), "--trace", p("b/obs.csv"), "--trace", p("a/obs.csv"),
		"--draws", "20", "--exact=false", "-o", p("c"))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"note: results of " + p("b/obs.csv") + " go to " + p("c/obs-2") + ".* (obs.* is taken by " + p("a/obs.csv") + ")",
		"note: results of " + p("a/obs.csv") + " go to " + p("c/obs-3") + ".*",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, name := range []string{"obs", "obs-2", "obs-3"} {
		var s struct {
			Trace string `json:"trace"`
		}
		b, err := os.ReadFile(p("c/" + name + ".summary.json"))
		if err != nil || json.Unmarshal(b, &s) != nil || s.Trace != name {
			t.Errorf("%s.summary.json: %v, trace %q", name, err, s.Trace)
		}
	}

	// The sweep of testdata/sweep_dotdot.nwb is named "../../x".
	deep := p("x/y/out")
	code, out = run("infer", "--model", model, "--trace", "testdata/sweep_dotdot.nwb", "--area-cm2", "1e-4", "--draws", "20", "--exact=false", "-o", deep)
	var outside []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(path, deep+string(filepath.Separator)) && !strings.HasPrefix(path, p("c")) &&
			!strings.HasPrefix(path, p("a")) && !strings.HasPrefix(path, p("b")) && path != model && path != trace {
			outside = append(outside, path)
		}
		return nil
	})
	if len(outside) > 0 {
		t.Fatalf("files written outside -o: %v\n%s", outside, out)
	}
	if code == 0 {
		if _, err := os.Stat(filepath.Join(deep, "sweep_dotdot_.._.._x.draws.npy")); err != nil || !strings.Contains(out, `its name "sweep_dotdot_../../x" made safe`) {
			t.Fatalf("the crafted sweep's results: %v\n%s", err, out)
		}
	}
}
