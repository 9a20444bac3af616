package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/fit"
	"github.com/laa-neuro/laa/neuron"
)

func (e *env) fitCmd() *cobra.Command {
	var (
		out, cache, noise, cfgPath string
		assume                     bool
		opt                        fit.Options
		rec                        recordingFlags
	)
	cmd := &cobra.Command{
		Use:   "fit RECORDING [--sweep S] [--cache DIR] [--widen-priors F] [--noise auto|MV] [--n-train N] [--preset P] [--epochs E] [--draws N] -o DIR",
		Short: "One command from a recording to a posterior: protocol, noise and a cached model from the data",
		Long: `fit reads a current-clamp recording (CSV/TSV or NWB; --sweep picks an NWB
sweep, 'laa recording FILE' lists them) and:
  1. builds the experiment from it: the stimulus steps, the duration from
     --start-ms and a grid of at most 300 samples (the recording's sampling
     interval rounded to 1, 2, 2.5 or 5 times a power of ten, coarsened
     until the window fits), so no configuration file is needed;
  2. estimates the observation noise from the baseline before the first
     current step (at the recording's own rate, scaled to the grid by the
     anti-aliasing filter's gain) and gives the model that noise, rounded
     to the nearest of 24 values per decade (0.1, 0.11, 0.12, ... mV) so
     that sweeps of one cell share a model; --noise MV sets it instead;
  3. checks the resting potential and the steady state of each step
     against 1,000 prior-predictive simulations and warns when the data
     conflict with the prior (--widen-priors F multiplies every prior's
     spread by F);
  4. takes the trained model for this experiment from the cache folder
     (--cache; default: the user's cache folder /laa/models), keyed by the
     SHA-256 of the experiment (protocol, noise, priors) and the training
     options, or simulates --n-train traces and trains one, printing an
     estimate of the time first, and keeps it (a damaged cache entry is
     retrained, never trusted);
  5. draws the posterior, corrected to the exact one where the likelihood
     is tractable (importance sampling, or MCMC when the importance weights
     are unreliable), checks it (posterior predictive check, typicality,
     distance from the prior) and writes the report page (index.html),
     <name>.draws.npy, <name>.draws.csv and <name>.summary.json into -o.
A recording without a current is refused unless --assume-protocol takes the
stimulus of --config as its current; the output then says which parameters
that assumption scales. fit ends with the verdict and the report's path. A
second sweep of the same protocol reuses the model and takes seconds.` + outputRules,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if err := checks(positive("fit", "--draws", opt.Draws), positive("fit", "--n-train", opt.NTrain),
				zeroOrMore("fit", "--epochs", opt.Epochs, "the preset's")); err != nil {
				return err
			}
			if opt.WidenPriors != 0 {
				if err := neuron.CheckWidenFactor(opt.WidenPriors); err != nil {
					return fmt.Errorf("fit: --widen-priors: %w", err)
				}
			}
			mv, err := parseNoise(noise)
			if err != nil {
				return err
			}
			opt.NoiseMV = mv
			if cache == "" {
				if cache, err = fit.DefaultCacheDir(); err != nil {
					return err
				}
			}
			plan := (&ioPlan{cmd: "fit"}).in("RECORDING", path).in("--config", cfgPath).
				folder("-o", out, fitWhat, inFolder(fit.OutputSuffixes)).
				folder("--cache", cache, "models (.laa) and their descriptions (.json)", inFolder([]string{".laa", ".json"}))
			if err := plan.check(); err != nil {
				return err
			}
			cfg, err := loadConfig(cfgPath)
			if err != nil {
				return err
			}
			opt.Config = &cfg
			if assume {
				rec.opt.AssumeStimulus = &cfg.Stimulus
			}
			filter, err := rec.recordingFilter()
			if err != nil {
				return fmt.Errorf("fit: %w", err)
			}
			opt.Filter, opt.Protocol.StartMs = filter, rec.startMs
			opt.CacheDir, opt.Out, opt.Version = cache, out, Version()
			opt.Log = e.stdout
			opt.SimProgress = e.progress("simulate", "sims")
			opt.TrainProgress = e.trainProgress
			onInterrupt(func() string {
				return fmt.Sprintf("%s may hold part of the outputs (each file there is complete); a training cut short leaves a hidden .<key>.training-<pid>.laa in %s, which may be deleted (the cache never reads it)", out, cache)
			})
			res, err := fit.Run(path, rec.opt, opt)
			if err != nil {
				return err
			}
			e.printFit(res)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "folder for the report page, the draws and the summary")
	f.StringVar(&cache, "cache", "", "folder of trained models (default: the user's cache folder /laa/models)")
	f.Float64Var(&opt.WidenPriors, "widen-priors", 0, "multiply every prior's spread by this factor (at least 1) about the same centre")
	f.StringVar(&noise, "noise", "auto", "observation noise sd of the model: auto (estimated from the recording's baseline) or a value in mV")
	f.IntVar(&opt.NTrain, "n-train", fit.DefaultNTrain, "training simulations when no model is cached")
	f.StringVar(&opt.Preset, "preset", fit.DefaultPreset, "training recipe when no model is cached: quick, mlp or seed")
	f.IntVar(&opt.Epochs, "epochs", 0, "override the preset's number of epochs")
	f.IntVar(&opt.Draws, "draws", fit.DefaultDraws, "posterior draws")
	f.Uint64Var(&opt.Seed, "seed", 1, "random seed (simulations, training, inference)")
	f.StringVar(&cfgPath, "config", "", "configuration whose priors and constants to use (its protocol and grid are replaced by the recording's); default: the embedded one")
	f.BoolVar(&assume, "assume-protocol", false, "for a recording without a current: assume the stimulus of --config (or of the default configuration), in uA/cm2 from the recording's first sample, as its current")
	rec.register(cmd)
	required(cmd, "output")
	renamed(cmd, "n", "n", "draws")
	return cmd
}

