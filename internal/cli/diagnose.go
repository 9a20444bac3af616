package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/train"
	"github.com/laa-neuro/laa/validation"
	"github.com/laa-neuro/laa/workflow"
)

func (e *env) diagnoseCmd() *cobra.Command {
	var (
		modelPath, data, out string
		opt                  validation.Options
		recordings           []string
		rec                  recordingFlags
		comparison           string
		cfgPath              string
		cmp                  compareFlags
	)
	cmd := &cobra.Command{
		Use:   "diagnose --model m.laa --data test.npz -o report/",
		Short: "Check a trained posterior on held-out simulations and write an HTML report",
		Long: `diagnose draws posteriors for held-out simulations and writes report/index.html:
simulation-based calibration (rank histograms, ECDF with simultaneous bands),
coverage and calibration error, bias, NRMSE, contraction and z-scores, a
posterior predictive check, typicality tests, loss curves, the configuration
and versions. metrics.csv and metrics.json hold the numbers.

Calibration does not show accuracy, so the report also compares the neural
posterior with the exact one on the first --compare-held-out observations
of --data (DE-MCz on the exact likelihood, as 'laa compare' does, each
observation sampled twice for the comparison's noise floor) whenever the
likelihood is tractable (observation noise only); it says why when it is
not. The comparison is saved in report/comparison/; --comparison DIR uses a
saved one instead.

The model and the data set must share a protocol (samples, time grid,
stimulus); one of another protocol is refused before any work. For a model
other than LAA, --data may be an .npz from any simulator with --config
naming its description; the predictive check simulates when the model can,
and what the model's abilities do not allow (the LAA typicality cases, the
comparison with the exact posterior) is listed in the report with the
reason. --held-out
x --draws x parameters may not exceed MaxPosteriorValues (2^25). The report
folder must not hold an input with a name the report may write (` + reportWhat + `).` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checks(positive("diagnose", "--held-out", opt.Sims), positive("diagnose", "--draws", opt.Draws), cmp.check("diagnose")); err != nil {
				return err
			}
			plan := (&ioPlan{cmd: "diagnose"}).in("--model", modelPath).in("--data", data).in("--recording", recordings...).in("--comparison", comparison)
			if err := plan.folder("-o", out, reportWhat, inFolder(reportSuffixes, "comparison")).check(); err != nil {
				return err
			}
			m, extra, err := e.loadModel(modelPath)
			if err != nil {
				return err
			}
			test, err := e.readSetFor("diagnose", data, cfgPath)
			if err != nil {
				return err
			}
			if !m.IsLAA() && len(recordings) > 0 {
				return fmt.Errorf("diagnose: --recording takes recordings of the LAA neuron; %s is a posterior of model %s", modelPath, m.Generative.Kind())
			}
			if err := checks(posteriorBudget("diagnose", len(m.Names), opt.Draws, min(opt.Sims, test.N), "held-out simulations"), cmp.budget("diagnose", m)); err != nil {
				return err
			}
			if err := checkProtocol("diagnose", m, modelPath, test, data); err != nil {
				return err
			}
			noteFolder(out)
			aopt := workflow.AssessOptions{Sims: opt.Sims, Draws: opt.Draws, Seed: opt.Seed, Comparison: cmp.comparison(opt.Seed),
				ModelFile: modelPath, DataFile: data, Warn: e.warnLine, Progress: e.stageBars()}
			if comparison != "" {
				aopt.Comparison = workflow.ComparisonOptions{Saved: comparison}
			}
			if aopt.Recordings, err = rec.files(recordings); err != nil {
				return fmt.Errorf("diagnose: %w", err)
			}
			if h, ok := train.HistoryFrom(extra); ok {
				aopt.History = &h
			}
			a, err := workflow.Assess(context.Background(), m, test, aopt)
			if err != nil {
				return err
			}
			if err := workflow.Report(a, out); err != nil {
				return err
			}
			e.printVerdict(a, filepath.Join(out, "index.html"))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelPath, "model", "", "trained model file")
	f.StringVar(&data, "data", "", "held-out simulations (.npz from 'laa simulate' with another seed)")
	f.StringVar(&cfgPath, "config", "", "description of another model whose simulations --data holds without laa metadata (docs/external-models.md)")
	f.StringVarP(&out, "output", "o", "report", "report directory")
	f.IntVar(&opt.Sims, "held-out", 1000, "held-out simulations to assess (the first ones of --data)")
	f.IntVar(&opt.Draws, "draws", 200, "posterior draws per simulation")
	f.Uint64Var(&opt.Seed, "seed", 1, "random seed")
	f.StringArrayVar(&recordings, "recording", nil, "a recording (CSV/TSV or NWB) to fit and check on a page of its own (repeat for several)")
	f.StringVar(&comparison, "comparison", "", "a directory written by 'laa compare', to add its section to the report instead of a new comparison")
	rec.register(cmd)
	cmp.register(cmd)
	required(cmd, "model", "data")
	renamed(cmd, "sims", "", "held-out")
	return cmd
}

// The files a report writes into its folder, for the check that no input
// is overwritten.
var reportSuffixes = []string{".html", ".csv", ".json", ".png", ".svg"}

const reportWhat = ".html, .csv, .json, .png and .svg files, and comparison/"

// printVerdict prints the per-parameter calibration verdict, TARP's joint
// calibration, each recording's trust verdict with the rules it failed,
// and the comparison with the exact posterior (mean C2ST against the noise
// floor) when there is one.
func (e *env) printVerdict(a *workflow.Assessment, page string) {
	res := a.Result
	fmt.Fprintf(e.stdout, "report: %s\n", page)
	for _, p := range res.Params {
		v := "calibrated"
		if !p.Calibrated {
			v = "NOT calibrated"
		}
		fmt.Fprintf(e.stdout, "  %-6s %-15s calibration error %.3f  contraction %.2f  NRMSE %.2f\n", p.Name, v, p.Coverage.CalibrationError, p.Unconstrained.Contraction, p.Recovery.NRMSE)
	}
	for _, c := range res.Typicality {
		fmt.Fprintf(e.stdout, "  typicality of %-24s p = %.3g (%s expected)\n", c.Name+":", c.Result.PValue, c.Expected)
	}
	tarp := "jointly calibrated"
	if !res.JointCalibrated {
		tarp = "NOT jointly calibrated"
	}
	fmt.Fprintf(e.stdout, "  TARP (joint calibration): %s, area error %.3f, bias %.3f, KS p = %.3g\n", tarp, res.TARP.AreaError, res.TARP.Bias, res.TARP.KSP)
	for _, r := range a.Recordings {
		v := "trustworthy"
		if !r.Trustworthy {
			v = "not trustworthy"
			if len(r.Untrustworthy) > 0 {
				v += " (" + strings.Join(r.Untrustworthy, "; ") + ")"
			}
		}
		fmt.Fprintf(e.stdout, "  recording %-27s typicality p = %.3g, PPC %.0f %% inside 90 %% band: %s\n", r.Name+":", r.Typicality.PValue, 100*r.PPC.Inside90, v)
	}
	e.printComparison(a.Comparison)
	if res.Calibrated {
		fmt.Fprintln(e.stdout, "verdict: calibrated for every parameter")
	} else {
		fmt.Fprintln(e.stdout, "verdict: NOT calibrated for every parameter (see the report)")
	}
}
