package validation

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/report"
)

// Defaults of RecordingOptions.
const (
	DefaultRecordingDraws    = 2000
	DefaultRecordingPPCDraws = 200
	// DefaultCorrectionBudget bounds the wall time of a recording's MCMC
	// fallback. A recording the model explains takes the importance route
	// in well under a second; one far from the model (the spiking
	// Hodgkin-Huxley cell) may fall back to MCMC, which must not hold up
	// the report: past the budget the sampler stops, and the page shows
	// the amortized posterior with a warning.
	DefaultCorrectionBudget = 12 * time.Second
)

// The MCMC fallback of a recording's correction, where
// RecordingOptions.Exact.MCMC leaves a field zero: the sampler's 64 chains
// started from the neural draws, RecordingMCMCBurnin burn-in and
// RecordingMCMCIterations sampling iterations, fixed length (19,200 draws
// from 57,600 simulations). Measured: 5.8 s on the demo's subthreshold
// Hodgkin-Huxley cell (quick preset) on 2 cores shared with other work,
// R-hat at most 1.02. A recording the model explains well takes the
// importance route instead; one that gets here is a poor fit of the
// neural posterior, and its convergence warnings say how far the short run
// went.
const (
	RecordingMCMCBurnin     = 600
	RecordingMCMCIterations = 300
)

// RecordingOptions tunes AssessRecordingWith. The zero value draws
// DefaultRecordingDraws posterior draws and DefaultRecordingPPCDraws
// predictive simulations with seed 0, and corrects the amortized
// posterior to the exact one wherever the likelihood is tractable.
type RecordingOptions struct {
	Draws    int    // posterior draws; 0 means DefaultRecordingDraws
	PPCDraws int    // posterior predictive simulations; 0 means DefaultRecordingPPCDraws
	Seed     uint64 // every random draw comes from it

	// NoExact skips the exact correction: the page shows the amortized
	// posterior and says that the correction is off.
	NoExact bool
	// Exact tunes the correction (package exact). Its Draws and Seed are
	// set from the fields above; zero burn-in and iterations of its MCMC
	// options take RecordingMCMCBurnin and RecordingMCMCIterations (fixed
	// length unless MaxIterations says otherwise).
	Exact exact.Options
	// Budget bounds the MCMC fallback's wall time; 0 means
	// DefaultCorrectionBudget. A fallback cut short is a warning, and the
	// page shows the amortized posterior.
	Budget time.Duration

	// posterior replaces exact.Posterior in tests (nil: exact.Posterior).
	posterior func(*npe.Model, []float64, exact.Options) (*exact.Result, error)
}

func (o RecordingOptions) withDefaults() RecordingOptions {
	if o.Draws <= 0 {
		o.Draws = DefaultRecordingDraws
	}
	if o.PPCDraws <= 0 {
		o.PPCDraws = DefaultRecordingPPCDraws
	}
	if o.Budget <= 0 {
		o.Budget = DefaultCorrectionBudget
	}
	if o.posterior == nil {
		o.posterior = exact.Posterior
	}
	mc := &o.Exact.MCMC
	if mc.Burnin == 0 {
		mc.Burnin = RecordingMCMCBurnin
	}
	if mc.Iterations == 0 {
		mc.Iterations = RecordingMCMCIterations
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
func correct(m *npe.Model, trace []float64, amortized [][]float64, opt RecordingOptions) (*exact.Result, []string) {
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

// routeText is the page's sentence on the route the posterior took: the
// route, why, k-hat, the effective sample size and the time.
func routeText(c *exact.Result) string {
	if c == nil {
		return "Posterior route: amortized (no correction was attempted)."
	}
	why := strings.TrimSuffix(c.Reason, ".")
	kh := "-"
	if c.PSIS != nil {
		kh = fmt.Sprintf("%s (threshold %s)", fmtFixed(c.KHat()), fmtFixed(c.PSIS.Threshold))
	}
	switch c.Route {
	case exact.Importance:
		return fmt.Sprintf("Posterior route: importance sampling from the neural posterior, corrected to the exact posterior of the model's likelihood. Reason: %s. Pareto k-hat %s; ESS %s of %d proposals; %.2f s.",
			why, kh, fmtCount(c.ESS()), c.Proposals, c.Seconds)
	case exact.MCMC:
		isESS := "-"
		if c.PSIS != nil {
			isESS = fmtCount(c.PSIS.ESS)
		}
		return fmt.Sprintf("Posterior route: MCMC started from the neural draws, the exact posterior of the model's likelihood. Reason: %s. Pareto k-hat %s, importance ESS %s of %d proposals; smallest ESS of the chains %s; %.1f s.",
			why, kh, isESS, c.Proposals, fmtCount(c.ESS()), c.Seconds)
	}
	return "Posterior route: " + why + "."
}

// fmtCount formats an effective sample size as a whole number ("-" when
// not computed).
func fmtCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

// fmtFixed formats a k-hat-like number with two decimals ("-" when not
// computed).
func fmtFixed(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.IsInf(v, 1):
		return "inf"
	}
	return fmt.Sprintf("%.2f", v)
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

// correctionTable sets the amortized posterior beside the corrected one:
// mean and sd of each parameter, the shift of the amortized mean in
// corrected sds and the ratio of the sds.
func correctionTable(i int, names []string, amortized, corrected []diagnose.Summary) report.Table {
	t := report.Table{Name: fmt.Sprintf("recording_%d_correction", i),
		Caption: "The amortized (neural) posterior beside the exact (corrected) one. Shift: amortized mean minus corrected mean, in corrected sds; sd ratio: amortized sd / corrected sd (above 1: the amortized posterior is wider).",
		Header:  []string{"parameter", "amortized mean", "amortized sd", "corrected mean", "corrected sd", "shift (corrected sds)", "sd ratio"}}
	for j := range min(len(amortized), len(corrected), len(names)) {
		a, c := amortized[j], corrected[j]
		shift, ratio := math.NaN(), math.NaN()
		if c.SD > 0 {
			shift, ratio = (a.Mean-c.Mean)/c.SD, a.SD/c.SD
		}
		t.Rows = append(t.Rows, []string{names[j], fmtG(a.Mean), fmtG(a.SD), fmtG(c.Mean), fmtG(c.SD), fmtSigned(shift), fmtG(ratio)})
	}
	return t
}

// fmtSigned formats a signed number for tables.
func fmtSigned(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return fmt.Sprintf("%+.2f", v)
}
