package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/idata"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/workflow"
)

func (e *env) inferCmd() *cobra.Command {
	var (
		modelPath, out  string
		traces          []string
		n               int
		seed            uint64
		correct, asJSON bool
		rec             recordingFlags
	)
	cmd := &cobra.Command{
		Use:   "infer --model m.laa --trace obs.csv [--trace more.csv ...] [--draws 2000] [-o laa-infer]",
		Short: "Posterior draws of the parameters for recorded traces (batched, milliseconds each)",
		Long: `infer reads each trace (CSV with a header naming time, voltage and current
columns with their units, e.g. time_ms,voltage_mV,current_uA_per_cm2; see
'laa infer --help' flags for units and membrane area), prepares it for the
model's grid, and prints the posterior mean, sd, median and 90 % interval of
every parameter. It writes the draws as <name>.draws.npy and <name>.draws.csv
and a summary as <name>.summary.json into the folder -o (laa-infer unless
given), and the posterior with its route, importance weights or MCMC
chains, and the trace as an ArviZ InferenceData, <name>.idata.zarr (a Zarr
store; see docs/arviz.md). Draws outside the prior's
support are rejected and the rejection rate (leakage) reported. Each trace is
also tested for typicality against fresh simulations from the model, and its
stimulus compared with the protocol the model was trained on.

Where the likelihood is tractable (Gaussian observation noise, no intrinsic
noise) the neural posterior is corrected to the exact one (--exact, on by
default): 3 n proposals (n = --draws) from the neural posterior (30 % of
them from a version twice as wide) are weighted by prior x likelihood /
proposal density, the weights Pareto-smoothed (PSIS), and n draws resampled
from them (systematic resampling, with replacement). When the Pareto k-hat
exceeds min(1 - 1/log10 S, 0.7) or the effective sample size is below 400,
an adaptive stage adds 3 n proposals from a Student-t fitted to the weighted
draws; when that fails too, the draws come from MCMC on the exact likelihood
started from the neural draws (seconds rather than a fraction of one). Each
trace prints its route ("importance sampling", "MCMC", or "amortized" when the likelihood is
intractable or --exact=false), k-hat and ESS, and the summary JSON records
them under "posterior". The draws files hold the corrected draws; the neural
(amortized) draws are written beside them as <name>.amortized.npy.

<name> is the trace file's name without its extension, with "_<sweep>" for
an NWB sweep; characters other than letters, digits, '.', '_' and '-'
become '_', leading dots too, and it is cut to MaxNameBytes (100). Traces
whose names coincide, ignoring case (a/obs.csv and b/obs.csv), are told
apart in the order given: the first keeps the name, the next get "-2", "-3"
(obs, obs-2), and infer prints where each one's results go. --draws x
parameters x traces may not exceed MaxPosteriorValues (2^25).

For a model other than LAA each --trace is an .npy of D values (or n x D,
n observations), a .csv of D numbers in one column or row (or n rows of D;
a first line of names is skipped) or a .json array of D numbers (or of n
arrays); observation k of a file of several is named <file>_<k>. The
correction uses the model's likelihood when it has one (the reference
MCMC sampler is the LAA neuron's: an unreliable importance sample leaves
the neural draws, with the reason).` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := positive("infer", "--draws", n); err != nil {
				return err
			}
			plan := (&ioPlan{cmd: "infer"}).in("--model", modelPath).in("--trace", traces...).folder("-o", out, "", nil)
			if err := plan.check(); err != nil {
				return err
			}
			m, _, err := e.loadModel(modelPath)
			if err != nil {
				return err
			}
			if err := posteriorBudget("infer", len(m.Names), n, len(traces), "traces"); err != nil {
				return err
			}
			var obs []observed
			for _, p := range traces {
				if !m.IsLAA() {
					more, err := otherObservations(p, m)
					if err != nil {
						return err
					}
					obs = append(obs, more...)
					continue
				}
				o, err := readObserved(p, m.Experiment, rec)
				if err != nil {
					return err
				}
				obs = append(obs, o)
			}
			return e.inferWith(m, obs, inferOptions{draws: n, seed: seed, out: out, exact: correct, json: asJSON, inputs: []string{modelPath}})
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelPath, "model", "", "trained model file")
	f.StringArrayVar(&traces, "trace", nil, "recorded trace (repeat for several)")
	f.IntVar(&n, "draws", 2000, "posterior draws per trace")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "output", "o", inferFolder, "folder for the draws and summaries")
	f.BoolVar(&correct, "exact", true, "correct the neural posterior to the exact one where the likelihood is tractable (importance sampling, MCMC fallback)")
	f.BoolVar(&asJSON, "json", false, "print one JSON summary of every trace on stdout (workflow.InferenceSummary) instead of the tables; notes go to stderr")
	rec.register(cmd)
	required(cmd, "model", "trace")
	renamed(cmd, "n", "n", "draws")
	return cmd
}

