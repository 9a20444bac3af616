package cli

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// The environment variables through which a cluster tells a task which
// shard it is (docs/cluster.md).
const (
	// envK8sIndex is a Kubernetes Indexed Job's completion index,
	// 0..completions-1. A Job has no variable for its number of
	// completions: the manifest passes it as --shards.
	envK8sIndex = "JOB_COMPLETION_INDEX"
	// The Slurm job array variables: the task's index in the --array
	// range, the range's lowest and highest index, its step and the
	// number of tasks.
	envSlurmID    = "SLURM_ARRAY_TASK_ID"
	envSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	envSlurmMax   = "SLURM_ARRAY_TASK_MAX"
	envSlurmStep  = "SLURM_ARRAY_TASK_STEP"
	envSlurmCount = "SLURM_ARRAY_TASK_COUNT"
)

// envShard is the shard a cluster's environment names: 0-based index,
// the number of shards (0 when the environment does not say) and the
// variable that said it.
type envShard struct {
	index, count int
	from         string
}

// resolveShard returns the shard spec "i/K" (i = 1..K) this task
// simulates, or "" for the whole run, from --shard (spec), --shards
// (shards; 0 when not given) and the environment (getenv), and whether
// it came from the environment. The environment is read when --shard is
// not given; when it is, the two must agree. Any disagreement, index out
// of range or missing count is an error that names the variables.
func resolveShard(spec string, shards int, getenv func(string) string) (string, bool, error) {
	if spec != "" && shards != 0 {
		return "", false, fmt.Errorf("simulate: give --shard i/K (one shard by hand) or --shards K (the index from the environment), not both")
	}
	if shards < 0 {
		return "", false, fmt.Errorf("simulate: --shards %d: want a positive number of shards", shards)
	}
	env, ok, err := shardFromEnv(getenv)
	if err != nil {
		return "", false, err
	}
	if spec != "" {
		if !ok {
			return spec, false, nil
		}
		i, k, err := parseShard(spec)
		if err != nil {
			return "", false, err
		}
		if i-1 != env.index || (env.count != 0 && k != env.count) {
			return "", false, fmt.Errorf("simulate: --shard %s disagrees with the environment, %s: drop --shard to take the shard from the environment, or unset %s", spec, env.describe(), env.from)
		}
		return spec, false, nil
	}
	if !ok {
		if shards != 0 {
			return "", false, fmt.Errorf("simulate: --shards %d takes the shard index from %s (Kubernetes Indexed Job) or %s (Slurm job array), and neither is set; give --shard i/K to run one shard by hand", shards, envK8sIndex, envSlurmID)
		}
		return "", false, nil
	}
	k := env.count
	switch {
	case k == 0 && shards == 0:
		return "", false, fmt.Errorf("simulate: %s=%s is set but the number of shards is not: pass --shards K (a Kubernetes Indexed Job's completions)", env.from, getenv(env.from))
	case k == 0:
		k = shards
	case shards != 0 && shards != k:
		return "", false, fmt.Errorf("simulate: --shards %d disagrees with the environment, %s", shards, env.describe())
	}
	if env.index < 0 || env.index >= k {
		return "", false, fmt.Errorf("simulate: %s=%s is out of range for %d shards (index 0..%d): the Job's completions or the array's size must equal --shards", env.from, getenv(env.from), k, k-1)
	}
	return fmt.Sprintf("%d/%d", env.index+1, k), true, nil
}

func (s envShard) describe() string {
	if s.count == 0 {
		return fmt.Sprintf("%s gives index %d (shard %d)", s.from, s.index, s.index+1)
	}
	return fmt.Sprintf("%s gives index %d of %d (shard %d/%d)", s.from, s.index, s.count, s.index+1, s.count)
}

// shardFromEnv reads the shard a Kubernetes Indexed Job or a Slurm job
// array names; ok is false when neither does.
func shardFromEnv(getenv func(string) string) (s envShard, ok bool, err error) {
	num := func(name string, dflt int) (int, error) {
		v := getenv(name)
		if v == "" {
			return dflt, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("simulate: %s=%q is not a whole number >= 0", name, v)
		}
		return n, nil
	}
	k8s, slurm := getenv(envK8sIndex) != "", getenv(envSlurmID) != ""
	switch {
	case k8s && slurm:
		return s, false, fmt.Errorf("simulate: both %s (Kubernetes) and %s (Slurm) are set; unset the one that does not apply", envK8sIndex, envSlurmID)
	case k8s:
		i, err := num(envK8sIndex, 0)
		return envShard{index: i, from: envK8sIndex}, err == nil, err
	case !slurm:
		return s, false, nil
	}
	if getenv(envSlurmMin) == "" {
		return s, false, fmt.Errorf("simulate: %s is set but %s is not; give --shard i/K", envSlurmID, envSlurmMin)
	}
	var id, lo, hi, step, count int
	for _, v := range []struct {
		p    *int
		name string
		dflt int
	}{{&id, envSlurmID, 0}, {&lo, envSlurmMin, 0}, {&hi, envSlurmMax, -1}, {&step, envSlurmStep, 1}, {&count, envSlurmCount, 0}} {
		if *v.p, err = num(v.name, v.dflt); err != nil {
			return s, false, err
		}
	}
	step = max(step, 1)
	if count == 0 && hi >= lo {
		count = (hi-lo)/step + 1
	}
	if id < lo || (id-lo)%step != 0 {
		return s, false, fmt.Errorf("simulate: %s=%d is not in the array that starts at %s=%d with step %d", envSlurmID, id, envSlurmMin, lo, step)
	}
	if hi >= 0 && count != 0 && (hi-lo)/step+1 != count {
		return s, false, fmt.Errorf("simulate: the job array is not an evenly spaced range (%s=%d, %s=%d, %s=%d, %s=%d); submit it as --array=0-%d", envSlurmMin, lo, envSlurmMax, hi, envSlurmStep, step, envSlurmCount, count, count-1)
	}
	return envShard{index: (id - lo) / step, count: count, from: envSlurmID}, true, nil
}

// parseShard parses "i/K" with 1 <= i <= K.
func parseShard(spec string) (i, k int, err error) {
	a, b, ok := strings.Cut(spec, "/")
	i, err1 := strconv.Atoi(a)
	k, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || k < 1 || i < 1 || i > k {
		return 0, 0, fmt.Errorf("simulate: --shard %q: want i/K with 1 <= i <= K", spec)
	}
	return i, k, nil
}

// shardRange parses "i/K" and returns shard i's [start, start+count) of n:
// shard i covers floor((i-1) n / K) to floor(i n / K).
func shardRange(spec string, n int) (start, count int, err error) {
	if spec == "" {
		return 0, n, nil
	}
	i, k, err := parseShard(spec)
	if err != nil {
		return 0, 0, err
	}
	if k > n {
		return 0, 0, fmt.Errorf("simulate: --shard %q: more shards than simulations (%d)", spec, n)
	}
	lo, hi := (i-1)*n/k, i*n/k
	return lo, hi - lo, nil
}

// shardOutput returns the name shard i/K of a run writes when every
// task is given the same -o: the shard inserted before the extension,
// its number padded to K's width so the names sort in shard order
// ("sims.npz", "3/16" -> "sims-shard-03-of-16.npz").
func shardOutput(out, spec string) string {
	i, k, _ := parseShard(spec)
	w := len(strconv.Itoa(k))
	ext := filepath.Ext(out)
	return fmt.Sprintf("%s-shard-%0*d-of-%d%s", strings.TrimSuffix(out, ext), w, i, k, ext)
}
