package main

// The cluster recipes of docs/cluster.md run as the clusters run them: the
// Kubernetes manifests' commands with each pod's JOB_COMPLETION_INDEX, the
// Slurm scripts under bash with each array task's variables. Their shards
// must merge to the bytes of the unsharded run.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// recipeN is the run size the recipes are tried with: a few simulations
// per shard.
const recipeN = 60

// clusterVars are the variables through which a cluster names a shard;
// the tests clear them so a test run inside a cluster's task is not sharded.
var clusterVars = []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
	"SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT", "SLURM_CPUS_PER_TASK"}

// taskEnv returns this process's environment without the cluster's
// variables, plus extra ("NAME=value").
func taskEnv(extra ...string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(clusterVars, name)
	})
	return append(env, extra...)
}

// runIn runs name with args in dir and fails the test unless it succeeds.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// wholeRun writes the unsharded run the recipes' shards must merge to.
func wholeRun(t *testing.T, bin, dir string, seed int) []byte {
	t.Helper()
	path := filepath.Join(dir, "whole.npz")
	runIn(t, dir, taskEnv(), bin, "simulate", "-n", strconv.Itoa(recipeN), "--seed", strconv.Itoa(seed), "-q", "-o", path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameFile fails the test unless path holds want.
func sameFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s (%d bytes) differs from the unsharded run (%d bytes)", path, len(got), len(want))
	}
}

func TestSlurmRecipe(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("the Slurm scripts are bash scripts and bash is not installed")
	}
	scripts := filepath.Join("..", "..", "deploy", "slurm")
	simulate, _ := filepath.Abs(filepath.Join(scripts, "simulate.sbatch"))
	trainScript, _ := filepath.Abs(filepath.Join(scripts, "train.sbatch"))
	for _, s := range []string{simulate, trainScript} {
		runIn(t, ".", taskEnv(), bash, "-n", s)
	}
	text, err := os.ReadFile(simulate)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^#SBATCH --array=(\d+)-(\d+)$`).FindSubmatch(text)
	if m == nil {
		t.Fatal("simulate.sbatch has no #SBATCH --array=A-B line")
	}
	lo, _ := strconv.Atoi(string(m[1]))
	hi, _ := strconv.Atoi(string(m[2]))
	k := hi - lo + 1
	trainText, err := os.ReadFile(trainScript)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("SHARDS=${SHARDS:-%d}", k); !bytes.Contains(trainText, []byte(want)) {
		t.Fatalf("train.sbatch does not default to the %d shards of simulate.sbatch's array (want %q)", k, want)
	}

	bin, dir := laaBinary(t), t.TempDir()
	whole := wholeRun(t, bin, dir, 1)
	out := filepath.Join(dir, "sims.npz")
	for id := lo; id <= hi; id++ {
		runIn(t, dir, taskEnv("LAA="+bin, fmt.Sprint("N=", recipeN), "OUT="+out, fmt.Sprint("SLURM_ARRAY_TASK_ID=", id),
			fmt.Sprint("SLURM_ARRAY_TASK_MIN=", lo), fmt.Sprint("SLURM_ARRAY_TASK_MAX=", hi),
			fmt.Sprint("SLURM_ARRAY_TASK_COUNT=", k), "SLURM_CPUS_PER_TASK=1"), bash, simulate)
	}
	// train.sbatch merges with the real binary; its training is recorded,
	// not run (a training takes minutes).
	wrapper := filepath.Join(dir, "laa-wrapper")
	trainArgs := filepath.Join(dir, "train-args")
	script := fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = train ]; then printf '%%s\\n' \"$@\" > %q; exit 0; fi\nexec %q \"$@\"\n", trainArgs, bin)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	runIn(t, dir, taskEnv("LAA="+wrapper, "OUT="+out), bash, trainScript)
	merged := filepath.Join(dir, "sims-all.npz")
	sameFile(t, merged, whole)
	args, err := os.ReadFile(trainArgs)
	if err != nil {
		t.Fatal("train.sbatch did not train:", err)
	}
	if !strings.Contains(string(args), "--data\n"+merged+"\n") {
		t.Fatalf("train.sbatch trains on\n%s\nwant --data %s", args, merged)
	}
}

// The parts of the Kubernetes objects the recipe relies on.
type (
	k8sObject struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string
		Metadata   struct{ Name string }
		Spec       struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Parallelism    int
			AccessModes    []string `yaml:"accessModes"`
			Template       struct{ Spec podSpec }
		}
	}
	podSpec struct {
		RestartPolicy  string      `yaml:"restartPolicy"`
		InitContainers []container `yaml:"initContainers"`
		Containers     []container
		Volumes        []struct {
			Name                  string
			PersistentVolumeClaim struct {
				ClaimName string `yaml:"claimName"`
			} `yaml:"persistentVolumeClaim"`
		}
	}
	container struct {
		Name, Image  string
		Args         []string
		VolumeMounts []struct {
			Name      string
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	}
)

