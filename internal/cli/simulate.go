package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
)

func (e *env) simulateCmd() *cobra.Command {
	var (
		n       int
		seed    uint64
		out     string
		cfgPath string
		shard   string
		shards  int
		workers int
		from    string
		tol     float64
		rec     recordingFlags
	)
	cmd := &cobra.Command{
		Use:   "simulate -n N --seed S -o train.npz",
		Short: "Simulate (parameter, trace) pairs from the prior into an .npz data set",
		Long: `simulate draws N parameter sets from the prior, simulates a noisy voltage trace
for each and writes an .npz that numpy.load opens: theta (N x P), traces (N x T),
time_ms, stimulus, stats (hand-made summary statistics) and meta (JSON: seed,
configuration, names). Simulation i depends only on (seed, i), so --shard i/K
writes exactly the rows of the i-th of K shards (i = 1..K) of the unsharded run;
join shards with 'laa merge'. On a cluster the shard comes from the
environment when --shard is not given: a Kubernetes Indexed Job's
JOB_COMPLETION_INDEX (0-based) with --shards K, or a Slurm job array's
SLURM_ARRAY_TASK_ID (with SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT;
--shards optional); every task then writes -o with its shard inserted
before the extension (sims.npz -> sims-shard-03-of-16.npz). See
docs/cluster.md. -n times the samples per trace may not exceed
MaxTraceValues (2^31); split larger runs with --shard. -o may name an
existing data set, which is replaced; any other kind of file there is
refused.

--config may instead describe another model (a YAML file with parameters,
priors, the observation's shape and a simulator command; see
docs/external-models.md): simulation i then draws its parameters from the
priors and passes its own seed to the command, so shards again equal the
matching rows of the whole run. The set holds theta, x (or traces for a
time series) and meta.` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checks(positive("simulate", "-n", n), zeroOrMore("simulate", "--workers", workers, "all cores"),
				atMost("simulate", "--workers", workers, MaxWorkers, "MaxWorkers")); err != nil {
				return err
			}
			shard, fromEnv, err := resolveShard(shard, shards, os.Getenv)
			if err != nil {
				return err
			}
			if fromEnv {
				out = shardOutput(out, shard)
			}
			plan := (&ioPlan{cmd: "simulate"}).in("--config", cfgPath).in("--stimulus-from", from).out("-o", out, kindDataSet)
			if err := plan.check(); err != nil {
				return err
			}
			exp, err := loadExperiment(cfgPath)
			if err != nil {
				return err
			}
			if exp.other != nil {
				if from != "" {
					return fmt.Errorf("simulate: --stimulus-from takes the LAA neuron's protocol; %s describes model %s", cfgPath, exp.other.Kind())
				}
				return e.simulateOther(exp.other, cfgPath, seed, shard, n, workers, out)
			}
			cfg := exp.laa
			if err := plan.checkConfig(cfg); err != nil {
				return err
			}
			if from != "" {
				if cfg, err = e.stimulusFrom(cfg, from, rec, tol); err != nil {
					return err
				}
			}
			start, count, err := shardRange(shard, n)
			if err != nil {
				return err
			}
			if err := traceBudget("simulate", fmt.Sprintf("-n %d", count), cfg, count); err != nil {
				return err
			}
			noteOutput(out)
			lm, err := neuron.NewModel(cfg)
			if err != nil {
				return err
			}
			set, err := e.simulate(lm, seed, start, count, n, workers)
			if err != nil {
				return err
			}
			if err := set.Write(out); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s: %d simulations (%d..%d of %d), %d parameters, %d samples, %d statistics\n",
				out, set.N, start, start+count-1, n, set.P, set.T, set.S())
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVarP(&n, "n", "n", 100000, "number of simulations in the whole run")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "output", "o", "", "output .npz path")
	f.StringVar(&cfgPath, "config", "", "configuration file (YAML or JSON); default: the embedded experiment")
	f.StringVar(&shard, "shard", "", "write only shard i of K, as i/K (i = 1..K)")
	f.IntVar(&shards, "shards", 0, "split the run into K shards and write the one the environment names ("+envK8sIndex+" or "+envSlurmID+"), to -o with the shard inserted before the extension")
	f.IntVar(&workers, "workers", 0, "parallel workers (0: all cores); results do not depend on it")
	f.StringVar(&from, "stimulus-from", "", "take the protocol from a recording (CSV/TSV or NWB): its stimulus, duration (from --start-ms) and sampling grid replace the configuration's")
	f.Float64Var(&tol, "stimulus-tol", 0.02, "with --stimulus-from: current changes below this (uA/cm2) are treated as noise, and levels are rounded to multiples of it")
	rec.register(cmd)
	required(cmd, "output")
	return cmd
}