// inferFolder is infer's output folder when -o is not given.
const inferFolder = "laa-infer"

// observed is one trace prepared for the model, with the name it had
// before recording.SafeName (the file's base name and sweep), for the note
// that says where its results go.
type observed struct {
	workflow.Trace
	raw string
}

// inferOptions are infer's settings.
type inferOptions struct {
	draws  int
	seed   uint64
	out    string
	exact  bool     // correct the posteriors where the likelihood is tractable
	json   bool     // print workflow.InferenceSummary as JSON instead of the tables
	inputs []string // files read besides the traces (the model), never overwritten
}

// posteriorBudget refuses draws x parameters x count posteriors beyond
// MaxPosteriorValues.
func posteriorBudget(cmd string, params, draws, count int, what string) error {
	return product(cmd, fmt.Sprintf("%d draws x %d parameters x %d %s", draws, params, count, what), "posterior values",
		MaxPosteriorValues, "MaxPosteriorValues", draws, params, count)
}

// planInfer makes the output names of obs distinct, prints where each renamed
// trace's results go, and checks the files infer will write.
func (e *env) planInfer(obs []observed, opt inferOptions) error {
	for _, note := range distinctNames(obs, opt.out) {
		fmt.Fprintln(e.stdout, "note:", note)
	}
	plan := (&ioPlan{cmd: "infer"}).in("--model", opt.inputs...)
	for _, o := range obs {
		plan.in("--trace", o.Source)
	}
	for _, o := range obs {
		for _, name := range workflow.InferenceFiles(o.Name, opt.exact) {
			plan.outIn("-o", filepath.Join(opt.out, name), kindOfExt[filepath.Ext(name)])
		}
	}
	return plan.check()
}

