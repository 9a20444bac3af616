package cli

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/neuron"
)

// inputFixture writes into dir an untrained model m.laa, a recording
// obs.csv and a 300-simulation data set d.npz, all of the default protocol.
func inputFixture(t *testing.T, dir string) (model, trace, data string) {
	t.Helper()
	model, trace = untrainedModel(t, neuron.Default(), dir)
	data = filepath.Join(dir, "d.npz")
	if code, out := run("simulate", "-n", "300", "-o", data); code != 0 {
		t.Fatal(out)
	}
	return model, trace, data
}

// hashes returns the SHA-256 of every file under dir, by relative path.
func hashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	h := map[string][32]byte{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			b, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(dir, path)
			h[rel] = sha256.Sum256(b)
		}
		return nil
	})
	return h
}

// TestOutputsNeverReplaceInputs: in every command, an output that is an
// input (by the same path, ./path, a hard link or a symbolic link), a
// folder output holding an input it would overwrite, and an existing
// output of another kind are refused with a message naming both, and no
// file in the folder changes (nor appears).
func TestOutputsNeverReplaceInputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	model, trace, data := inputFixture(t, dir)
	os.Link(data, p("hard.npz"))
	os.Symlink(data, p("sym.npz"))
	cfg := p("c.yaml")
	os.WriteFile(cfg, []byte("sigma_obs: 0.5\n"), 0o644)
	os.MkdirAll(p("rep"), 0o755)
	os.WriteFile(p("rep/obs.csv"), []byte("time_ms,voltage_mV\n"), 0o644)
	os.MkdirAll(p("refs"), 0o755)
	rec, _ := os.ReadFile(trace)
	os.WriteFile(p("q.csv"), rec, 0o644)
	os.WriteFile(p("q.draws.csv"), rec, 0o644)
	os.WriteFile(p("q.png"), []byte("time_ms,voltage_mV\n"), 0o644)
	before := hashes(t, dir)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--data", data, "--epochs", "1", "-o", data}, "-o " + data + " is the --data input"},
		{[]string{"train", "--data", data, "--epochs", "1", "-o", dir + "/./d.npz"}, "is the --data input"},
		{[]string{"train", "--data", p("hard.npz"), "--epochs", "1", "-o", data}, "is the --data input"},
		{[]string{"train", "--data", data, "--epochs", "1", "-o", p("sym.npz")}, "is the --data input"},
		{[]string{"train", "--data", data, "--resume", "-o", data}, "is the --data input"},
		{[]string{"train", "--data", data, "--epochs", "1", "-o", p("hard.npz")}, "is the --data input"},
		{[]string{"train", "--data", data, "--epochs", "1", "-o", p("obs.csv")}, "holds a text file, and train writes a laa model there"},
		{[]string{"simulate", "-n", "5", "--config", cfg, "-o", cfg}, "is the --config input"},
		{[]string{"simulate", "-n", "5", "--stimulus-from", trace, "-o", trace}, "is the --stimulus-from input"},
		{[]string{"simulate", "-n", "5", "-o", model}, "holds a laa model, and simulate writes a data set (.npz) there"},
		{[]string{"simulate", "-n", "5", "-o", p("rep")}, "is a folder; want a file path"},
		{[]string{"merge", "-o", data, data}, "is the shard input"},
		{[]string{"infer", "--model", model, "--trace", trace, "-o", model}, "is the --model input"},
		{[]string{"infer", "--model", model, "--trace", trace, "-o", trace}, "is the --trace input"},
		{[]string{"infer", "--model", model, "--trace", trace, "-o", data + "/x"}, "is not a folder"},
		{[]string{"infer", "--model", model, "--trace", p("q.csv"), "--trace", p("q.draws.csv"), "-o", dir}, "-o " + p("q.draws.csv") + " is the --trace input"},
		{[]string{"diagnose", "--model", model, "--data", data, "-o", data}, "is the --data input"},
		{[]string{"diagnose", "--model", model, "--data", data, "--recording", p("rep/obs.csv"), "-o", p("rep")}, "holds the --recording input " + p("rep/obs.csv")},
		{[]string{"compare", "--model", model, "--data", data, "--references", p("refs"), "-o", p("refs")}, "is the --references input"},
		{[]string{"compare", "--model", model, "--data", data, "-o", p("c.yaml")}, "is a file, not a folder"},
		{[]string{"reference", "--trace", trace, "-o", p("obs.npy")}, "-o (CSV) " + trace + " is the --trace input"},
		{[]string{"reference", "--trace", trace, "--model", model, "-o", model}, "is the --model input"},
		{[]string{"prior-predictive", "--config", cfg, "-o", p("c.svg")}, ""}, // writes c.png and c.svg: neither is an input
		{[]string{"prior-predictive", "-n", "2", "-o", p("q.png")}, "holds a text file, and prior-predictive writes a PNG image there"},
		{[]string{"demo", "-o", data}, "is a file, not a folder"},
		{[]string{"growth", "-o", model}, "is a file, not a folder"},
	} {
		code, out := run(c.args...)
		if c.want == "" {
			if code != 0 {
				t.Errorf("laa %v: exit %d: %s", c.args, code, out)
			}
			continue
		}
		if code != 1 || !strings.Contains(out, c.want) {
			t.Errorf("laa %v: exit %d, output %q; want exit 1 and %q", c.args, code, out, c.want)
		}
	}
	os.Remove(p("c.png"))
	os.Remove(p("c.svg"))
	after := hashes(t, dir)
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
}

