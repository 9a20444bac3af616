package workflow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/buildinfo"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/train"
)

// GrowthOptions set up the growth experiment: for each count k in Sweeps,
// the protocol repeated k times, a model trained and assessed for it.
type GrowthOptions struct {
	Sweeps  []int  // distinct counts >= 1 of back-to-back sweeps [1, 2, 4]
	Train   int    // training simulations per recording length (required)
	HeldOut int    // held-out simulations per recording length, at least 51 (required)
	Draws   int    // posterior draws per held-out simulation [200]
	Epochs  int    // epochs of the mlp preset (0: the preset's)
	Seed    uint64 // training data and weights; the held-out data use Seed+1
	// Dir, when set, receives the models as model_k<k>.laa; empty: they
	// stay in memory.
	Dir      string
	Progress Progress
	// Done, when set, is told about each recording length when its model
	// has been trained and assessed: its index among the sorted Sweeps
	// and what was made.
	Done func(i int, run GrowthRun)
}

// GrowthRun records how the model for one recording length was made.
type GrowthRun struct {
	Sweeps     int      `json:"sweeps"`
	DurationMs float64  `json:"duration_ms"`
	Statistics int      `json:"statistics"` // summary statistics per trace
	Model      string   `json:"model"`      // its file; "" when kept in memory
	BestEpoch  int      `json:"best_epoch"`
	Epochs     int      `json:"epochs_run"`
	BestVal    float64  `json:"best_val_loss"`
	TrainSec   float64  `json:"train_seconds"`
	Calibrated bool     `json:"calibrated"`
	Warnings   []string `json:"warnings,omitempty"`
}

// GrowthExperiment is the whole growth experiment: its settings, how each
// model was made, and contraction per parameter as the recording grows.
// It is what growth.json holds.
type GrowthExperiment struct {
	Version string        `json:"laa"`
	NTrain  int           `json:"n_train"`
	NTest   int           `json:"n_test"`
	Draws   int           `json:"draws_per_sim"`
	Epochs  int           `json:"epochs"`
	Seed    uint64        `json:"seed"`
	Base    neuron.Config `json:"base_experiment"`
	Runs    []GrowthRun   `json:"runs"`
	Result  *GrowthResult `json:"result"`
}

// Growth measures how the posterior narrows as the same cell is recorded
// longer. For each k in opt.Sweeps (in increasing order) it repeats base's
// protocol k times back to back (Sweeps), simulates a training and a
// held-out set (the same seeds for every k, so row i is the same cell at
// every length), trains the mlp preset on the first, assesses it on the
// second, and returns contraction, NRMSE and calibration error per
// parameter and length, with a warning wherever contraction falls as the
// recording grows (GrowthOf).
func Growth(ctx context.Context, base neuron.Config, opt GrowthOptions) (*GrowthExperiment, error) {
	ks := slices.Sorted(slices.Values(opt.Sweeps))
	if len(opt.Sweeps) == 0 {
		ks = []int{1, 2, 4}
	}
	if ks[0] < 1 || len(slices.Compact(slices.Clone(ks))) != len(ks) {
		return nil, fmt.Errorf("workflow: growth: sweeps must be distinct counts >= 1, got %v", opt.Sweeps)
	}
	if opt.Train < 1 || opt.HeldOut < 51 {
		return nil, fmt.Errorf("workflow: growth: need at least 1 training and 51 held-out simulations (the typicality reference), got %d and %d", opt.Train, opt.HeldOut)
	}
	draws := orDefault(opt.Draws, 200)
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("workflow: growth: %w", err)
		}
	}
	exp := &GrowthExperiment{Version: buildinfo.Version(), NTrain: opt.Train, NTest: opt.HeldOut, Draws: draws, Epochs: opt.Epochs, Seed: opt.Seed, Base: base}
	var (
		points []GrowthPoint
		names  []string
	)
	for i, k := range ks {
		if err := checkContext(ctx, fmt.Sprintf("growth: %d sweeps", k)); err != nil {
			return nil, err
		}
		opt.Progress.report(Update{Stage: StageGrowthPoint, Done: i, Total: len(ks), Unit: "lengths"})
		p, run, n, err := growthPoint(ctx, base, k, draws, opt)
		if err != nil {
			return nil, fmt.Errorf("workflow: growth: %d sweeps: %w", k, err)
		}
		if opt.Done != nil {
			opt.Done(i, run)
		}
		points, exp.Runs, names = append(points, p), append(exp.Runs, run), n
	}
	opt.Progress.report(Update{Stage: StageGrowthPoint, Done: len(ks), Total: len(ks), Unit: "lengths"})
	var err error
	if exp.Result, err = GrowthOf(names, points); err != nil {
		return nil, err
	}
	return exp, nil
}

// growthPoint simulates, trains and assesses the model for k sweeps.
func growthPoint(ctx context.Context, base neuron.Config, k, draws int, opt GrowthOptions) (GrowthPoint, GrowthRun, []string, error) {
	cfg, err := Sweeps(base, k)
	if err != nil {
		return GrowthPoint{}, GrowthRun{}, nil, err
	}
	run := GrowthRun{Sweeps: k, DurationMs: cfg.DurationMs}
	if opt.Dir != "" {
		run.Model = filepath.Join(opt.Dir, fmt.Sprintf("model_k%d.laa", k))
	}
	trainSet, err := Simulate(ctx, cfg, SimulateOptions{N: opt.Train, Seed: opt.Seed, Progress: opt.Progress})
	if err != nil {
		return GrowthPoint{}, run, nil, err
	}
	testSet, err := Simulate(ctx, cfg, SimulateOptions{N: opt.HeldOut, Seed: opt.Seed + 1, Progress: opt.Progress})
	if err != nil {
		return GrowthPoint{}, run, nil, err
	}
	run.Statistics = trainSet.S()
	m, h, err := Train(ctx, trainSet, TrainOptions{Preset: train.PresetMLP, Epochs: opt.Epochs, Seed: opt.Seed, File: run.Model, Progress: opt.Progress})
	if err != nil {
		return GrowthPoint{}, run, nil, err
	}
	run.BestEpoch, run.Epochs, run.BestVal, run.TrainSec = h.BestEpoch, len(h.Val), h.Val[h.BestEpoch-1], h.Seconds
	a, err := Assess(ctx, m, testSet, AssessOptions{Sims: opt.HeldOut, Draws: draws, Seed: opt.Seed, Progress: opt.Progress})
	if err != nil {
		return GrowthPoint{}, run, nil, err
	}
	res := a.Result
	run.Calibrated, run.Warnings = res.Calibrated, res.Warnings
	return NewGrowthPoint(k, cfg.DurationMs, res), run, res.Names, nil
}

// GrowthFiles are the files GrowthExperiment.Write puts into its folder.
var GrowthFiles = []string{"contraction.png", "contraction.svg", "growth.csv", "growth.json"}

// Write stores the experiment in dir: contraction.png/.svg (contraction
// and NRMSE against recording length, one line per parameter), growth.csv
// (one row per length and parameter) and growth.json (everything).
func (g *GrowthExperiment) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("workflow: growth: %w", err)
	}
	f, err := g.Result.Figure()
	if err != nil {
		return err
	}
	if err := plots.Save(f, dir, "contraction"); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "growth.csv"), func(f *os.File) error { return g.Result.WriteCSV(f) }); err != nil {
		return err
	}
	return atomicfile.WriteJSON(filepath.Join(dir, "growth.json"), g)
}
