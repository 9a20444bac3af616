package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/laa-neuro/laa/neuron"
)

// renames are the flags renamed in this release: command, old name (its
// shorthand), new name. README.md's CHANGES lists the same.
var renames = []struct{ cmd, old, shorthand, now string }{
	{"infer", "n", "n", "draws"},
	{"fit", "n", "n", "draws"},
	{"diagnose", "sims", "", "held-out"},
	{"diagnose", "compare-obs", "", "compare-held-out"},
	{"compare", "n-obs", "", "held-out"},
	{"demo", "n-test", "", "held-out"},
	{"demo", "compare-obs", "", "compare-held-out"},
	{"growth", "n-test", "", "held-out"},
}

// command returns the subcommand name of a fresh root writing to stdout
// and stderr.
func command(t *testing.T, name string, stdout, stderr *bytes.Buffer) *cobra.Command {
	t.Helper()
	root := newRoot(stdout, stderr)
	c, _, err := root.Find([]string{name})
	if err != nil || c.Name() != name {
		t.Fatalf("no command %s: %v", name, err)
	}
	return c
}

// TestRenamedFlagsAreAliases: every old name sets the variable of the new
// one, is hidden from the help, prints a one-line notice naming the new
// flag on stderr (never among the results on stdout), and no command has
// an old name this table does not list.
func TestRenamedFlagsAreAliases(t *testing.T) {
	t.Parallel()
	for _, r := range renames {
		for _, form := range []string{"--" + r.old, "-" + r.shorthand} {
			if form == "-" {
				continue
			}
			var stdout, stderr bytes.Buffer
			c := command(t, r.cmd, &stdout, &stderr)
			if err := c.ParseFlags([]string{form, "7"}); err != nil {
				t.Fatalf("%s %s 7: %v", r.cmd, form, err)
			}
			if got := c.Flags().Lookup(r.now).Value.String(); got != "7" {
				t.Errorf("%s %s 7 set --%s to %s, want 7", r.cmd, form, r.now, got)
			}
			want := "Flag --" + r.old + " has been deprecated, use --" + r.now + " (the old name goes in the next release)\n"
			if stderr.String() != want || stdout.Len() != 0 {
				t.Errorf("%s %s: stderr %q, stdout %q; want the one-line notice %q on stderr", r.cmd, form, stderr.String(), stdout.String(), want)
			}
			if !c.Flags().Lookup(r.old).Hidden {
				t.Errorf("%s --%s shows in the help", r.cmd, r.old)
			}
		}
	}
	// Every alias defined is in the table (so in CHANGES).
	var out bytes.Buffer
	for _, c := range newRoot(&out, &out).Commands() {
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if to := fl.Annotations[renamedTo]; len(to) > 0 && !slices.ContainsFunc(renames, func(r struct{ cmd, old, shorthand, now string }) bool {
				return r.cmd == c.Name() && r.old == fl.Name && r.shorthand == fl.Shorthand && r.now == to[0]
			}) {
				t.Errorf("%s --%s (renamed to --%s) is missing from the table of renames", c.Name(), fl.Name, to[0])
			}
		})
	}
}

