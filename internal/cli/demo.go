package cli

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
	"github.com/laa-neuro/laa/workflow"
)

func (e *env) demoCmd() *cobra.Command {
	var (
		dir           string
		nTrain, nTest int
		epochs        int
		seed          uint64
		cmp           compareFlags
	)
	cmd := &cobra.Command{
		Use:   "demo [-o laa-demo]",
		Short: "The whole job on the embedded defaults: simulate, train, diagnose, infer, report",
		Long: `demo runs laa end to end with nothing but the embedded defaults:
  1. simulate 100,000 training pairs and 1,000 held-out pairs from the prior,
  2. train the quick preset (convolutions over the trace + statistics, coupling flow),
  3. diagnose calibration on the held-out pairs, compare the posterior with
     the exact one (MCMC, each sampled twice for the noise floor) on the
     first --compare-held-out of them, and write the HTML report,
  4. infer the posterior of one held-out trace from its CSV file, corrected
     to the exact one (as 'laa infer --exact': importance sampling from the
     neural posterior, MCMC where the weights are unreliable), printing the
     route it took,
and prints the report's path with a verdict per parameter. About 5 minutes
on 2 cores. -o may be an earlier demo's folder, whose files are replaced;
a file of another kind where the demo writes one is refused.` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			if err := checks(positive("demo", "--n-train", nTrain), positive("demo", "--held-out", nTest),
				zeroOrMore("demo", "--epochs", epochs, "the preset's"), cmp.check("demo"),
				traceBudget("demo", fmt.Sprintf("--n-train %d", nTrain), neuron.Default(), nTrain)); err != nil {
				return err
			}
			plan := (&ioPlan{cmd: "demo"}).folder("-o", dir, "", nil)
			for _, name := range demoFiles {
				plan.outIn("-o", filepath.Join(dir, name), kindOfExt[filepath.Ext(name)])
			}
			for _, name := range workflow.InferenceFiles("example_trace", true) {
				plan.outIn("-o", filepath.Join(dir, demoPosteriors, name), kindOfExt[filepath.Ext(name)])
			}
			if err := plan.folder("-o", filepath.Join(dir, "report"), "", nil).check(); err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			noteFolder(dir)
			path := func(name string) string { return filepath.Join(dir, name) }
			ctx, cfg, bars := context.Background(), neuron.Default(), e.stageBars()
			fmt.Fprintf(e.stdout, "[1/4] simulating %d training and %d held-out pairs\n", nTrain, nTest)
			trainSet, err := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: nTrain, Seed: seed, Progress: bars})
			if err != nil {
				return err
			}
			if err := trainSet.Write(path("train.npz")); err != nil {
				return err
			}
			testSet, err := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: nTest, Seed: seed + 1, Progress: bars})
			if err != nil {
				return err
			}
			if err := testSet.Write(path("test.npz")); err != nil {
				return err
			}
			topt := workflow.TrainOptions{Preset: train.PresetQuick, Epochs: epochs, Seed: seed,
				File: path("model.laa"), HistoryFile: path("model.history.json"), Progress: bars}
			budget, err := topt.EpochBudget()
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "[2/4] training the quick preset (%d epochs at most, early stopping)\n", budget)
			m, h, err := workflow.Train(ctx, trainSet, topt)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "      best validation loss %.3f at epoch %d (%s), %.0f s\n", h.Val[h.BestEpoch-1], h.BestEpoch, h.Stopped, h.Seconds)
			fmt.Fprintln(e.stdout, "[3/4] diagnosing on the held-out pairs")
			cells, err := workflow.WriteTestCells(dir, cfg, seed)
			if err != nil {
				return err
			}
			var recs []workflow.RecordingFile
			for _, c := range cells {
				recs = append(recs, workflow.RecordingFile{Path: c})
			}
			aopt := workflow.AssessOptions{Seed: seed, Recordings: recs, ModelFile: path("model.laa"), DataFile: path("test.npz"), History: &h,
				Comparison: cmp.comparison(seed), Warn: e.warnLine, Progress: e.demoStages(bars, cmp.obs)}
			a, err := workflow.Assess(ctx, m, testSet, aopt)
			if err != nil {
				return err
			}
			if c := a.Comparison; c != nil && len(c.Rows) > 0 {
				fmt.Fprintf(e.stdout, "      C2ST %.3f (%s), %.0f s\n", c.MeanC2ST, floorText(c), a.ComparisonSeconds)
			}
			reportDir := path("report")
			if err := workflow.Report(a, reportDir); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "[4/4] inferring the posterior of one held-out trace")
			if err := e.demoInfer(m, testSet, dir, seed, bars); err != nil {
				return err
			}
			e.printVerdict(a, filepath.Join(reportDir, "index.html"))
			fmt.Fprintf(e.stdout, "done in %s\n", time.Since(start).Round(time.Second))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&dir, "output", "o", "laa-demo", "directory for the data, model, draws and report")
	f.IntVar(&nTrain, "n-train", 100000, "training simulations")
	f.IntVar(&nTest, "held-out", 1000, "held-out simulations")
	f.IntVar(&epochs, "epochs", 0, "override the quick preset's epochs")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	cmp.register(cmd)
	renamed(cmd, "n-test", "", "held-out")
	return cmd
}

