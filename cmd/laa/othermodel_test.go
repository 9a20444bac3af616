package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/model/gaussianlinear"
)

// pythonWithNumpy returns a Python interpreter that imports numpy. Under
// CI (CI=true) a missing one fails the test: .ci/run installs python3-numpy.
func pythonWithNumpy(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err == nil && exec.Command(path, "-c", "import numpy").Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no python3 with numpy: install it (apt-get install python3-numpy); .ci/run does")
	}
	t.Skip("no python3 with numpy (apt-get install python3-numpy)")
	return ""
}

// TestExternalSimulatorShardsMerge simulates a model brought as a YAML
// description and a Python simulator command (P = 3, D = 10), whole and in
// two shards: the shards merged are byte for byte the whole run.
func TestExternalSimulatorShardsMerge(t *testing.T) {
	t.Parallel()
	py := pythonWithNumpy(t)
	dir := t.TempDir()
	script, err := os.ReadFile("../../external/testdata/linear_gaussian.py")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "linear_gaussian.py"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	desc := fmt.Sprintf(`name: linear-gaussian
parameters:
  - {name: a, unit: mV, prior: {dist: normal, mean: 0, sd: 1}}
  - {name: b, prior: {dist: normal, mean: 0.5, sd: 2}}
  - {name: c, unit: ms, prior: {dist: uniform, low: -1, high: 1}}
observation:
  length: 10
simulator:
  command: [%q, "linear_gaussian.py"]
  batch: 7
`, py)
	if err := os.WriteFile(filepath.Join(dir, "lg.yaml"), []byte(desc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"simulate", "--config", "lg.yaml", "-n", "40", "--seed", "3", "-o", "whole.npz"},
		{"simulate", "--config", "lg.yaml", "-n", "40", "--seed", "3", "--shard", "1/3", "-o", "s1.npz"},
		{"simulate", "--config", "lg.yaml", "-n", "40", "--seed", "3", "--shard", "2/3", "-o", "s2.npz"},
		{"simulate", "--config", "lg.yaml", "-n", "40", "--seed", "3", "--shard", "3/3", "-o", "s3.npz"},
		{"merge", "-o", "merged.npz", "s3.npz", "s1.npz", "s2.npz"},
	} {
		if r := runLaa(t, dir, 2*time.Minute, args...); r.code != 0 {
			t.Fatalf("laa %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	whole, _ := os.ReadFile(filepath.Join(dir, "whole.npz"))
	merged, _ := os.ReadFile(filepath.Join(dir, "merged.npz"))
	if len(whole) == 0 || !bytes.Equal(whole, merged) {
		t.Fatalf("merged shards (%d bytes) differ from the whole run (%d bytes)", len(merged), len(whole))
	}
	if r := runLaa(t, dir, time.Minute, "prior-predictive", "--config", "lg.yaml", "-n", "3", "-o", "pp.png"); r.code != 0 {
		t.Fatalf("prior-predictive: exit %d\n%s", r.code, r.stderr)
	}
	if svg, err := os.ReadFile(filepath.Join(dir, "pp.svg")); err != nil || !bytes.Contains(svg, []byte("Prior predictive of external: 3 draws")) {
		t.Errorf("prior-predictive figure: %v", err)
	}
	if r := runLaa(t, dir, time.Minute, "config", "--config", "lg.yaml"); r.code == 0 || !strings.Contains(r.stderr, "describes model external; this command takes the LAA neuron's configuration only") {
		t.Errorf("config of a model description: exit %d, %q", r.code, r.stderr)
	}
	set, err := dataset.Read(filepath.Join(dir, "whole.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if set.N != 40 || set.P != 3 || set.T != 10 || set.Meta.Model == nil || set.Meta.Model.Kind != "external" {
		t.Fatalf("data set N %d, P %d, T %d, model %+v", set.N, set.P, set.T, set.Meta.Model)
	}
}

// TestLinearGaussianThroughCLI brings simulations of the linear Gaussian
// model (P = 3, D = 10) made elsewhere, as a numpy user would (theta and x
// in an .npz, a YAML naming the parameters and priors), trains with 'laa
// train', infers with 'laa infer' from an .npy observation, and compares
// the draws with the exact posterior: C2ST, as sbi computes it, at most
// 0.55 on average over three observations.
func TestLinearGaussianThroughCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model (about a minute)")
	}
	t.Parallel()
	dir := t.TempDir()
	lg, err := gaussianlinear.New(3, 10, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	sims, err := dataset.SimulateModel(lg, dataset.SimulateOptions{Seed: 3, N: 100000})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, len(sims.Traces))
	for i, v := range sims.Traces {
		x[i] = float64(v)
	}
	if err := dataset.WriteNPZ(filepath.Join(dir, "sims.npz"), []dataset.Array{
		{Name: "theta", Data: sims.Theta, Shape: []int{sims.N, 3}}, {Name: "x", Data: x, Shape: []int{sims.N, 10}}}); err != nil {
		t.Fatal(err)
	}
	desc := "name: linear-gaussian\nparameters:\n"
	for j := 1; j <= 3; j++ {
		desc += fmt.Sprintf("  - {name: theta_%d, prior: {dist: normal, mean: 0, sd: 1}}\n", j)
	}
	desc += "observation: {length: 10}\n"
	if err := os.WriteFile(filepath.Join(dir, "lg.yaml"), []byte(desc), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"train", "--config", "lg.yaml", "--data", "sims.npz", "--preset", "small", "-o", "lg.laa"}
	if r := runLaa(t, dir, 5*time.Minute, args...); r.code != 0 {
		t.Fatalf("laa %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	rng := rand.New(rand.NewPCG(21, 22))
	var sum float64
	const nObs, nDraws = 3, 1000
	for k := range nObs {
		theta, obs := make([]float64, 3), make([]float64, 10)
		r := model.Stream(77, uint64(k))
		model.SamplePrior(lg, r, theta)
		if err := lg.Simulate(theta, []*rand.Rand{r}, obs); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("obs%d", k)
		if err := dataset.WriteNPY(filepath.Join(dir, name+".npy"), obs, 10); err != nil {
			t.Fatal(err)
		}
		args := []string{"infer", "--model", "lg.laa", "--trace", name + ".npy", "--draws", fmt.Sprint(nDraws), "-o", "post"}
		if r := runLaa(t, dir, 2*time.Minute, args...); r.code != 0 {
			t.Fatalf("laa %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		flat, shape, err := dataset.ReadNPY(filepath.Join(dir, "post", name+".draws.npy"))
		if err != nil {
			t.Fatal(err)
		}
		if len(shape) != 2 || shape[0] != nDraws || shape[1] != 3 {
			t.Fatalf("draws of shape %v", shape)
		}
		draws := make([][]float64, nDraws)
		for i := range draws {
			draws[i] = flat[i*3 : (i+1)*3]
		}
		exact, err := lg.SamplePosterior(obs, nDraws, rng)
		if err != nil {
			t.Fatal(err)
		}
		res, err := diagnose.C2ST(draws, exact, diagnose.C2STConfig{Seed: uint64(k)})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("observation %d: C2ST %.3f", k, res.Accuracy)
		sum += res.Accuracy
	}
	if mean := sum / nObs; mean > 0.55 {
		t.Fatalf("mean C2ST %.3f against the exact posterior, want <= 0.55", mean)
	}
}

// TestOtherShapesThroughCLI trains and infers, from the command line,
// models whose shapes are unlike LAA's: P = 2 with D = 4 (observation in a
// .csv row) and P = 8 with a time series of D = 900 (given as traces, the
// observation in .json); the draws have the model's columns.
func TestOtherShapesThroughCLI(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		p, d   int
		series bool
		ext    string
	}{{2, 4, false, ".csv"}, {8, 900, true, ".json"}} {
		dir := t.TempDir()
		lg, err := gaussianlinear.New(c.p, c.d, 1, 1, 5)
		if err != nil {
			t.Fatal(err)
		}
		sims, err := dataset.SimulateModel(lg, dataset.SimulateOptions{Seed: 1, N: 1500})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, len(sims.Traces))
		for i, v := range sims.Traces {
			x[i] = float64(v)
		}
		array := "x"
		if c.series {
			array = "traces"
		}
		if err := dataset.WriteNPZ(filepath.Join(dir, "sims.npz"), []dataset.Array{
			{Name: "theta", Data: sims.Theta, Shape: []int{sims.N, c.p}}, {Name: array, Data: x, Shape: []int{sims.N, c.d}}}); err != nil {
			t.Fatal(err)
		}
		desc := "name: shapes\nparameters:\n"
		for j := 1; j <= c.p; j++ {
			desc += fmt.Sprintf("  - {name: theta_%d, prior: {dist: normal, mean: 0, sd: 1}}\n", j)
		}
		desc += fmt.Sprintf("observation: {length: %d, series: %v}\n", c.d, c.series)
		if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(desc), 0o644); err != nil {
			t.Fatal(err)
		}
		obs := x[:c.d]
		var text string
		if c.ext == ".csv" {
			text = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(obs)), ","), "[]") + "\n"
		} else {
			text = strings.Join(strings.Fields(fmt.Sprint(obs)), ",")
		}
		if err := os.WriteFile(filepath.Join(dir, "obs"+c.ext), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"train", "--config", "m.yaml", "--data", "sims.npz", "--epochs", "2", "-o", "m.laa"},
			{"infer", "--model", "m.laa", "--trace", "obs" + c.ext, "--draws", "50", "-o", "post"},
		} {
			if r := runLaa(t, dir, 2*time.Minute, args...); r.code != 0 {
				t.Fatalf("P = %d, D = %d: laa %s: exit %d\n%s", c.p, c.d, strings.Join(args, " "), r.code, r.stderr)
			}
		}
		if r := runLaa(t, dir, time.Minute, "info", "m.laa"); r.code != 0 || !strings.Contains(r.stdout, "model: external (shapes)") {
			t.Errorf("info: exit %d, %q", r.code, r.stdout)
		}
		_, shape, err := dataset.ReadNPY(filepath.Join(dir, "post", "obs.draws.npy"))
		if err != nil {
			t.Fatal(err)
		}
		if len(shape) != 2 || shape[0] != 50 || shape[1] != c.p {
			t.Errorf("P = %d, D = %d: draws of shape %v", c.p, c.d, shape)
		}
	}
}