// fitWhat names what fit writes into its -o folder.
const fitWhat = ".html, .csv, .json, .png, .svg and .npy files"

// parseNoise reads --noise: "auto" (0: estimate) or a positive sd in mV.
func parseNoise(s string) (float64, error) {
	if s == "" || strings.EqualFold(s, "auto") {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "mV"), 64)
	if err != nil || !(v > 0) || v > 1e3 {
		return 0, fmt.Errorf("fit: --noise %q: want auto or a positive sd in mV", s)
	}
	return v, nil
}

// printFit prints a fit's posterior, route, warnings, verdict and report.
func (e *env) printFit(res *fit.Result) {
	r := res.Recording
	w := e.stdout
	fmt.Fprintf(w, "\n%s: %d draws, typicality p = %.3g\n", res.Name, len(r.Draws), r.Typicality.PValue)
	fmt.Fprintf(w, "  %-6s %-7s %10s %10s %10s %10s %10s\n", "param", "unit", "mean", "sd", "median", "5 %", "95 %")
	for j, s := range r.Summary {
		name := res.Model.Names[j]
		fmt.Fprintf(w, "  %-6s %-7s %10.4g %10.4g %10.4g %10.4g %10.4g\n", name, neuron.Units[name], s.Mean, s.SD, s.Median, s.Lower, s.Upper)
	}
	printRoute(w, r.Correction)
	for _, wn := range res.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", wn)
	}
	how := "trained now"
	if res.CacheHit {
		how = "cached"
	}
	fmt.Fprintf(w, "model: %s (%s)\n", res.ModelPath, how)
	fmt.Fprintf(w, "verdict: %s\n", res.Verdict())
	if res.Report != "" {
		fmt.Fprintf(w, "report: %s\n", res.Report)
	}
	fmt.Fprintf(w, "done in %.1f s\n", res.Seconds)
}
