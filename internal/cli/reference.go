package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/idata"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/reference"
)

func (e *env) referenceCmd() *cobra.Command {
	var (
		trace, out, modelPath, cfgPath string
		opt                            reference.Options
		rec                            recordingFlags
	)
	cmd := &cobra.Command{
		Use:   "reference --trace obs.csv -o ref.npy [--model m.laa]",
		Short: "Sample the exact posterior of one trace by MCMC (the ground truth for the neural posterior)",
		Long: `reference samples the exact posterior of a trace under the configured priors
(with Gaussian observation noise only, the likelihood is the simulated trace's
Gaussian density) with differential-evolution MCMC: several chains from dispersed
starts, split R-hat and ESS reported, a warning when chains disagree. With
--model, the chains start from the neural posterior (much shorter burn-in) and
the model's experiment is used; otherwise --config or the embedded default.
The draws go to -o, a .npy file named as given, and beside it as .csv
(-o ref.npy writes ref.npy and ref.csv); the chains, kept apart, with the
acceptance rate and the observed trace and stimulus, go beside them as an
ArviZ InferenceData, ref.idata.zarr (a Zarr store; see docs/arviz.md).
--chains x --iterations (sampling extended up to 4 x until the chains
converge) x parameters may not exceed MaxPosteriorValues (2^25).` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checks(zeroOrMore("reference", "--chains", opt.Chains, "the sampler's default"),
				atMost("reference", "--chains", opt.Chains, MaxChains, "MaxChains"),
				zeroOrMore("reference", "--iterations", opt.Iterations, "the sampler's default")); err != nil {
				return err
			}
			npy := strings.EqualFold(filepath.Ext(out), ".npy")
			csv := strings.TrimSuffix(out, filepath.Ext(out)) + ".csv"
			store := strings.TrimSuffix(out, filepath.Ext(out)) + idataExt
			plan := (&ioPlan{cmd: "reference"}).in("--trace", trace).in("--model", modelPath).in("--config", cfgPath).out("-o", out, kindNPY)
			if npy {
				plan.out("-o (CSV)", csv, kindText).folder("-o (InferenceData)", store, "the InferenceData store", func(string) bool { return true })
			}
			if err := plan.check(); err != nil {
				return err
			}
			if !npy {
				return fmt.Errorf("reference: -o %s: the draws are written as a .npy array; name a .npy file (the .csv goes beside it)", out)
			}
			if err := checkStore("reference", "-o (InferenceData)", store); err != nil {
				return err
			}
			cfg, err := loadConfig(cfgPath)
			if err != nil {
				return err
			}
			var m *npe.Model
			if modelPath != "" {
				if m, _, err = e.loadModel(modelPath); err != nil {
					return err
				}
				cfg = m.Experiment
			}
			if err := plan.checkConfig(cfg); err != nil {
				return err
			}
			names, _ := cfg.Inferred()
			chains := opt.Chains
			if chains == 0 {
				chains = reference.DefaultChains
			}
			if err := mcmcBudget("reference", len(names), chains, opt.Iterations); err != nil {
				return err
			}
			noteOutput(out)
			o, err := readObserved(trace, cfg, rec)
			if err != nil {
				return err
			}
			if m != nil {
				var err error
				if opt.Init, err = neuralInit(m, o.Voltage, opt.Seed); err != nil {
					return err
				}
			}
			lp, err := reference.NewLogPosterior(cfg, o.Voltage)
			if err != nil {
				return err
			}
			bar := e.progress("mcmc", "%")
			opt.Progress = func(p reference.Progress) { bar(100*p.Iteration/max(p.Total, 1), 100) }
			res, err := lp.Sample(opt)
			if err != nil {
				return err
			}
			if err := dataset.WriteRowsNPY(out, res.Draws, len(lp.Names())); err != nil {
				return err
			}
			if err := dataset.WriteRowsCSV(csv, lp.Names(), res.Draws); err != nil {
				return err
			}
			d := idata.FromReference(lp.Names(), laaUnits(lp.Names()), res)
			d.Attrs["model_kind"] = neuron.Kind
			sim, err := neuron.NewSimulator(cfg)
			if err != nil {
				return err
			}
			d.Observed = idata.ObservedOf(neuron.Kind, sim.Observation(), o.Voltage, o.Current)
			if err := idata.Write(store, d); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "\n%d draws from %d chains, acceptance rate %.2f; the chains apart, for ArviZ, in %s\n", len(res.Draws), len(res.Chains), res.AcceptRate, store)
			for j, n := range lp.Names() {
				fmt.Fprintf(e.stdout, "  %-6s R-hat %.3f  ESS %.0f\n", n, res.RHat[j], res.ESS[j])
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(e.stdout, "  warning:", w)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&trace, "trace", "", "the recorded trace")
	f.StringVarP(&out, "output", "o", "", "draws file (.npy; the same name with .csv is written beside it)")
	f.StringVar(&modelPath, "model", "", "start the chains from this model's neural posterior (and use its experiment)")
	f.StringVar(&cfgPath, "config", "", "configuration file (without --model); default: the embedded experiment")
	f.IntVar(&opt.Chains, "chains", 0, "chains (0: the sampler's default)")
	f.IntVar(&opt.Iterations, "iterations", 0, "sampling iterations per chain (0: the sampler's default)")
	f.Uint64Var(&opt.Seed, "seed", 1, "random seed")
	rec.register(cmd)
	required(cmd, "trace", "output")
	return cmd
}

// idataExt ends the name of an InferenceData store (package idata).
const idataExt = ".idata.zarr"

// checkStore refuses, before any work, an existing path that is not an
// InferenceData store (idata.Write replaces only a store).
func checkStore(cmd, flag, path string) error {
	if _, err := os.Lstat(path); err == nil && !idata.IsStore(path) {
		return fmt.Errorf("%s: %s %s exists and is not a Zarr store: refusing to replace it (remove it or choose another name)", cmd, flag, path)
	}
	return nil
}

// laaUnits returns the LAA neuron's units of the parameters names.
func laaUnits(names []string) []string {
	u := make([]string, len(names))
	for j, n := range names {
		u[j] = neuron.Units[n]
	}
	return u
}

// mcmcBudget refuses MCMC runs whose draws (chains x iterations, extended
// up to 4 x, x parameters) exceed MaxPosteriorValues; 0 iterations are
// the sampler's default.
func mcmcBudget(cmd string, params, chains, iterations int) error {
	if iterations == 0 {
		iterations = reference.DefaultIterations
	}
	return product(cmd, fmt.Sprintf("%d chains x %d iterations x 4 (extension) x %d parameters", chains, iterations, params), "MCMC draws",
		MaxPosteriorValues, "MaxPosteriorValues", chains, iterations, 4, params)
}

// neuralInit returns 200 neural posterior draws of a trace, to start MCMC chains.
func neuralInit(m *npe.Model, trace []float64, seed uint64) ([][]float64, error) {
	o, err := m.Observe(trace)
	if err != nil {
		return nil, err
	}
	posts, err := m.Sample([]npe.Observation{o}, 200, rand.New(rand.NewPCG(seed, 0x696e6974)))
	if err != nil {
		return nil, err
	}
	return posts[0].Draws, nil
}
