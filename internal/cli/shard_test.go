package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envOf returns a getenv over the given variables only.
func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestResolveShardFromEnvironment(t *testing.T) {
	t.Parallel()
	slurm := func(id, lo, hi, step, count string) map[string]string {
		return map[string]string{envSlurmID: id, envSlurmMin: lo, envSlurmMax: hi, envSlurmStep: step, envSlurmCount: count}
	}
	for _, c := range []struct {
		name    string
		spec    string
		shards  int
		env     map[string]string
		want    string
		fromEnv bool
	}{
		{"no environment", "", 0, nil, "", false},
		{"by hand", "2/5", 0, nil, "2/5", false},
		{"k8s first", "", 4, map[string]string{envK8sIndex: "0"}, "1/4", true},
		{"k8s last", "", 4, map[string]string{envK8sIndex: "3"}, "4/4", true},
		{"slurm 0-based", "", 0, slurm("2", "0", "3", "1", "4"), "3/4", true},
		{"slurm 1-based", "", 0, slurm("1", "1", "4", "1", "4"), "1/4", true},
		{"slurm step", "", 0, slurm("12", "0", "12", "4", "4"), "4/4", true},
		{"slurm no step or max", "", 0, map[string]string{envSlurmID: "5", envSlurmMin: "5", envSlurmCount: "2"}, "1/2", true},
		{"slurm count from max", "", 0, map[string]string{envSlurmID: "3", envSlurmMin: "1", envSlurmMax: "3"}, "3/3", true},
		{"slurm with agreeing --shards", "", 4, slurm("3", "0", "3", "", "4"), "4/4", true},
		{"--shard agreeing with k8s", "3/4", 0, map[string]string{envK8sIndex: "2"}, "3/4", false},
		{"--shard agreeing with slurm", "2/4", 0, slurm("1", "0", "3", "1", "4"), "2/4", false},
	} {
		got, fromEnv, err := resolveShard(c.spec, c.shards, envOf(c.env))
		if err != nil || got != c.want || fromEnv != c.fromEnv {
			t.Errorf("%s: got %q, %v, %v; want %q, %v", c.name, got, fromEnv, err, c.want, c.fromEnv)
		}
	}
}

func TestResolveShardErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		spec   string
		shards int
		env    map[string]string
		want   string // in the error
	}{
		{"both flags", "1/2", 2, nil, "not both"},
		{"negative --shards", "", -3, nil, "positive number of shards"},
		{"--shards without environment", "", 4, nil, "neither is set"},
		{"k8s without --shards", "", 0, map[string]string{envK8sIndex: "1"}, "JOB_COMPLETION_INDEX=1 is set but the number of shards is not: pass --shards K"},
		{"k8s out of range", "", 4, map[string]string{envK8sIndex: "4"}, "JOB_COMPLETION_INDEX=4 is out of range for 4 shards (index 0..3)"},
		{"k8s not a number", "", 4, map[string]string{envK8sIndex: "two"}, `JOB_COMPLETION_INDEX="two" is not a whole number`},
		{"k8s negative", "", 4, map[string]string{envK8sIndex: "-1"}, "not a whole number >= 0"},
		{"k8s and slurm", "", 4, map[string]string{envK8sIndex: "1", envSlurmID: "1", envSlurmMin: "0"}, "both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set"},
		{"--shard disagrees with k8s", "2/4", 0, map[string]string{envK8sIndex: "2"}, "--shard 2/4 disagrees with the environment, JOB_COMPLETION_INDEX gives index 2 (shard 3)"},
		{"--shard count disagrees with slurm", "2/5", 0, map[string]string{envSlurmID: "1", envSlurmMin: "0", envSlurmCount: "4"}, "--shard 2/5 disagrees with the environment, SLURM_ARRAY_TASK_ID gives index 1 of 4 (shard 2/4)"},
		{"--shards disagrees with slurm", "", 8, map[string]string{envSlurmID: "1", envSlurmMin: "0", envSlurmCount: "4"}, "--shards 8 disagrees with the environment"},
		{"slurm without min", "", 0, map[string]string{envSlurmID: "1", envSlurmCount: "4"}, "SLURM_ARRAY_TASK_MIN is not"},
		{"slurm list array", "", 0, map[string]string{envSlurmID: "3", envSlurmMin: "1", envSlurmMax: "7", envSlurmCount: "4"}, "not an evenly spaced range"},
		{"slurm off the step", "", 0, map[string]string{envSlurmID: "3", envSlurmMin: "0", envSlurmMax: "8", envSlurmStep: "4", envSlurmCount: "3"}, "not in the array that starts at SLURM_ARRAY_TASK_MIN=0 with step 4"},
		{"slurm out of range of --shards", "", 2, map[string]string{envSlurmID: "2", envSlurmMin: "0"}, "SLURM_ARRAY_TASK_ID=2 is out of range for 2 shards"},
		{"bad --shard with environment", "5/4", 0, map[string]string{envK8sIndex: "1"}, "want i/K with 1 <= i <= K"},
	} {
		_, _, err := resolveShard(c.spec, c.shards, envOf(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestShardOutputNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ out, spec, want string }{
		{"sims.npz", "3/16", "sims-shard-03-of-16.npz"},
		{"data/sims.npz", "1/3", "data/sims-shard-1-of-3.npz"},
		{"run.v2/sims", "10/100", "run.v2/sims-shard-010-of-100"},
	} {
		if got := shardOutput(c.out, c.spec); got != c.want {
			t.Errorf("shardOutput(%q, %q) = %q, want %q", c.out, c.spec, got, c.want)
		}
	}
}

// TestEnvironmentShardsMergeToWholeRun runs simulate as each cluster's
// tasks do (the same command line, the shard in the environment), and
// checks the shards land in distinct files that merge to the bytes of
// the unsharded run. Not parallel: it sets the environment.
func TestEnvironmentShardsMergeToWholeRun(t *testing.T) {
	vars := []string{envK8sIndex, envSlurmID, envSlurmMin, envSlurmMax, envSlurmStep, envSlurmCount}
	for _, name := range vars {
		t.Setenv(name, "") // the whole run, even inside a cluster's task
	}
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	if code, out := run("simulate", "-n", "50", "--seed", "7", "-o", p("whole.npz")); code != 0 {
		t.Fatal(out)
	}
	whole, err := os.ReadFile(p("whole.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		tasks []map[string]string // the environment of each task
		flags []string
	}{
		{"kubernetes", []map[string]string{{envK8sIndex: "0"}, {envK8sIndex: "1"}, {envK8sIndex: "2"}}, []string{"--shards", "3"}},
		{"slurm --array=1-3", []map[string]string{
			{envSlurmID: "1", envSlurmMin: "1", envSlurmMax: "3", envSlurmCount: "3"},
			{envSlurmID: "2", envSlurmMin: "1", envSlurmMax: "3", envSlurmCount: "3"},
			{envSlurmID: "3", envSlurmMin: "1", envSlurmMax: "3", envSlurmCount: "3"},
		}, nil},
	} {
		out := p(strings.Fields(c.name)[0] + ".npz")
		for _, env := range c.tasks {
			for _, name := range vars {
				t.Setenv(name, env[name])
			}
			if code, msg := run(append([]string{"simulate", "-n", "50", "--seed", "7", "-o", out}, c.flags...)...); code != 0 {
				t.Fatalf("%s %v: %s", c.name, env, msg)
			}
		}
		shards, _ := filepath.Glob(strings.TrimSuffix(out, ".npz") + "-shard-*-of-3.npz")
		if len(shards) != 3 {
			t.Fatalf("%s: shards %v, want 3 distinct files", c.name, shards)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: a shard wrote %s itself", c.name, out)
		}
		merged := p(strings.Fields(c.name)[0] + "-merged.npz")
		args := append([]string{"merge", "--whole", "-o", merged}, shards...)
		if c.flags == nil { // the pattern, as a container without a shell passes it
			args = []string{"merge", "--whole", "-o", merged, strings.TrimSuffix(out, ".npz") + "-shard-*-of-3.npz"}
		}
		if code, msg := run(args...); code != 0 {
			t.Fatalf("%s: %s", c.name, msg)
		}
		if got, _ := os.ReadFile(merged); !bytes.Equal(got, whole) {
			t.Errorf("%s: merged shards differ from the unsharded run", c.name)
		}
	}
}

func TestMergePatternsAndWhole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, s := range []string{"1/3", "2/3"} {
		if code, out := run("simulate", "-n", "30", "--seed", "4", "--shard", s, "-o", p("s"+s[:1]+".npz")); code != 0 {
			t.Fatal(out)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-o", p("a.npz"), p("s*.npz")}, 0, "warning: merged simulations 0..19 of a run of 30 (not the whole run)"},
		{[]string{"--whole", "-o", p("b.npz"), p("s*.npz")}, 1, "merge: --whole: merged simulations 0..19 of a run of 30 (not the whole run); a shard is missing"},
		{[]string{"-o", p("c.npz"), p("t*.npz")}, 1, "shard pattern \"" + p("t*.npz") + "\" matches no file"},
	} {
		code, out := run(append([]string{"merge"}, c.args...)...)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("merge %v: exit %d, %q; want exit %d and %q", c.args, code, out, c.code, c.want)
		}
	}
	if _, err := os.Stat(p("b.npz")); err == nil {
		t.Error("merge --whole wrote an output it refused")
	}
}