// TestOldNamesStillWork runs the commands with the old names: the values
// reach the command (its range checks name the new flag), and both names
// at once are refused.
func TestOldNamesStillWork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := filepath.Join(dir, "out")
	model, trace := untrainedModel(t, neuron.Default(), dir)
	data := filepath.Join(dir, "d.npz")
	if code, out := run("simulate", "-n", "60", "-o", data); code != 0 {
		t.Fatal(out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"infer", "--model", model, "--trace", trace, "-n", "0", "-o", o}, "infer: --draws must be positive, got 0"},
		{[]string{"fit", trace, "-n", "-3", "-o", o}, "fit: --draws must be positive, got -3"},
		{[]string{"diagnose", "--model", model, "--data", data, "--sims", "0", "-o", o}, "diagnose: --held-out must be positive, got 0"},
		{[]string{"diagnose", "--model", model, "--data", data, "--compare-obs", "-1", "-o", o}, "diagnose: --compare-held-out must not be negative, got -1"},
		{[]string{"compare", "--model", model, "--data", data, "--n-obs", "0", "-o", o}, "compare: --held-out must be positive, got 0"},
		{[]string{"demo", "--n-test", "0", "-o", o}, "demo: --held-out must be positive, got 0"},
		{[]string{"demo", "--compare-obs", "-1", "-o", o}, "demo: --compare-held-out must not be negative, got -1"},
		{[]string{"growth", "--n-test", "50", "-o", o}, "growth: need --n-train >= 100 and --held-out >= 51 (the typicality reference), got 30000 and 50"},
		{[]string{"infer", "--model", model, "--trace", trace, "-n", "5", "--draws", "6", "-o", o}, "infer: -n is the old name of --draws; give --draws only"},
		{[]string{"compare", "--model", model, "--data", data, "--held-out", "2", "--n-obs", "2", "-o", o}, "compare: --n-obs is the old name of --held-out; give --held-out only"},
	} {
		code, msg := run(c.args...)
		if code != 1 || !strings.Contains(msg, c.want) {
			t.Errorf("laa %v: exit %d, output %q; want exit 1 and %q", c.args, code, msg, c.want)
		}
	}

	// infer -n 37 draws 37 per trace, as --draws 37 does.
	post := filepath.Join(dir, "post")
	code, msg := run("infer", "--model", model, "--trace", trace, "-n", "37", "--exact=false", "-o", post)
	if code != 0 || !strings.Contains(msg, "has been deprecated, use --draws") {
		t.Fatalf("infer -n 37: exit %d\n%s", code, msg)
	}
	b, err := os.ReadFile(filepath.Join(post, "obs.summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct{ Draws int }
	if err := json.Unmarshal(b, &s); err != nil || s.Draws != 37 {
		t.Errorf("infer -n 37 wrote %d draws (%v), want 37", s.Draws, err)
	}
}

// TestRequiredFlags: a command run without its required flags, or with one
// empty, says which are missing and exits 1 before any work; the help marks
// them "(required)".
func TestRequiredFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
		req  []string // flags whose help says (required)
	}{
		{[]string{"infer"}, "infer: --model and --trace are required (see laa infer --help)", []string{"model", "trace"}},
		{[]string{"infer", "--model", "m.laa"}, "infer: --trace is required: recorded trace (repeat for several)\n", nil},
		{[]string{"infer", "--trace", "obs.csv", "--model", ""}, "infer: --model is required", nil},
		{[]string{"compare", "--data", "d.npz"}, "compare: --model is required", []string{"model", "data"}},
		{[]string{"diagnose"}, "diagnose: --data and --model are required", []string{"model", "data"}},
		{[]string{"reference", "--trace", "obs.csv"}, "reference: -o is required", []string{"trace", "output"}},
		{[]string{"train"}, "train: --data and -o are required", []string{"data", "output"}},
		{[]string{"train", "--data", "d.npz", "-o", ""}, "train: -o is required", nil},
		{[]string{"simulate", "-n", "3"}, "simulate: -o is required", []string{"output"}},
		{[]string{"merge", "a.npz"}, "merge: -o is required", []string{"output"}},
		{[]string{"fit", "rec.csv"}, "fit: -o is required", []string{"output"}},
		{[]string{"diagnose", "--model", "m.laa", "--data", "d.npz", "-o", ""}, "diagnose: -o is empty; name the output", nil},
		{[]string{"compare", "--model", "m.laa", "--data", "d.npz", "-o", ""}, "compare: -o is empty; name the output", nil},
	} {
		code, msg := run(c.args...)
		if code != 1 || !strings.HasPrefix(msg, "laa: "+c.want) {
			t.Errorf("laa %v: exit %d, output %q; want exit 1 and %q", c.args, code, msg, c.want)
		}
		if len(c.req) == 0 {
			continue
		}
		code, help := run(c.args[0], "--help")
		if code != 0 {
			t.Fatalf("laa %s --help: exit %d", c.args[0], code)
		}
		for _, name := range c.req {
			if !slices.ContainsFunc(strings.Split(help, "\n"), func(l string) bool {
				return strings.Contains(l, "--"+name+" ") && strings.HasSuffix(l, "(required)")
			}) {
				t.Errorf("laa %s --help does not mark --%s (required):\n%s", c.args[0], name, help)
			}
		}
	}
}

// TestDefaultFolders: infer and prior-predictive without -o write into
// ./laa-infer and ./laa-prior-predictive, and nothing into the working
// directory itself.
func TestDefaultFolders(t *testing.T) {
	dir := t.TempDir()
	model, trace := untrainedModel(t, neuron.Default(), dir)
	t.Chdir(dir)
	code, msg := run("infer", "--model", model, "--trace", trace, "--draws", "20", "--exact=false")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	if code, msg := run("prior-predictive", "-n", "3"); code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	var names []string
	for _, d := range []string{".", inferFolder, "laa-prior-predictive"} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			names = append(names, filepath.Join(d, e.Name()))
		}
	}
	slices.Sort(names)
	want := []string{"laa-infer", "laa-infer/obs.draws.csv", "laa-infer/obs.draws.npy", "laa-infer/obs.idata.zarr", "laa-infer/obs.summary.json",
		"laa-prior-predictive", "laa-prior-predictive/prior_predictive.png", "laa-prior-predictive/prior_predictive.svg", "m.laa", "obs.csv"}
	if !slices.Equal(names, want) {
		t.Errorf("infer and prior-predictive without -o wrote %v; want %v", names, want)
	}
}

// TestReferenceWritesTheNamedFile: -o ref.npy writes ref.npy, ref.csv and
// ref.idata.zarr (the draws as given, under the name given) and nothing
// else; an -o that is not a .npy file is refused before any work.
func TestReferenceWritesTheNamedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, trace := untrainedModel(t, neuron.Default(), dir)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	code, msg := run("reference", "--trace", trace, "--chains", "8", "--iterations", "20", "-o", filepath.Join(out, "ref.npy"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	ents, _ := os.ReadDir(out)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"ref.csv", "ref.idata.zarr", "ref.npy"}) {
		t.Errorf("reference -o ref.npy wrote %v; want [ref.csv ref.idata.zarr ref.npy]", names)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "ref.csv"))
	if rows := strings.Count(string(csv), "\n"); !strings.HasPrefix(string(csv), "C_m,g_L,E_L,k,V_thr\n") || rows < 2 {
		t.Errorf("ref.csv holds %d lines: %.80q", rows, csv)
	}
	for _, o := range []string{"new.csv", "new", "new.npz"} {
		code, msg := run("reference", "--trace", trace, "-o", filepath.Join(dir, o))
		if want := "name a .npy file"; code != 1 || !strings.Contains(msg, want) {
			t.Errorf("reference -o %s: exit %d, %q; want a refusal saying %q", o, code, msg, want)
		}
	}
}
