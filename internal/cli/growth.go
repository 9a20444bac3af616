package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/train"
	"github.com/laa-neuro/laa/validation"
)

// growthRun records how the model for one recording length was made.
type growthRun struct {
	Sweeps     int      `json:"sweeps"`
	DurationMs float64  `json:"duration_ms"`
	Statistics int      `json:"statistics"` // summary statistics per trace
	Model      string   `json:"model"`
	BestEpoch  int      `json:"best_epoch"`
	Epochs     int      `json:"epochs_run"`
	BestVal    float64  `json:"best_val_loss"`
	TrainSec   float64  `json:"train_seconds"`
	Calibrated bool     `json:"calibrated"`
	Warnings   []string `json:"warnings,omitempty"`
}

func (e *env) growthCmd() *cobra.Command {
	var (
		dir                  string
		sweeps               []int
		nTrain, nTest, draws int
		epochs               int
		seed                 uint64
	)
	cmd := &cobra.Command{
		Use:   "growth [--sweeps 1,2,4] [--n-train 30000] [--n-test 500] [--epochs 20] -o growth/",
		Short: "Posterior contraction as data grow: the protocol repeated k times, a model trained for each k",
		Long: `growth measures how the posterior narrows as the same cell is recorded longer.
For each k in --sweeps it repeats the default protocol k times back to back
(k x 600 ms, no reset between sweeps), simulates training and held-out sets
(the same seeds for every k, so row i is the same cell at every length),
trains the quick preset on them and assesses it on the held-out set.
It writes contraction.png/.svg (contraction and NRMSE against recording
length, one line per parameter), growth.csv, growth.json and the models,
prints the table, and warns where contraction falls as the recording grows.
--n-train x the longest recording's samples may not exceed MaxTraceValues
(2^31), --draws x --n-test x parameters MaxPosteriorValues (2^25).` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			ks := slices.Sorted(slices.Values(sweeps))
			if len(ks) == 0 || ks[0] < 1 || len(slices.Compact(slices.Clone(ks))) != len(ks) {
				return fmt.Errorf("growth: --sweeps must be distinct counts >= 1, got %v", sweeps)
			}
			if nTrain < 100 || nTest < 51 {
				return fmt.Errorf("growth: need --n-train >= 100 and --n-test >= 51 (the typicality reference), got %d and %d", nTrain, nTest)
			}
			if err := checks(positive("growth", "--draws", draws), zeroOrMore("growth", "--epochs", epochs, "the preset's")); err != nil {
				return err
			}
			base := neuron.Default()
			if maxK := neuron.MaxSamplesPerTrace / base.NumSamples(); ks[len(ks)-1] > maxK {
				return fmt.Errorf("growth: --sweeps %d: %d sweeps of %d samples exceed neuron.MaxSamplesPerTrace (%d samples per trace): at most %d sweeps",
					ks[len(ks)-1], ks[len(ks)-1], base.NumSamples(), neuron.MaxSamplesPerTrace, maxK)
			}
			longest, err := validation.Sweeps(base, ks[len(ks)-1])
			if err != nil {
				return fmt.Errorf("growth: --sweeps %d: %w", ks[len(ks)-1], err)
			}
			if err := traceBudget("growth", fmt.Sprintf("--n-train %d at %d sweeps", nTrain, ks[len(ks)-1]), longest, nTrain); err != nil {
				return err
			}
			inferred, _ := longest.Inferred()
			if err := posteriorBudget("growth", len(inferred), draws, nTest, "held-out simulations"); err != nil {
				return err
			}
			plan := (&ioPlan{cmd: "growth"}).folder("-o", dir, "", nil)
			for _, name := range []string{"contraction.png", "contraction.svg", "growth.csv", "growth.json"} {
				plan.outIn("-o", filepath.Join(dir, name), kindOfExt[filepath.Ext(name)])
			}
			for _, k := range ks {
				plan.outIn("-o", filepath.Join(dir, fmt.Sprintf("model_k%d.laa", k)), kindModel)
			}
			if err := plan.check(); err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("growth: %w", err)
			}
			noteFolder(dir)
			var (
				points []validation.GrowthPoint
				runs   []growthRun
				names  []string
			)
			for i, k := range ks {
				p, run, n, err := e.growthPoint(k, nTrain, nTest, draws, epochs, seed, dir)
				if err != nil {
					return fmt.Errorf("growth: %d sweeps: %w", k, err)
				}
				fmt.Fprintf(e.stdout, "[%d/%d] %d sweeps (%g ms, %d statistics): best validation loss %.3f at epoch %d, %.0f s\n",
					i+1, len(ks), k, run.DurationMs, run.Statistics, run.BestVal, run.BestEpoch, run.TrainSec)
				points, runs, names = append(points, p), append(runs, run), n
			}
			res, err := validation.Growth(names, points)
			if err != nil {
				return err
			}
			f, err := res.Figure()
			if err != nil {
				return err
			}
			if err := plots.Save(f, dir, "contraction"); err != nil {
				return err
			}
			if err := atomicfile.Write(filepath.Join(dir, "growth.csv"), func(f *os.File) error { return res.WriteCSV(f) }); err != nil {
				return err
			}
			out := struct {
				Version string                   `json:"laa"`
				NTrain  int                      `json:"n_train"`
				NTest   int                      `json:"n_test"`
				Draws   int                      `json:"draws_per_sim"`
				Epochs  int                      `json:"epochs"`
				Seed    uint64                   `json:"seed"`
				Base    neuron.Config            `json:"base_experiment"`
				Runs    []growthRun              `json:"runs"`
				Result  *validation.GrowthResult `json:"result"`
			}{Version(), nTrain, nTest, draws, epochs, seed, neuron.Default(), runs, res}
			if err := atomicfile.WriteJSON(filepath.Join(dir, "growth.json"), out); err != nil {
				return err
			}
			printGrowth(e.stdout, res, nTest)
			fmt.Fprintf(e.stdout, "wrote %s, growth.csv, growth.json in %s; done in %s\n",
				"contraction.png/.svg", dir, time.Since(start).Round(time.Second))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&dir, "output", "o", "growth", "directory for the figure, tables and models")
	f.IntSliceVar(&sweeps, "sweeps", []int{1, 2, 4}, "numbers of back-to-back sweeps of the protocol")
	f.IntVar(&nTrain, "n-train", 30000, "training simulations per recording length")
	f.IntVar(&nTest, "n-test", 500, "held-out simulations per recording length")
	f.IntVar(&draws, "draws", 200, "posterior draws per held-out simulation")
	f.IntVar(&epochs, "epochs", 20, "epochs of the quick preset (0: the preset's)")
	f.Uint64Var(&seed, "seed", 1, "random seed (training data; held-out data use seed+1)")
	return cmd
}

