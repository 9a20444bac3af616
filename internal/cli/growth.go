package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/workflow"
)

func (e *env) growthCmd() *cobra.Command {
	var (
		dir                  string
		sweeps               []int
		nTrain, nTest, draws int
		epochs               int
		seed                 uint64
	)
	cmd := &cobra.Command{
		Use:   "growth [--sweeps 1,2,4] [--n-train 30000] [--held-out 500] [--epochs 20] -o growth/",
		Short: "Posterior contraction as data grow: the protocol repeated k times, a model trained for each k",
		Long: `growth measures how the posterior narrows as the same cell is recorded longer.
For each k in --sweeps it repeats the default protocol k times back to back
(k x 600 ms, no reset between sweeps), simulates training and held-out sets
(the same seeds for every k, so row i is the same cell at every length),
trains the mlp preset (the summary statistics alone) on them and assesses
it on the held-out set.
It writes contraction.png/.svg (contraction and NRMSE against recording
length, one line per parameter), growth.csv, growth.json and the models,
prints the table, and warns where contraction falls as the recording grows.
--n-train x the longest recording's samples may not exceed MaxTraceValues
(2^31), --draws x --held-out x parameters MaxPosteriorValues (2^25).` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			ks := slices.Sorted(slices.Values(sweeps))
			if len(ks) == 0 || ks[0] < 1 || len(slices.Compact(slices.Clone(ks))) != len(ks) {
				return fmt.Errorf("growth: --sweeps must be distinct counts >= 1, got %v", sweeps)
			}
			if nTrain < 100 || nTest < 51 {
				return fmt.Errorf("growth: need --n-train >= 100 and --held-out >= 51 (the typicality reference), got %d and %d", nTrain, nTest)
			}
			if err := checks(positive("growth", "--draws", draws), zeroOrMore("growth", "--epochs", epochs, "the preset's")); err != nil {
				return err
			}
			base := neuron.Default()
			if maxK := neuron.MaxSamplesPerTrace / base.NumSamples(); ks[len(ks)-1] > maxK {
				return fmt.Errorf("growth: --sweeps %d: %d sweeps of %d samples exceed neuron.MaxSamplesPerTrace (%d samples per trace): at most %d sweeps",
					ks[len(ks)-1], ks[len(ks)-1], base.NumSamples(), neuron.MaxSamplesPerTrace, maxK)
			}
			longest, err := workflow.Sweeps(base, ks[len(ks)-1])
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
			for _, name := range workflow.GrowthFiles {
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
			exp, err := workflow.Growth(context.Background(), base, workflow.GrowthOptions{Sweeps: ks, Train: nTrain, HeldOut: nTest, Draws: draws,
				Epochs: epochs, Seed: seed, Dir: dir, Progress: e.stageBars(),
				Done: func(i int, run workflow.GrowthRun) {
					fmt.Fprintf(e.stdout, "[%d/%d] %d sweeps (%g ms, %d statistics): best validation loss %.3f at epoch %d, %.0f s\n",
						i+1, len(ks), run.Sweeps, run.DurationMs, run.Statistics, run.BestVal, run.BestEpoch, run.TrainSec)
				}})
			if err != nil {
				return err
			}
			if err := exp.Write(dir); err != nil {
				return err
			}
			printGrowth(e.stdout, exp.Result, nTest)
			fmt.Fprintf(e.stdout, "wrote %s, growth.csv, growth.json in %s; done in %s\n",
				"contraction.png/.svg", dir, time.Since(start).Round(time.Second))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&dir, "output", "o", "growth", "directory for the figure, tables and models")
	f.IntSliceVar(&sweeps, "sweeps", []int{1, 2, 4}, "numbers of back-to-back sweeps of the protocol")
	f.IntVar(&nTrain, "n-train", 30000, "training simulations per recording length")
	f.IntVar(&nTest, "held-out", 500, "held-out simulations per recording length")
	f.IntVar(&draws, "draws", 200, "posterior draws per held-out simulation")
	f.IntVar(&epochs, "epochs", 20, "epochs of the mlp preset (0: the preset's)")
	f.Uint64Var(&seed, "seed", 1, "random seed (training data; held-out data use seed+1)")
	renamed(cmd, "n-test", "", "held-out")
	return cmd
}

// printGrowth prints contraction, NRMSE and calibration error per
// parameter (columns) and recording length (rows), then the warnings.
func printGrowth(w io.Writer, res *workflow.GrowthResult, nTest int) {
	for _, t := range []struct {
		title string
		get   func(workflow.GrowthPoint) []float64
	}{
		{fmt.Sprintf("contraction (1 - posterior var / prior var), mean over %d held-out simulations", nTest),
			func(g workflow.GrowthPoint) []float64 { return g.Contraction }},
		{"NRMSE of the posterior mean (RMSE / prior sd)", func(g workflow.GrowthPoint) []float64 { return g.NRMSE }},
		{"calibration error (median |empirical - nominal| coverage)", func(g workflow.GrowthPoint) []float64 { return g.CalibrationError }},
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
