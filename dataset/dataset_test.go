package dataset

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

func simulate(t *testing.T, seed uint64, start, n, total, workers int) *Set {
	t.Helper()
	sim, err := neuron.NewSimulator(neuron.Default())
	if err != nil {
		t.Fatal(err)
	}
	s, err := Simulate(sim, SimulateOptions{Seed: seed, Start: start, N: n, Total: total, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t *testing.T, s *Set, name string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s := simulate(t, 5, 0, 70, 0, 0)
	path := filepath.Join(t.TempDir(), "a.npz")
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 70 || got.P != 5 || got.T != 600 || got.S() != s.S() {
		t.Fatalf("read shape N=%d P=%d T=%d S=%d", got.N, got.P, got.T, got.S())
	}
	for i := range s.Theta {
		if s.Theta[i] != got.Theta[i] {
			t.Fatalf("theta[%d] %v != %v", i, got.Theta[i], s.Theta[i])
		}
	}
	for i := range s.Traces {
		if s.Traces[i] != got.Traces[i] {
			t.Fatalf("traces[%d] differ", i)
		}
	}
	if got.Meta.Seed != 5 || got.Meta.Config.DtMs != neuron.DefaultDtMs {
		t.Fatalf("metadata lost: %+v", got.Meta)
	}
}

func TestSameBytesForAnyWorkerCount(t *testing.T) {
	t.Parallel()
	a := write(t, simulate(t, 9, 0, 100, 0, 1), "a.npz")
	b := write(t, simulate(t, 9, 0, 100, 0, 3), "b.npz")
	if !bytes.Equal(a, b) {
		t.Fatal("1 and 3 workers wrote different files")
	}
}

func TestMergedShardsEqualWholeRun(t *testing.T) {
	t.Parallel()
	whole := write(t, simulate(t, 4, 0, 90, 90, 0), "whole.npz")
	dir := t.TempDir()
	var shards []*Set
	for _, r := range [][2]int{{60, 30}, {0, 30}, {30, 30}} { // out of order on purpose
		p := filepath.Join(dir, "s.npz")
		if err := simulate(t, 4, r[0], r[1], 90, 0).Write(p); err != nil {
			t.Fatal(err)
		}
		s, err := Read(p)
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, s)
	}
	merged, err := Merge(shards)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(write(t, merged, "m.npz"), whole) {
		t.Fatal("merged shards differ from the unsharded file")
	}
	if _, err := Merge(shards[:2]); err == nil || !strings.Contains(err.Error(), "gap") {
		t.Fatalf("merge with a missing shard: %v, want a gap error", err)
	}
	other := simulate(t, 5, 30, 30, 90, 0)
	if _, err := Merge([]*Set{shards[1], other}); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Fatalf("merge across seeds: %v, want a seed error", err)
	}
}

func TestTruncatedFileRefused(t *testing.T) {
	t.Parallel()
	b := write(t, simulate(t, 1, 0, 20, 0, 0), "a.npz")
	path := filepath.Join(t.TempDir(), "cut.npz")
	os.WriteFile(path, b[:len(b)/2], 0o644)
	if _, err := Read(path); err == nil {
		t.Fatal("truncated file was read")
	} else {
		t.Log(err)
	}
}

func TestUnwritableOutputLeavesNothing(t *testing.T) {
	t.Parallel()
	s := simulate(t, 1, 0, 5, 0, 0)
	if err := s.Write("/nonexistent-dir/x.npz"); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
	dir := t.TempDir()
	s.Traces = s.Traces[:10] // inconsistent: refused before anything is written
	if err := s.Write(filepath.Join(dir, "bad.npz")); err == nil {
		t.Fatal("inconsistent set written")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left %d files behind", len(ents))
	}
}

// python returns Debian's python3 if it has numpy, else skips; under CI
// (CI=true), where .ci/run installs python3-numpy, its absence fails.
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	const msg = "no python3 with numpy (apt-get install python3-numpy)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func TestNumpyReadsLaaFile(t *testing.T) {
	t.Parallel()
	py := python(t)
	s := simulate(t, 2, 0, 12, 0, 0)
	path := filepath.Join(t.TempDir(), "a.npz")
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, json, numpy as np
d = np.load(sys.argv[1])
assert d["theta"].shape == (12, 5) and d["theta"].dtype == np.float64, d["theta"].shape
assert d["traces"].shape == (12, 600) and d["traces"].dtype == np.float32
assert d["stats"].shape[0] == 12
meta = json.loads(str(d["meta"]))
assert meta["param_names"] == ["C_m", "g_L", "E_L", "k", "V_thr"], meta["param_names"]
print(repr(float(d["theta"][3, 2])), repr(float(d["traces"][7, 123])), float(d["stimulus"][250]))
`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	f := strings.Fields(string(out))
	want := []string{fmtFloat(s.Theta[3*5+2]), fmtFloat(float64(s.Traces[7*600+123])), "1.0"}
	for i := range want {
		if f[i] != want[i] {
			t.Fatalf("numpy read %v, want %v", f, want)
		}
	}
}

// fmtFloat formats v as Python's repr does (shortest round-trip form).
func fmtFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

func TestLaaReadsNumpyFile(t *testing.T) {
	t.Parallel()
	py := python(t)
	path := filepath.Join(t.TempDir(), "np.npz")
	script := `
import sys, numpy as np
rng = np.random.default_rng(0)
theta = np.array([[1.0, 0.1, -65.0, 6.0, -50.0], [1.5, 0.2, -60.0, 3.0, -45.0]])
traces = (-65 + rng.normal(size=(2, 600))).astype(np.float32)
t = np.arange(600.0)
stim = np.where((t >= 50) & (t < 500), 1.0, 0.0)
np.savez(sys.argv[1], theta=theta, traces=traces, time_ms=t, stimulus=stim)
print(repr(float(traces[1, 599])))
`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	s, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || s.P != 5 || s.T != 600 || s.Theta[5+3] != 3.0 || s.Stimulus[100] != 1 {
		t.Fatalf("read N=%d P=%d T=%d theta=%v", s.N, s.P, s.T, s.Theta)
	}
	// Without meta, the protocol is the stimulus array's: a step of 1 from 50 to 500 ms.
	if st := s.Meta.Config.Stimulus; st.Kind != neuron.StimStep || st.Start != 50 || st.End != 500 || st.Amplitude != 1 || len(s.Warnings) != 1 {
		t.Fatalf("protocol without meta: %+v, warnings %q", st, s.Warnings)
	}
	if got := fmtFloat(float64(s.Traces[1*600+599])); got != strings.TrimSpace(string(out)) {
		t.Fatalf("traces[1,599] = %s, numpy wrote %s", got, out)
	}
	// NaN in a numpy-made trace is refused with its row.
	script = `
import sys, numpy as np
tr = np.zeros((3, 600), dtype=np.float32); tr[2, 17] = np.nan
np.savez(sys.argv[1], theta=np.ones((3, 5)), traces=tr, time_ms=np.arange(600.0), stimulus=np.zeros(600))
`
	if out, err := exec.Command(py, "-c", script, path).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "row 2, column 17") {
		t.Fatalf("NaN trace: %v, want an error naming row 2, column 17", err)
	}
}