// demoFiles are the files the demo writes into its folder, besides the
// report/ and posterior/ folders.
var demoFiles = append([]string{"train.npz", "test.npz", "model.laa", "model.history.json", "example_trace.csv"}, workflow.CellFiles...)

// demoInfer writes held-out trace 0 as a CSV, as a user's recording would
// come, and infers its posterior from the file with the exact correction
// on (the route is printed; the amortized draws are kept beside the
// corrected ones as .amortized.npy).
func (e *env) demoInfer(m *npe.Model, test *dataset.Set, dir string, seed uint64, bars workflow.Progress) error {
	path := filepath.Join(dir, "example_trace.csv")
	err := atomicfile.Write(path, func(f *os.File) error { return test.EncodeTraceCSV(f, 0) })
	if err != nil {
		return err
	}
	tr, err := workflow.RecordingFile{Path: path}.Trace(m.Experiment)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "      true parameters of the example: %v = %.4g\n", m.Names, test.Theta[:test.P])
	inf, err := workflow.Infer(context.Background(), m, []workflow.Trace{tr}, workflow.InferOptions{Draws: 2000, Seed: seed, Progress: bars})
	if err != nil {
		return err
	}
	e.printInferences(inf)
	return inf.Write(filepath.Join(dir, demoPosteriors))
}

// demoPosteriors is the folder, inside the demo's, of the example's
// posterior.
const demoPosteriors = "posterior"

// demoStages passes updates on to bars and prints the demo's step lines
// as the assessment reaches the recordings and the comparison.
func (e *env) demoStages(bars workflow.Progress, compareObs int) workflow.Progress {
	said := map[string]bool{}
	return func(u workflow.Update) {
		if !said[u.Stage] {
			said[u.Stage] = true
			switch u.Stage {
			case workflow.StageRecordings:
				fmt.Fprintln(e.stdout, "      fitting two Hodgkin-Huxley cells as if they were recordings")
			case workflow.StageComparison:
				fmt.Fprintf(e.stdout, "      comparing with the exact posterior (MCMC) on %d held-out pairs\n", compareObs)
			}
		}
		bars(u)
	}
}

// warnLine prints a warning that arose during a step on stderr.
func (e *env) warnLine(w string) { fmt.Fprintln(e.stderr, "warning:", w) }

// comparison returns the workflow's comparison options from the flags.
func (c compareFlags) comparison(seed uint64) workflow.ComparisonOptions {
	if c.obs <= 0 {
		return workflow.ComparisonOptions{Off: "it was switched off (--compare-held-out 0)"}
	}
	return workflow.ComparisonOptions{Options: c.options(seed)}
}

// stageBars returns a workflow progress callback that draws one bar per
// stage on stderr (none with --quiet), as the commands' own bars look, and
// says how fast a finished simulation ran.
func (e *env) stageBars() workflow.Progress {
	var (
		bar     meter
		stage   string
		last    int
		started time.Time
	)
	return func(u workflow.Update) {
		what, unit := u.Stage, u.Unit
		switch u.Stage {
		case workflow.StageAssess:
			what, unit = "posteriors", "sims"
		case workflow.StageComparison:
			what = "exact posteriors"
		case workflow.StageCorrection:
			what = "mcmc " + u.Item
		case workflow.StageRecordings, workflow.StageGrowthPoint:
			return
		}
		if bar == nil || u.Stage+u.Item != stage || (u.Done == 0 && last > 0) {
			bar, stage, last, started = e.newBar(u.Total, what, unit), u.Stage+u.Item, 0, time.Now()
		}
		if u.Stage == workflow.StageTrain {
			v := "-"
			if !math.IsNaN(u.ValLoss) {
				v = fmt.Sprintf("%.3f", u.ValLoss)
			}
			if u.Done > 0 {
				bar.Describe(fmt.Sprintf("epoch %d  loss %.3f  val %s", u.Epoch, u.Loss, v))
			}
		}
		bar.Set(u.Done)
		last = u.Done
		if u.Stage == workflow.StageSimulate && u.Done == u.Total && u.Total > 0 {
			bar.Finish()
			if !e.quiet {
				sec := time.Since(started).Seconds()
				fmt.Fprintf(e.stderr, "simulated %d traces in %.2f s (%.0f per second)\n", u.Total, sec, float64(u.Total)/sec)
			}
		}
	}
}