// growthPoint simulates, trains and assesses the model for k sweeps.
func (e *env) growthPoint(k, nTrain, nTest, draws, epochs int, seed uint64, dir string) (validation.GrowthPoint, growthRun, []string, error) {
	var p validation.GrowthPoint
	cfg, err := validation.Sweeps(neuron.Default(), k)
	if err != nil {
		return p, growthRun{}, nil, err
	}
	run := growthRun{Sweeps: k, DurationMs: cfg.DurationMs, Model: filepath.Join(dir, fmt.Sprintf("model_k%d.laa", k))}
	trainSet, err := e.simulate(cfg, seed, 0, nTrain, nTrain, 0)
	if err != nil {
		return p, run, nil, err
	}
	testSet, err := e.simulate(cfg, seed+1, 0, nTest, nTest, 0)
	if err != nil {
		return p, run, nil, err
	}
	run.Statistics = trainSet.S()
	opt, _ := train.Preset(train.PresetMLP)
	opt.Seed = seed
	if epochs > 0 {
		opt.Epochs = epochs
	}
	m, h, err := train.Run(trainSet, opt, run.Model, e.trainProgress(opt.Epochs))
	if err != nil {
		return p, run, nil, err
	}
	run.BestEpoch, run.Epochs, run.BestVal, run.TrainSec = h.BestEpoch, len(h.Val), h.Val[h.BestEpoch-1], h.Seconds
	res, err := e.assess(m, testSet, validation.Options{Sims: nTest, Draws: draws, Seed: seed})
	if err != nil {
		return p, run, nil, err
	}
	run.Calibrated, run.Warnings = res.Calibrated, res.Warnings
	return validation.NewGrowthPoint(k, cfg.DurationMs, res), run, res.Names, nil
}

// printGrowth prints contraction, NRMSE and calibration error per
// parameter (columns) and recording length (rows), then the warnings.
func printGrowth(w io.Writer, res *validation.GrowthResult, nTest int) {
	for _, t := range []struct {
		title string
		get   func(validation.GrowthPoint) []float64
	}{
		{fmt.Sprintf("contraction (1 - posterior var / prior var), mean over %d held-out simulations", nTest),
			func(g validation.GrowthPoint) []float64 { return g.Contraction }},
		{"NRMSE of the posterior mean (RMSE / prior sd)", func(g validation.GrowthPoint) []float64 { return g.NRMSE }},
		{"calibration error (median |empirical - nominal| coverage)", func(g validation.GrowthPoint) []float64 { return g.CalibrationError }},
	} {
		fmt.Fprintln(w, t.title)
		fmt.Fprintf(w, "  %6s %9s", "sweeps", "length_ms")
		for _, n := range res.Names {
			fmt.Fprintf(w, " %7s", n)
		}
		fmt.Fprintln(w)
		for _, g := range res.Points {
			fmt.Fprintf(w, "  %6d %9g", g.Sweeps, g.DurationMs)
			for _, v := range t.get(g) {
				fmt.Fprintf(w, " %7.3f", v)
			}
			fmt.Fprintln(w)
		}
	}
	for _, s := range res.Warnings {
		fmt.Fprintln(w, "warning:", s)
	}
	if len(res.Warnings) == 0 {
		fmt.Fprintln(w, "contraction does not fall as the recording grows, for every parameter")
	}
}