// TestOutputFoldersCheckedBeforeWork: an output whose folder is missing or
// cannot be written is refused before the work starts (a million
// simulations, or training, would take minutes).
func TestOutputFoldersCheckedBeforeWork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, _, data := inputFixture(t, dir)
	unwritable := "/proc/laa-test.npz" // a folder no one can create files in
	if runtime.GOOS != "linux" {
		unwritable = filepath.Join(data, "x.npz")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "-n", "1000000", "-o", filepath.Join(dir, "missing", "x.npz")}, "folder " + filepath.Join(dir, "missing") + " does not exist"},
		{[]string{"simulate", "-n", "1000000", "-o", unwritable}, "cannot write in folder"},
		{[]string{"simulate", "-n", "1000000", "-o", filepath.Join(data, "x.npz")}, "is not a folder"},
		{[]string{"train", "--data", data, "--epochs", "1000", "-o", filepath.Join(dir, "missing", "m.laa")}, "does not exist"},
		{[]string{"demo", "-o", filepath.Join(data, "demo")}, "is not a folder"},
	} {
		start := time.Now()
		code, out := run(c.args...)
		if code != 1 || !strings.Contains(out, c.want) {
			t.Errorf("laa %v: exit %d, output %q; want exit 1 and %q", c.args, code, out, c.want)
		}
		if s := time.Since(start); s > 2*time.Second {
			t.Errorf("laa %v: refused after %v, want before any work", c.args, s)
		}
	}
}

// TestReplacingAnOutputOfTheSameKind: an existing data set is replaced by
// a data set, an empty file by anything; the help says so.
func TestReplacingAnOutputOfTheSameKind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "x.npz")
	for _, args := range [][]string{{"simulate", "-n", "5", "-o", out}, {"simulate", "-n", "7", "-o", out}} {
		if code, msg := run(args...); code != 0 {
			t.Fatalf("laa %v: %s", args, msg)
		}
	}
	empty := filepath.Join(dir, "empty.npz")
	os.WriteFile(empty, nil, 0o644)
	if code, msg := run("simulate", "-n", "5", "-o", empty); code != 0 {
		t.Fatalf("an empty -o was refused: %s", msg)
	}
	if _, msg := run("train", "--help"); !strings.Contains(msg, "existing model file, which is replaced") {
		t.Errorf("train --help does not say what it replaces:\n%s", msg)
	}
}

// TestSamePath covers the path comparisons: the same file by a relative
// path, a hard link and a symbolic link; different files; files that do
// not exist (by their cleaned absolute paths).
func TestSamePath(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	os.WriteFile(a, []byte("a"), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte("a"), 0o644)
	os.Link(a, filepath.Join(dir, "hard"))
	os.Symlink("a", filepath.Join(dir, "sym"))
	os.Symlink(dir, filepath.Join(dir, "loop"))
	for _, c := range []struct {
		x, y string
		same bool
	}{
		{a, dir + "/./a", true},
		{a, filepath.Join(dir, "hard"), true},
		{a, filepath.Join(dir, "sym"), true},
		{a, filepath.Join(dir, "loop", "a"), true},
		{a, filepath.Join(dir, "b"), false},
		{a, filepath.Join(dir, "new"), false},
		{filepath.Join(dir, "new"), dir + "/x/../new", true},
		{filepath.Join(dir, "loop", "new"), filepath.Join(dir, "new"), true},
		{filepath.Join(dir, "new"), filepath.Join(dir, "new2"), false},
	} {
		if got := samePath(c.x, c.y); got != c.same {
			t.Errorf("samePath(%s, %s) = %v, want %v", c.x, c.y, got, c.same)
		}
	}
}
