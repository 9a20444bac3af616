package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/reference"
)

func (e *env) compareCmd() *cobra.Command {
	var (
		modelPath, data, out string
		opt                  comparison.Options
	)
	cmd := &cobra.Command{
		Use:   "compare --model m.laa --data test.npz [--held-out 20] [-o compare/]",
		Short: "Hold the neural posterior against the exact (MCMC) posterior on held-out observations",
		Long: `compare draws, for each of the first --held-out observations of --data, the
neural posterior and the reference posterior (differential-evolution MCMC on the exact
likelihood, chains started from neural draws), and reports per observation and
on average: C2ST accuracy (0.5 = indistinguishable), the difference of posterior
means in reference sds, the ratio of sds and the 1-D Wasserstein distance per
parameter. The reference draws compared are a random subsample, without
replacement, of all chains' draws (evenly thinned autocorrelated chains read
C2ST high). For the first --cross-runs observations the reference is sampled
a second time (another seed, chains started from the prior): the C2ST between
the two runs is the comparison's noise floor, what a perfect neural posterior
would read; above 0.55 the reference is not reproducible there and a warning
says so. Writes compare.csv, compare.json and marginals.png/.svg; pass the
directory to 'laa diagnose --comparison' to add a section to the report.

--references DIR caches the reference draws: an observation whose runs DIR
holds loads them (their MCMC seconds and R-hat are those of the runs when
made), one whose runs it lacks samples and saves them there (obs_<row>.npy,
obs_<row>_cross.npy and the manifest obs_<row>.json). Several models trained
on one experiment can so be compared against one set of references; a
reference made under another experiment, or for another trace, is refused.
The cached main run's chains started from another model's neural draws: the
start only shortens burn-in, the reference is the exact posterior regardless,
and the noise floor checks it.

--exact also corrects each neural posterior to the exact one (as 'laa infer
--exact' does) and reports the corrected posterior's C2ST against the
reference, its route, k-hat, ESS and seconds.

The model and the data set must share a protocol (samples, time grid,
stimulus); one of another protocol is refused before any work. --draws x
parameters may not exceed MaxPosteriorValues (2^25).` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checks(positive("compare", "--held-out", opt.Obs), positive("compare", "--draws", opt.Draws),
				zeroOrMore("compare", "--mcmc-burnin", opt.MCMC.Burnin, "the sampler's default"),
				zeroOrMore("compare", "--mcmc-iterations", opt.MCMC.Iterations, "the sampler's default")); err != nil {
				return err
			}
			plan := (&ioPlan{cmd: "compare"}).in("--model", modelPath).in("--data", data).in("--references", opt.References).folder("-o", out, "", nil)
			for _, name := range compareFiles {
				plan.outIn("-o", filepath.Join(out, name), kindOfExt[filepath.Ext(name)])
			}
			if err := plan.check(); err != nil {
				return err
			}
			m, _, err := e.loadModel(modelPath)
			if err != nil {
				return err
			}
			if err := checks(posteriorBudget("compare", len(m.Names), opt.Draws, 1, "observation"),
				mcmcBudget("compare", len(m.Names), reference.DefaultChains, opt.MCMC.Iterations)); err != nil {
				return err
			}
			test, err := e.readSet(data)
			if err != nil {
				return err
			}
			if err := checkProtocol("compare", m, modelPath, test, data); err != nil {
				return err
			}
			noteFolder(out)
			opt.Progress = e.progress("compare", "posteriors")
			opt.TestSet = filepath.Base(data)
			c, err := comparison.Run(m, test, opt)
			if err != nil {
				return err
			}
			if err := c.Write(out); err != nil {
				return err
			}
			e.printCompare(c)
			fmt.Fprintf(e.stdout, "  %-6s %14s %10s %12s %16s %16s\n", "param", "|mean diff|/sd", "sd ratio", "Wasserstein", "calib. err MCMC", "calib. err NPE")
			for j, n := range c.Names {
				fmt.Fprintf(e.stdout, "  %-6s %14.3f %10.3f %12.4g %16.3f %16.3f\n", n, c.MeanDiff[j], c.MeanRatio[j], c.MeanW1[j], c.ReferenceCalibration[j], c.NeuralCalibration[j])
			}
			fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(out, "compare.csv"))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelPath, "model", "", "trained model file")
	f.StringVar(&data, "data", "", "held-out simulations (.npz)")
	f.StringVarP(&out, "output", "o", "compare", "output directory")
	f.IntVar(&opt.Obs, "held-out", 20, "held-out observations to compare (the first ones of --data)")
	f.IntVar(&opt.Draws, "draws", 2000, "draws per posterior")
	f.IntVar(&opt.MCMC.Burnin, "mcmc-burnin", 0, "MCMC burn-in iterations per chain (0: the sampler's default)")
	f.IntVar(&opt.MCMC.Iterations, "mcmc-iterations", 0, "MCMC sampling iterations per chain (0: the sampler's default)")
	f.IntVar(&opt.CrossRuns, "cross-runs", 0, "observations (the first ones) whose reference is sampled twice for the noise floor (0: all; negative: none)")
	f.Uint64Var(&opt.Seed, "seed", 1, "random seed")
	f.StringVar(&opt.References, "references", "", "directory of cached reference draws: load them where present, sample and save them otherwise")
	f.BoolVar(&opt.Exact, "exact", false, "also compare the exact correction (importance sampling or MCMC from the neural draws) with the reference")
	required(cmd, "model", "data")
	renamed(cmd, "n-obs", "", "held-out")
	return cmd
}

