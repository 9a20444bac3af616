package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/hh"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
	"github.com/laa-neuro/laa/validation"
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
     first --compare-obs of them, and write the HTML report,
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
			if err := checks(positive("demo", "--n-train", nTrain), positive("demo", "--n-test", nTest),
				zeroOrMore("demo", "--epochs", epochs, "the preset's"), cmp.check("demo"),
				traceBudget("demo", fmt.Sprintf("--n-train %d", nTrain), neuron.Default(), nTrain)); err != nil {
				return err
			}
			plan := (&ioPlan{cmd: "demo"}).folder("-o", dir, "", nil)
			for _, name := range demoFiles {
				plan.outIn("-o", filepath.Join(dir, name), kindOfExt[filepath.Ext(name)])
			}
			if err := plan.folder("-o", filepath.Join(dir, "report"), "", nil).check(); err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			noteFolder(dir)
			path := func(name string) string { return filepath.Join(dir, name) }
			cfg := neuron.Default()
			fmt.Fprintf(e.stdout, "[1/4] simulating %d training and %d held-out pairs\n", nTrain, nTest)
			trainSet, err := e.simulate(cfg, seed, 0, nTrain, nTrain, 0)
			if err != nil {
				return err
			}
			if err := trainSet.Write(path("train.npz")); err != nil {
				return err
			}
			testSet, err := e.simulate(cfg, seed+1, 0, nTest, nTest, 0)
			if err != nil {
				return err
			}
			if err := testSet.Write(path("test.npz")); err != nil {
				return err
			}
			opt, _ := train.Preset(train.PresetQuick)
			opt.Seed = seed
			if epochs > 0 {
				opt.Epochs = epochs
			}
			fmt.Fprintf(e.stdout, "[2/4] training the quick preset (%d epochs at most, early stopping)\n", opt.Epochs)
			m, h, err := train.Run(trainSet, opt, path("model.laa"), e.trainProgress(opt.Epochs))
			if err != nil {
				return err
			}
			if err := atomicfile.WriteJSON(path("model.history.json"), h); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "      best validation loss %.3f at epoch %d (%s), %.0f s\n", h.Val[h.BestEpoch-1], h.BestEpoch, h.Stopped, h.Seconds)
			fmt.Fprintln(e.stdout, "[3/4] diagnosing on the held-out pairs")
			res, err := e.assess(m, testSet, validation.Options{Seed: seed})
			if err != nil {
				return err
			}
			info := validation.Info{Model: path("model.laa"), Data: path("test.npz"), Version: Version(), Experiment: m.Experiment,
				TrainLoss: h.Train, ValLoss: h.Val}
			fmt.Fprintln(e.stdout, "      fitting two Hodgkin-Huxley cells as if they were recordings")
			recs, err := writeHHRecordings(dir, cfg, seed)
			if err != nil {
				return err
			}
			if err := e.assessRecordings(m, testSet, res, recs, recordingFlags{}, seed); err != nil {
				return err
			}
			reportDir := path("report")
			if cmp.obs > 0 {
				fmt.Fprintf(e.stdout, "      comparing with the exact posterior (MCMC) on %d held-out pairs\n", cmp.obs)
			}
			t0 := time.Now()
			if err := e.addComparison(m, testSet, res, "", cmp, reportDir, seed); err != nil {
				return err
			}
			if c := res.Comparison; c != nil && len(c.Rows) > 0 {
				fmt.Fprintf(e.stdout, "      C2ST %.3f (%s), %.0f s\n", c.MeanC2ST, floorText(c), time.Since(t0).Seconds())
			}
			if err := validation.WriteReport(res, info, reportDir); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "[4/4] inferring the posterior of one held-out trace")
			if err := e.demoInfer(m, testSet, dir, seed); err != nil {
				return err
			}
			e.printVerdict(res, filepath.Join(reportDir, "index.html"))
			fmt.Fprintf(e.stdout, "done in %s\n", time.Since(start).Round(time.Second))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&dir, "output", "o", "laa-demo", "directory for the data, model, draws and report")
	f.IntVar(&nTrain, "n-train", 100000, "training simulations")
	f.IntVar(&nTest, "n-test", 1000, "held-out simulations")
	f.IntVar(&epochs, "epochs", 0, "override the quick preset's epochs")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	cmp.register(cmd)
	return cmd
}

// demoFiles are the files the demo writes into its folder, besides the
// report/ and posterior/ folders.
var demoFiles = []string{"train.npz", "test.npz", "model.laa", "model.history.json", "example_trace.csv", "hh_subthreshold.csv", "hh_spiking.csv"}

// demoInfer writes held-out trace 0 as a CSV, as a user's recording would
// come, and runs inference on it from the file with the exact correction
// on (the route is printed; the amortized draws are kept beside the
// corrected ones as .amortized.npy).
func (e *env) demoInfer(m *npe.Model, test *dataset.Set, dir string, seed uint64) error {
	path := filepath.Join(dir, "example_trace.csv")
	err := atomicfile.Write(path, func(f *os.File) error {
		fmt.Fprintln(f, "time_ms,voltage_mV,current_uA_per_cm2")
		for t := range test.T {
			fmt.Fprintf(f, "%g,%.9g,%g\n", test.Time[t], test.Traces[t], test.Stimulus[t]) // %.9g: float32 exactly
		}
		return nil
	})
	if err != nil {
		return err
	}
	o, err := readObserved(path, m.Experiment, recordingFlags{})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "      true parameters of the example: %v = %.4g\n", m.Names, test.Theta[:test.P])
	return e.inferWith(m, []observed{o}, inferOptions{draws: 2000, seed: seed, out: filepath.Join(dir, "posterior"), exact: true})
}

// writeHHRecordings writes two biologically plausible test recordings as
// CSV files: a subthreshold Hodgkin-Huxley cell under the trained protocol,
// and a classic one under the protocol scaled 10-fold, where it spikes.
func writeHHRecordings(dir string, cfg neuron.Config, seed uint64) ([]string, error) {
	cur, err := cfg.Stimulus.Compile()
	if err != nil {
		return nil, err
	}
	var paths []string
	for i, c := range []struct {
		name  string
		p     hh.Params
		scale float64
	}{{"hh_subthreshold", hh.Subthreshold(), 1}, {"hh_spiking", hh.Classic(), 10}} {
		tr, err := hh.Simulate(c.p, cur, hh.Settings{RecordStepMs: cfg.RecordStepMs, NumSamples: cfg.NumSamples(),
			StimulusScale: c.scale, NoiseSD: cfg.SigmaObs}, neuron.Stream(seed, uint64(1<<42+i)))
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, c.name+".csv")
		if err := tr.WriteCSV(path); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