// TestGoModelThroughCLI names a model written in Go and registered (the
// linear Gaussian) in a --config file as {kind, spec}: laa simulates it,
// trains on it and infers, and because the model has a likelihood, infer
// corrects the posterior by importance sampling.
func TestGoModelThroughCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	lg, err := gaussianlinear.New(2, 4, 1, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := lg.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "glin.yaml"), []byte("kind: gaussian-linear\nspec: "+string(spec)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteNPY(filepath.Join(dir, "obs.npy"), []float64{0.3, -0.2, 0.5, 0.1}, 4); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"simulate", "--config", "glin.yaml", "-n", "4000", "-o", "sims.npz"},
		{"train", "--data", "sims.npz", "--epochs", "8", "-o", "g.laa"},
		{"infer", "--model", "g.laa", "--trace", "obs.npy", "--draws", "500", "-o", "post"},
	} {
		r := runLaa(t, dir, 2*time.Minute, args...)
		if r.code != 0 {
			t.Fatalf("laa %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		if args[0] == "infer" && !strings.Contains(r.stdout, "posterior: exact by importance sampling") {
			t.Errorf("infer did not correct by importance sampling:\n%s", r.stdout)
		}
	}
	if r := runLaa(t, dir, time.Minute, "simulate", "--config", "glin.yaml", "-n", "10", "-o", "x.npz", "--seed", "2"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("kind: no-such-model\nspec: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runLaa(t, dir, time.Minute, "simulate", "--config", "bad.yaml", "-n", "10", "-o", "y.npz"); r.code == 0 || !strings.Contains(r.stderr, `unknown kind "no-such-model"`) {
		t.Errorf("unknown kind: exit %d, %q", r.code, r.stderr)
	}
}
