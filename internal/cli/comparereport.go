package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/reference"
)

// Defaults of the report's comparison with the exact posterior. Each
// observation costs two MCMC runs (the second for the noise floor) of 64
// chains, the default burn-in and reportMCMCIterations fixed sampling
// iterations, half the sampler's default: about 8 s per observation on 2
// cores, 40 s for the 5. On the demo's data the two runs still agree (C2ST
// 0.47-0.53 between them) with R-hat at most 1.014.
const (
	reportCompareObs     = 5
	reportMCMCIterations = 1000
)

// compareFlags set up the comparison with the exact posterior that the
// default report (diagnose, demo) includes.
type compareFlags struct {
	obs, draws, burnin, iterations int
	noExact                        bool
}

// register adds the flags to cmd, with --compare-obs as the deprecated
// old name of --compare-held-out.
func (c *compareFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.IntVar(&c.obs, "compare-held-out", reportCompareObs, "held-out observations compared with the exact (MCMC) posterior in the report, each with a second MCMC run for the noise floor (0: none)")
	f.IntVar(&c.draws, "compare-draws", 1000, "draws per posterior in that comparison")
	f.IntVar(&c.burnin, "compare-mcmc-burnin", 0, "MCMC burn-in iterations per chain in that comparison (0: the sampler's default)")
	f.IntVar(&c.iterations, "compare-mcmc-iterations", reportMCMCIterations, "MCMC sampling iterations per chain in that comparison (0: the sampler's default, extended until the chains converge; otherwise fixed)")
	f.BoolVar(&c.noExact, "compare-no-exact", false, "leave the exact correction (importance sampling from the neural posterior) out of that comparison")
	renamed(cmd, "compare-obs", "", "compare-held-out")
}

// check refuses counts out of range, naming the flag.
func (c compareFlags) check(cmd string) error {
	return checks(zeroOrMore(cmd, "--compare-held-out", c.obs, "no comparison"), positive(cmd, "--compare-draws", c.draws),
		zeroOrMore(cmd, "--compare-mcmc-burnin", c.burnin, "the sampler's default"),
		zeroOrMore(cmd, "--compare-mcmc-iterations", c.iterations, "the sampler's default"))
}

// budget refuses a comparison whose draws exceed MaxPosteriorValues.
func (c compareFlags) budget(cmd string, m *npe.Model) error {
	if c.obs == 0 {
		return nil
	}
	return checks(posteriorBudget(cmd, len(m.Names), c.draws, 1, "observation"), mcmcBudget(cmd, len(m.Names), reference.DefaultChains, c.iterations))
}

// options returns the comparison's options.
func (c compareFlags) options(seed uint64) comparison.Options {
	o := comparison.Options{Obs: c.obs, Draws: c.draws, Seed: seed, Exact: !c.noExact}
	o.MCMC.Burnin = c.burnin
	if c.iterations > 0 {
		o.MCMC.Iterations, o.MCMC.MaxIterations = c.iterations, c.iterations
	}
	return o
}

// printComparison prints the comparison's headline numbers.
func (e *env) printComparison(c *comparison.Result) {
	if c == nil {
		return
	}
	if len(c.Rows) == 0 {
		fmt.Fprintf(e.stdout, "  no comparison with the exact posterior: %s\n", c.Absent)
		return
	}
	var ratio, offset float64
	for j := range c.Names {
		ratio += c.MeanRatio[j] / float64(len(c.Names))
		offset += c.MeanDiff[j] / float64(len(c.Names))
	}
	fmt.Fprintf(e.stdout, "  against the exact posterior on %d held-out observations: C2ST %.3f (%s), sd ratio %.2f, mean offset %.2f sd\n",
		len(c.Rows), c.MeanC2ST, floorText(c), ratio, offset)
	if x := c.Exact; x != nil {
		fmt.Fprintf(e.stdout, "  exact correction: C2ST %.3f against the exact posterior, importance route on %.0f %%, %s, %.2f s per observation\n",
			x.MeanC2ST, 100*x.ImportanceShare, khatText(x), x.MeanSeconds)
	}
	if c.Subsample == "" {
		fmt.Fprintln(e.stdout, "  warning: this comparison was written by an older laa that thinned the MCMC draws evenly, which reads C2ST high; rerun 'laa compare'")
	}
	for _, w := range c.Warnings {
		fmt.Fprintln(e.stdout, "  warning:", w)
	}
}

// floorText describes a comparison's noise floor.
func floorText(c *comparison.Result) string {
	if c.NoiseFloorObs == 0 {
		return "noise floor unknown"
	}
	return fmt.Sprintf("noise floor %.3f from two MCMC runs on %d", c.NoiseFloor, c.NoiseFloorObs)
}