// printCompare prints a comparison: per observation, then per parameter.
func (e *env) printCompare(c *comparison.Result) {
	fmt.Fprintf(e.stdout, "\n%d observations: mean C2ST %.3f, %s; neural %.1f ms, MCMC %.1f s per posterior", len(c.Rows), c.MeanC2ST, floorText(c), c.NeuralMs, c.MCMCSec)
	if c.NoiseFloorObs > 0 {
		fmt.Fprintf(e.stdout, " (second run %.1f s)", c.CrossRunSec)
	}
	fmt.Fprintln(e.stdout)
	if x := c.Exact; x != nil {
		fmt.Fprintf(e.stdout, "  exact correction: mean C2ST %.3f, importance route on %.0f %%, %s, %.2f s per observation\n",
			x.MeanC2ST, 100*x.ImportanceShare, khatText(x), x.MeanSeconds)
	}
	head := fmt.Sprintf("  %-5s %7s %12s %9s %9s %12s", "row", "C2ST", "noise floor", "R-hat", "MCMC s", "2nd run s")
	if c.Exact != nil {
		head += fmt.Sprintf(" %11s %-20s %7s %7s %9s", "exact C2ST", "route", "k-hat", "ESS", "exact s")
	}
	fmt.Fprintln(e.stdout, head)
	for _, r := range c.Rows {
		floor, sec := "-", "-"
		if r.CrossRun != nil {
			floor, sec = fmt.Sprintf("%.3f", r.CrossRun.C2ST), fmt.Sprintf("%.1f", r.CrossRun.MCMCSec)
		}
		mcmc := fmt.Sprintf("%.1f", r.MCMCSec)
		if r.ReferenceCached {
			mcmc += "*"
		}
		fmt.Fprintf(e.stdout, "  %-5d %7.3f %12s %9.3f %9s %12s", r.Index, r.C2ST, floor, r.MaxRHat, mcmc, sec)
		if x := r.Exact; x != nil {
			kh, ess := "-", "-"
			if x.KHat != nil {
				kh = fmt.Sprintf("%.2f", *x.KHat)
			}
			if x.ESS != nil {
				ess = fmt.Sprintf("%.0f", *x.ESS)
			}
			fmt.Fprintf(e.stdout, " %11.3f %-20s %7s %7s %9.2f", x.C2ST, x.Route, kh, ess, x.Seconds)
		}
		fmt.Fprintln(e.stdout)
	}
	for _, r := range c.Rows {
		if r.ReferenceCached {
			fmt.Fprintln(e.stdout, "  * reference loaded from --references: MCMC seconds of the run when it was made")
			break
		}
	}
	for _, w := range c.Warnings {
		fmt.Fprintln(e.stdout, "  warning:", w)
	}
}

// compareFiles are the files compare writes into its folder.
var compareFiles = []string{"compare.json", "compare.csv", "marginals.png", "marginals.svg"}

// khatText describes the exact correction's k-hat distribution.
func khatText(x *comparison.ExactSummary) string {
	if x.KHatObs == 0 {
		return "no k-hat"
	}
	q := x.KHatQuartiles
	return fmt.Sprintf("k-hat quartiles %.2f/%.2f/%.2f, %.0f %% <= %g", q[0], q[1], q[2], 100*x.KHatGood, diagnose.MaxKHat)
}
