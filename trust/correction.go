package trust

import (
	"context"
	"fmt"
	"time"

	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/npe"
)

// Defaults of Options.
const (
	DefaultDraws    = 2000
	DefaultPPCDraws = 200
	// DefaultCorrectionBudget bounds the wall time of a recording's MCMC
	// fallback. A recording the model explains takes the importance route
	// in well under a second; one far from the model (the spiking
	// Hodgkin-Huxley cell) may fall back to MCMC, which must not hold up
	// the report: past the budget the sampler stops, and the page shows
	// the amortized posterior with a warning.
	DefaultCorrectionBudget = 12 * time.Second
)

// The MCMC fallback of a recording's correction, where
// Options.Exact.MCMC leaves a field zero: the sampler's 64 chains
// started from the neural draws, MCMCBurnin burn-in and
// MCMCIterations sampling iterations, fixed length (19,200 draws
// from 57,600 simulations). Measured: 5.8 s on the demo's subthreshold
// Hodgkin-Huxley cell (quick preset) on 2 cores shared with other work,
// R-hat at most 1.02. A recording the model explains well takes the
// importance route instead; one that gets here is a poor fit of the
// neural posterior, and its convergence warnings say how far the short run
// went.
const (
	MCMCBurnin     = 600
	MCMCIterations = 300
)

// Options tunes Assess. The zero value draws
// DefaultDraws posterior draws and DefaultPPCDraws
// predictive simulations with seed 0, and corrects the amortized
// posterior to the exact one wherever the likelihood is tractable.
type Options struct {
	Draws    int    // posterior draws; 0 means DefaultDraws
	PPCDraws int    // posterior predictive simulations; 0 means DefaultPPCDraws
	Seed     uint64 // every random draw comes from it

	// NoExact skips the exact correction: the page shows the amortized
	// posterior and says that the correction is off.
	NoExact bool
	// Exact tunes the correction (package exact). Its Draws and Seed are
	// set from the fields above; zero burn-in and iterations of its MCMC
	// options take MCMCBurnin and MCMCIterations (fixed
	// length unless MaxIterations says otherwise).
	Exact exact.Options
	// Budget bounds the MCMC fallback's wall time; 0 means
	// DefaultCorrectionBudget. A fallback cut short is a warning, and the
	// page shows the amortized posterior.
	Budget time.Duration

	// posterior replaces exact.Posterior in tests (nil: exact.Posterior).
	posterior func(*npe.Model, []float64, exact.Options) (*exact.Result, error)
}

func (o Options) withDefaults() Options {
	if o.Draws <= 0 {
		o.Draws = DefaultDraws
	}
	if o.PPCDraws <= 0 {
		o.PPCDraws = DefaultPPCDraws
	}
	if o.Budget <= 0 {
		o.Budget = DefaultCorrectionBudget
	}
	if o.posterior == nil {
		o.posterior = exact.Posterior
	}
	mc := &o.Exact.MCMC
	if mc.Burnin == 0 {
		mc.Burnin = MCMCBurnin
	}
	if mc.Iterations == 0 {
		mc.Iterations = MCMCIterations
	}
	if mc.MaxIterations == 0 {
		mc.MaxIterations = mc.Iterations
	}
	o.Exact.Draws, o.Exact.Seed = o.Draws, o.Seed^streamExact
	return o
}

// streamExact separates the correction's random stream from the amortized
// draws'.
const streamExact = 0x6578616374

// correct returns the corrected posterior of a recording's trace, given
// its amortized draws. It never fails: a correction that errs or runs
// past the budget comes back as the amortized route with the reason, and
// the second result holds the warnings for the page.
func correct(m *npe.Model, trace []float64, amortized [][]float64, opt Options) (*exact.Result, []string) {
	off := func(reason string) *exact.Result {
		return &exact.Result{Route: exact.Amortized, Reason: reason, Draws: amortized, Amortized: amortized, Proposals: len(amortized)}
	}
	if opt.NoExact {
		return off("amortized only: the correction is off"), nil
	}
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), opt.Budget)
	defer cancel()
	eo := opt.Exact
	eo.MCMC.Context = ctx
	res, err := opt.posterior(m, trace, eo)
	if err != nil {
		why := err.Error()
		if ctx.Err() != nil {
			why = fmt.Sprintf("the MCMC fallback did not finish within %.0f s (%v)", opt.Budget.Seconds(), err)
		}
		r := off("amortized only: the exact correction failed: " + why)
		r.Seconds = time.Since(t0).Seconds()
		return r, []string{"exact correction failed, the posterior shown is the amortized one: " + why}
	}
	if res.Route == exact.Amortized {
		// Intractable likelihood: the page keeps the draws it already has.
		res.Draws, res.Amortized = amortized, amortized
		return res, nil
	}
	var warn []string
	for _, w := range res.Warnings {
		warn = append(warn, "exact correction: "+w)
	}
	return res, warn
}

// RouteLabel is a recording's posterior route in a few words, for tables.
func RouteLabel(c *exact.Result) string {
	switch {
	case c == nil:
		return string(exact.Amortized)
	case c.Route == exact.Amortized:
		return "amortized only"
	case len(c.Warnings) > 0:
		return string(c.Route) + " (with warnings)"
	}
	return string(c.Route)
}