func readManifest(t *testing.T, name string) k8sObject {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", name))
	if err != nil {
		t.Fatal(err)
	}
	var o k8sObject
	if err := yaml.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return o
}

// flagValue returns the argument after flag in args.
func flagValue(t *testing.T, args []string, flag string) string {
	t.Helper()
	i := slices.Index(args, flag)
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("%v has no %s", args, flag)
	}
	return args[i+1]
}

func TestKubernetesRecipe(t *testing.T) {
	pvc, sim, train := readManifest(t, "data-pvc.yaml"), readManifest(t, "simulate-job.yaml"), readManifest(t, "train-job.yaml")
	if pvc.APIVersion != "v1" || pvc.Kind != "PersistentVolumeClaim" || !slices.Equal(pvc.Spec.AccessModes, []string{"ReadWriteMany"}) {
		t.Fatalf("data-pvc.yaml: %s %s %v, want a v1 PersistentVolumeClaim, ReadWriteMany", pvc.APIVersion, pvc.Kind, pvc.Spec.AccessModes)
	}
	for _, job := range []k8sObject{sim, train} {
		pod := job.Spec.Template.Spec
		if job.APIVersion != "batch/v1" || job.Kind != "Job" || pod.RestartPolicy != "Never" {
			t.Fatalf("%s: %s %s restartPolicy %q, want a batch/v1 Job, Never", job.Metadata.Name, job.APIVersion, job.Kind, pod.RestartPolicy)
		}
		if len(pod.Volumes) != 1 || pod.Volumes[0].PersistentVolumeClaim.ClaimName != pvc.Metadata.Name {
			t.Fatalf("%s: volumes %+v, want the claim %s", job.Metadata.Name, pod.Volumes, pvc.Metadata.Name)
		}
		for _, c := range append(pod.InitContainers, pod.Containers...) {
			if c.Image != sim.Spec.Template.Spec.Containers[0].Image || len(c.VolumeMounts) != 1 ||
				c.VolumeMounts[0].Name != pod.Volumes[0].Name || c.VolumeMounts[0].MountPath != "/data" {
				t.Fatalf("%s: container %s: image %s, mounts %+v; want the simulate image and the volume at /data", job.Metadata.Name, c.Name, c.Image, c.VolumeMounts)
			}
		}
	}
	k := sim.Spec.Completions
	simArgs := sim.Spec.Template.Spec.Containers[0].Args
	if sim.Spec.CompletionMode != "Indexed" || k < 1 || sim.Spec.Parallelism > k || flagValue(t, simArgs, "--shards") != strconv.Itoa(k) {
		t.Fatalf("simulate-job.yaml: completionMode %q, completions %d, parallelism %d, args %v; want an Indexed Job whose completions equal --shards",
			sim.Spec.CompletionMode, k, sim.Spec.Parallelism, simArgs)
	}
	if len(train.Spec.Template.Spec.InitContainers) != 1 || len(train.Spec.Template.Spec.Containers) != 1 {
		t.Fatal("train-job.yaml: want one init container (merge) and one container (train)")
	}
	mergeArgs := train.Spec.Template.Spec.InitContainers[0].Args
	trainArgs := train.Spec.Template.Spec.Containers[0].Args
	if mergeArgs[0] != "merge" || trainArgs[0] != "train" || flagValue(t, trainArgs, "--data") != flagValue(t, mergeArgs, "-o") {
		t.Fatalf("train-job.yaml: merge %v then train %v; want train --data on merge's -o", mergeArgs, trainArgs)
	}

	// Every pod's command with its index, on a folder standing in for
	// /data and recipeN simulations; then the merge of the train Job.
	bin, dir := laaBinary(t), t.TempDir()
	seed, err := strconv.Atoi(flagValue(t, simArgs, "--seed"))
	if err != nil {
		t.Fatal(err)
	}
	whole := wholeRun(t, bin, dir, seed)
	local := func(args []string) []string {
		out := slices.Clone(args)
		for i, a := range out {
			if rest, ok := strings.CutPrefix(a, "/data/"); ok {
				out[i] = filepath.Join(dir, rest)
			}
			if i > 0 && out[i-1] == "-n" {
				out[i] = strconv.Itoa(recipeN)
			}
		}
		return out
	}
	for i := range k {
		runIn(t, dir, taskEnv(fmt.Sprint("JOB_COMPLETION_INDEX=", i)), bin, append(local(simArgs), "-q")...)
	}
	runIn(t, dir, taskEnv(), bin, local(mergeArgs)...)
	sameFile(t, local([]string{flagValue(t, mergeArgs, "-o")})[0], whole)
}