// stimulusFrom returns cfg with the experiment of a recording
// (recording.ProtocolConfig): its duration from --start-ms, a grid of its
// sampling interval rounded to a nice step and coarsened to at most
// recording.DefaultMaxSamples samples, and its current as
// piecewise-constant steps on the RK4 grid, levels rounded to tol.
func (e *env) stimulusFrom(cfg neuron.Config, path string, rec recordingFlags, tol float64) (neuron.Config, error) {
	raw, err := recording.Read(path, rec.opt)
	if err != nil {
		return cfg, err
	}
	cfg, err = recording.ProtocolConfig(cfg, raw, recording.ProtocolOptions{StartMs: rec.startMs, Tol: tol})
	if err != nil {
		return cfg, fmt.Errorf("simulate: --stimulus-from %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("simulate: stimulus from %s: %w", path, err)
	}
	stim := cfg.Stimulus
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	levels, times := make([]string, len(stim.Levels)), make([]string, len(stim.Times))
	for j := range stim.Levels {
		levels[j], times[j] = g(stim.Levels[j]), g(stim.Times[j])
	}
	fmt.Fprintf(e.stderr, "protocol from %s: %s ms sampled every %s ms (%d samples, RK4 step %s ms), %d steps (levels %s uA/cm2 at %s ms)\n",
		path, g(cfg.DurationMs), g(cfg.RecordStepMs), cfg.NumSamples(), g(cfg.DtMs), len(stim.Times), strings.Join(levels, ", "), strings.Join(times, ", "))
	return cfg, nil
}

// simulate runs dataset.SimulateModel with a progress bar and a closing
// line of its rate.
func (e *env) simulate(sim model.Simulator, seed uint64, start, count, total, workers int) (*dataset.Set, error) {
	bar := e.newBar(count, "simulate", "sims")
	var mu sync.Mutex
	t0 := time.Now()
	set, err := dataset.SimulateModel(sim, dataset.SimulateOptions{Seed: seed, Start: start, N: count, Total: total, Workers: workers,
		Progress: func(d int) { mu.Lock(); bar.Add(d); mu.Unlock() }})
	bar.Finish()
	if err != nil {
		return nil, err
	}
	if !e.quiet {
		fmt.Fprintf(e.stderr, "simulated %d traces in %.2f s (%.0f per second)\n", count, time.Since(t0).Seconds(), float64(count)/time.Since(t0).Seconds())
	}
	return set, nil
}

// traceBudget refuses n simulations of cfg whose traces exceed
// MaxTraceValues, before anything is allocated.
func traceBudget(cmd, what string, cfg neuron.Config, n int) error {
	return product(cmd, fmt.Sprintf("%s x %d samples per trace", what, cfg.NumSamples()), "trace values", MaxTraceValues, "MaxTraceValues", n, cfg.NumSamples())
}

// simulateOther simulates a model other than LAA, described in path, with
// its own simulator (dataset.SimulateModel), and writes the set.
func (e *env) simulateOther(m model.Model, path string, seed uint64, shard string, n, workers int, out string) error {
	sim, ok := m.(model.Simulator)
	if !ok {
		return fmt.Errorf("simulate: %s describes model %s without a simulator command: give simulator.command (docs/external-models.md), or bring simulations made elsewhere to laa train --config %s --data sims.npz", path, m.Kind(), path)
	}
	start, count, err := shardRange(shard, n)
	if err != nil {
		return err
	}
	D := m.Observation().Length
	if float64(count)*float64(D) > MaxTraceValues {
		return fmt.Errorf("simulate: -n %d x %d values per observation exceeds MaxTraceValues = %d; split the run with --shard", count, D, int64(MaxTraceValues))
	}
	noteOutput(out)
	set, err := e.simulate(sim, seed, start, count, n, workers)
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	if err := set.Write(out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d simulations (%d..%d of %d) of model %s, %d parameters, %d values each\n",
		out, set.N, start, start+count-1, n, m.Kind(), set.P, set.T)
	return nil
}
