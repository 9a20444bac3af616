package fit

import (
	"fmt"
	"strings"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// infer checks the model on held-out simulations (the report's
// calibration section and the typicality reference), fits the recording
// with the exact correction where the likelihood is tractable, and adds
// the posterior's conflicts with the prior.
func infer(raw recording.Recording, p recording.Prepared, opt Options, res *Result) error {
	m := res.Model
	sim, err := neuron.NewSimulator(m.Experiment)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	t0 := time.Now()
	test, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: opt.Seed ^ streamHeldOut, N: opt.HeldOut})
	if err != nil {
		return fmt.Errorf("fit: held-out simulations: %w", err)
	}
	a, err := validation.Assess(m, test, validation.Options{Sims: opt.HeldOut, Draws: opt.HeldOutDraws, Seed: opt.Seed})
	if err != nil {
		return fmt.Errorf("fit: held-out check: %w", err)
	}
	ref, _, err := validation.Reference(m, test, opt.Seed)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	t1 := time.Now()
	r, err := trust.Assess(m, ref, res.Name, raw, p, recordingOptions(opt))
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	fmt.Fprintf(opt.Log, "held-out check of the model: %.1f s; posterior (%s): %.1f s, of which the correction %.1f s\n", t1.Sub(t0).Seconds(), trust.RouteLabel(r.Correction), time.Since(t1).Seconds(), r.Correction.Seconds)
	// The page and the result carry every warning: the fit's own (noise,
	// prior-data conflict), the recording's (which include the posterior's
	// distance from the prior) and an assumed current.
	w := append(append([]string(nil), res.Warnings...), r.Warnings...)
	if raw.CurrentAssumed && !mentions(w, recording.AssumedCurrentNote) {
		w = append(w, recording.AssumedCurrentNote)
	}
	r.Warnings = w
	res.Warnings = r.Warnings
	res.Recording = r
	res.Assessment = a
	return nil
}

// The MCMC fallback of fit's exact correction: MCMCChains chains of
// MCMCBurnin burn-in and MCMCIterations sampling iterations, fixed length
// (38,400 simulations), stopped past MCMCBudget. A recording with little
// noise gives a posterior far narrower than a network trained in minutes
// can propose, so the importance weights degenerate and the draws come
// from MCMC started from the neural draws. Its length is set so that a
// repeated fit takes seconds (docs/fit.md): 48 chains rather than
// trust's 64. Extending the run while R-hat exceeds 1.01 (to 1,000
// iterations) doubled the time and still left R-hat at 1.07 on a weakly
// identified V_thr; the convergence warnings are printed instead.
const (
	MCMCChains     = 48
	MCMCBurnin     = 500
	MCMCIterations = 300
	MCMCBudget     = time.Minute
)

// recordingOptions are the settings of the recording's posterior.
func recordingOptions(opt Options) trust.Options {
	ro := trust.Options{Draws: opt.Draws, Seed: opt.Seed, Budget: MCMCBudget}
	mc := &ro.Exact.MCMC
	mc.Chains, mc.Burnin, mc.Iterations, mc.MaxIterations = MCMCChains, MCMCBurnin, MCMCIterations, MCMCIterations
	return ro
}

// mentions says whether one of ws holds note.
func mentions(ws []string, note string) bool {
	for _, w := range ws {
		if strings.Contains(w, note) {
			return true
		}
	}
	return false
}
