package cli

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
)

// run calls Main and returns its exit code and combined output.
func run(args ...string) (int, string) {
	var out bytes.Buffer
	code := Main(append(args, "--quiet"), &out, &out)
	return code, out.String()
}

func TestSimulateShardsMergeToWholeRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	if code, out := run("simulate", "-n", "50", "--seed", "3", "-o", p("whole.npz")); code != 0 {
		t.Fatal(out)
	}
	for _, s := range []string{"1/3", "2/3", "3/3"} {
		if code, out := run("simulate", "-n", "50", "--seed", "3", "--shard", s, "-o", p("s"+s[:1]+".npz")); code != 0 {
			t.Fatal(out)
		}
	}
	if code, out := run("merge", "-o", p("merged.npz"), p("s3.npz"), p("s1.npz"), p("s2.npz")); code != 0 {
		t.Fatal(out)
	}
	a, _ := os.ReadFile(p("whole.npz"))
	b, _ := os.ReadFile(p("merged.npz"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatal("merged shards differ from the unsharded run")
	}
}

func TestBadInputErrorsAndNoPartialFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bad.yaml")
	os.WriteFile(cfg, []byte("priors:\n  C_m: {dist: lognormal, median: -1, sigma_log: 0.3}\n"), 0o644)
	unknown := filepath.Join(dir, "unknown.yaml")
	os.WriteFile(unknown, []byte("noise_sd: 2\n"), 0o644)
	out := filepath.Join(dir, "x.npz")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "-n", "0", "-o", out}, "-n must be positive"},
		{[]string{"simulate", "-n", "-5", "-o", out}, "-n must be positive"},
		{[]string{"simulate", "-n", "10", "-o", filepath.Join(dir, "missing", "x.npz")}, "does not exist"},
		{[]string{"simulate", "-n", "10", "--config", cfg, "-o", out}, "median > 0"},
		{[]string{"simulate", "-n", "10", "--config", unknown, "-o", out}, "noise_sd"},
		{[]string{"simulate", "-n", "10", "--shard", "4/3", "-o", out}, "--shard"},
		{[]string{"merge", "-o", out, filepath.Join(dir, "nope.npz")}, "nope.npz"},
	} {
		code, msg := run(c.args...)
		if code == 0 || !strings.Contains(msg, c.want) {
			t.Errorf("laa %v: exit %d, output %q; want an error mentioning %q", c.args, code, msg, c.want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Fatalf("files left behind: %v", names)
	}
}

func TestConfigPrintsValidYAMLThatLoadsBack(t *testing.T) {
	t.Parallel()
	code, out := run("config")
	if code != 0 || !strings.Contains(out, "sigma_log: 0.3") {
		t.Fatalf("exit %d: %s", code, out)
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte(out), 0o644)
	if code, msg := run("config", "--config", path); code != 0 || msg != out {
		t.Fatalf("the printed default does not load back to itself: %s", msg)
	}
}

func TestPriorPredictiveWritesFigures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, out := run("prior-predictive", "-n", "5", "-o", filepath.Join(dir, "prior.png")); code != 0 {
		t.Fatal(out)
	}
	for _, f := range []string{"prior.png", "prior.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() < 1000 {
			t.Fatalf("%s missing or tiny: %v", f, err)
		}
	}
	// The SVG's content: the title, and one line of 600 points per draw
	// plus the stimulus's.
	svg, _ := os.ReadFile(filepath.Join(dir, "prior.svg"))
	if !strings.Contains(string(svg), ">Prior predictive: 5 draws (seed 1)<") {
		t.Error("prior.svg lacks the title 'Prior predictive: 5 draws (seed 1)'")
	}
	lines := 0
	for _, d := range regexp.MustCompile(`d="([^"]*)"`).FindAllStringSubmatch(string(svg), -1) {
		if strings.Count(d[1], "L") == 599 { // a move to the first point, then 599 lines
			lines++
		}
	}
	if lines != 6 {
		t.Errorf("prior.svg draws %d lines of 600 points, want 6 (5 traces and the stimulus)", lines)
	}
}

func TestSimulateStimulusFromRecording(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.csv")
	// A 10 kHz recording in SI units of a 2 uA/cm2 step from 100 to 400 ms.
	var b strings.Builder
	b.WriteString("t_s,v_V,i_uA_per_cm2\n")
	for k := 0; k <= 6000; k++ {
		tms := float64(k) / 10
		i := 0.0
		if tms >= 100 && tms < 400 {
			i = 2
		}
		fmt.Fprintf(&b, "%g,%g,%g\n", tms/1000, -0.065, i)
	}
	os.WriteFile(rec, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "sf.npz")
	code, msg := run("simulate", "-n", "20", "--stimulus-from", rec, "-o", out)
	if code != 0 {
		t.Fatal(msg)
	}
	set, err := dataset.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	// The recording's experiment: 600 ms of 10 kHz samples coarsened to
	// at most 2000 samples: every 0.5 ms.
	if m := set.Meta.Config; m.RecordStepMs != 0.5 || set.T != 1201 {
		t.Errorf("grid: %d samples every %g ms; want 1201 every 0.5 ms", set.T, m.RecordStepMs)
	}
	for _, c := range []struct{ ms, want float64 }{{99.5, 0}, {100, 2}, {399.5, 2}, {400, 0}} {
		i := slices.IndexFunc(set.Time, func(t float64) bool { return math.Abs(t-c.ms) < 1e-9 })
		if i < 0 {
			t.Errorf("no sample at %g ms", c.ms)
		} else if got := set.Stimulus[i]; got != c.want {
			t.Errorf("stimulus at %g ms = %g, want %g", c.ms, got, c.want)
		}
	}
}