// inferWith samples the posteriors of obs with workflow.Infer, corrects
// them as opt says, prints and writes them.
func (e *env) inferWith(m *npe.Model, obs []observed, opt inferOptions) error {
	notes := e
	if opt.json { // stdout holds the JSON alone
		notes = &env{stdout: e.stderr, stderr: e.stderr, quiet: e.quiet}
	}
	if err := notes.planInfer(obs, opt); err != nil {
		return err
	}
	for _, o := range obs {
		if err := checkStore("infer", "-o", inferenceDataPath(opt.out, o.Name)); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(opt.out, 0o755); err != nil {
		return fmt.Errorf("infer: %w", err)
	}
	noteFolder(opt.out)
	traces := make([]workflow.Trace, len(obs))
	for i, o := range obs {
		traces[i] = o.Trace
	}
	inf, err := workflow.Infer(context.Background(), m, traces, workflow.InferOptions{Draws: opt.draws, Seed: opt.seed,
		NoExact: !opt.exact, NoExactReason: "amortized only: the correction is off (--exact=false)", Progress: e.stageBars()})
	if err != nil {
		return err
	}
	if !opt.json {
		e.printInferences(inf)
	}
	if err := inf.Write(opt.out); err != nil {
		return err
	}
	if err := notes.writeInferenceData(m, inf, opt.out); err != nil {
		return err
	}
	if !opt.json {
		return nil
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(inf.Summary(opt.seed))
}

// inferenceDataPath is where infer writes the InferenceData of a trace.
func inferenceDataPath(dir, name string) string { return filepath.Join(dir, name+idataExt) }

// writeInferenceData writes each trace's posterior, with its route and the
// trace, as an ArviZ InferenceData store in dir (package idata), and says
// where.
func (e *env) writeInferenceData(m *npe.Model, inf *workflow.Inferences, dir string) error {
	kind := m.Generative.Kind()
	for _, t := range inf.Traces {
		d := idata.FromPosterior(inf.Names, inf.Units, t.Posterior)
		d.Attrs["model_kind"], d.Attrs["trace"] = kind, t.Trace.Name
		d.Observed = idata.ObservedOf(kind, m.Generative.Observation(), t.Trace.Voltage, t.Trace.Current)
		path := inferenceDataPath(dir, t.Trace.Name)
		if err := idata.Write(path, d); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: InferenceData for ArviZ in %s\n", t.Trace.Name, path)
	}
	return nil
}

// printInferences prints how long the amortized posteriors took, then
// each trace's summary table, warnings and route.
func (e *env) printInferences(inf *workflow.Inferences) {
	ms := inf.Seconds * 1000
	fmt.Fprintf(e.stdout, "%d posteriors of %d draws in %.1f ms (%.2f ms each)\n", len(inf.Traces), inf.Draws, ms, ms/float64(len(inf.Traces)))
	for _, t := range inf.Traces {
		printPosterior(e.stdout, t.Trace.Name, inf.Names, inf.Units, t.Summary, t.Amortized, t.Typicality.PValue, t.Warnings)
		printRoute(e.stdout, t.Posterior)
	}
}

// printRoute prints which route a posterior took, with k-hat and ESS.
func printRoute(w io.Writer, r *exact.Result) {
	switch r.Route {
	case exact.Importance:
		fmt.Fprintf(w, "  posterior: exact by importance sampling: Pareto k-hat %.2f (<= %.2f), ESS %.0f of %d proposals, %.2f s\n",
			r.KHat(), r.PSIS.Threshold, r.ESS(), r.Proposals, r.Seconds)
	case exact.MCMC:
		fmt.Fprintf(w, "  posterior: exact by MCMC (importance sampling unreliable: Pareto k-hat %.2f, threshold %.2f, ESS %.0f), min ESS %.0f, %.1f s\n",
			r.KHat(), r.PSIS.Threshold, r.PSIS.ESS, r.ESS(), r.Seconds)
	default:
		fmt.Fprintf(w, "  posterior: %s\n", r.Reason)
	}
}

// printPosterior prints one posterior's summary table.
func printPosterior(w io.Writer, name string, names, units []string, sums []diagnose.Summary, p npe.Posterior, typicalityP float64, warnings []string) {
	fmt.Fprintf(w, "\n%s: %d draws, leakage %.2f %% (%d of %d rejected outside the prior's support), typicality p = %.3g\n",
		name, len(p.Draws), 100*p.Leakage(), p.Rejected, p.Drawn, typicalityP)
	fmt.Fprintf(w, "  %-6s %-7s %10s %10s %10s %10s %10s\n", "param", "unit", "mean", "sd", "median", "5 %", "95 %")
	for j, s := range sums {
		fmt.Fprintf(w, "  %-6s %-7s %10.4g %10.4g %10.4g %10.4g %10.4g\n", names[j], units[j], s.Mean, s.SD, s.Median, s.Lower, s.Upper)
	}
	for _, wn := range warnings {
		fmt.Fprintf(w, "  warning: %s\n", wn)
	}
}

// otherObservations reads the observations of a model other than LAA in
// path (readObservations), each as a trace for workflow.Infer.
func otherObservations(path string, m *npe.Model) ([]observed, error) {
	rows, names, err := readObservations(path, m.Generative)
	if err != nil {
		return nil, err
	}
	out := make([]observed, len(rows))
	for i, r := range rows {
		out[i] = observed{Trace: workflow.Trace{Name: names[i], Source: path, Voltage: r}, raw: names[i]}
	}
	return out, nil
}
