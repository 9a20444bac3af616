package exact

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/reference"
)

// Route names the way a posterior's draws were obtained.
type Route string

// The routes (see the package documentation).
const (
	Amortized  Route = "amortized"
	Importance Route = "importance sampling"
	MCMC       Route = "MCMC"
)

// Defaults of Options.
const (
	DefaultDraws          = 2000
	DefaultProposalFactor = 3
	// MinESS is the smallest effective sample size of the smoothed
	// weights that the importance route accepts: the reference sampler's
	// own bar for its draws.
	MinESS = reference.MinESS
)

// Random streams of Options.Seed.
const (
	streamProposal = 0x70726f70
	streamResample = 0x72657361
	streamMCMC     = 0x6d636d63
	streamAdapt    = 0x61646170
	streamInit     = 0x696e6974
)

// Target is an unnormalized log density evaluated in batches: out[i] is the
// log density at thetas[i], -Inf outside the support. workers is the number
// of goroutines (0: one per core). *reference.LogPosterior is one.
type Target interface {
	Batch(thetas [][]float64, out []float64, workers int)
}

// TargetFunc adapts a function to Target.
type TargetFunc func(thetas [][]float64, out []float64, workers int)

// Batch calls f.
func (f TargetFunc) Batch(thetas [][]float64, out []float64, workers int) { f(thetas, out, workers) }

// Proposal draws parameter vectors with their normalized log densities.
type Proposal interface {
	Sample(n int, rng *rand.Rand) (draws [][]float64, logq []float64, err error)
}

// Sampler draws from the target by MCMC with its chains started from init
// (natural parameters); opt.Init is nil and is for the Sampler to fill.
type Sampler func(init [][]float64, opt reference.Options) (*reference.Result, error)

// Options tunes Correct. The zero value requests DefaultDraws draws from
// DefaultProposalFactor times as many proposals, with seed 0 and every core.
type Options struct {
	Draws          int               // draws wanted; 0 means DefaultDraws
	ProposalFactor int               // proposals per wanted draw; 0 means DefaultProposalFactor
	Seed           uint64            // every random draw comes from it
	Workers        int               // goroutines for the target (0: one per core)
	MCMC           reference.Options // the fallback sampler's options; Seed and Workers default to the above, Init is set from the proposals

	// Defensive and Width shape Posterior's proposal (see Neural): the
	// fraction of proposals from the flow widened by Width. 0 means
	// DefaultDefensive and DefaultWidth; a negative Defensive means q alone.
	Defensive, Width float64

	// Space gives the free coordinates in which the adaptive stage fits
	// its Student-t (nil: the parameters themselves).
	Space Space
	// NoAdapt skips the adaptive stage.
	NoAdapt bool

	// Off skips the correction: the draws are the proposal's own (the
	// amortized route).
	Off bool
}

func (o Options) withDefaults() (Options, error) {
	if o.Draws == 0 {
		o.Draws = DefaultDraws
	}
	if o.ProposalFactor == 0 {
		o.ProposalFactor = DefaultProposalFactor
	}
	if o.Draws < 0 || o.ProposalFactor < 1 {
		return o, fmt.Errorf("exact: %d draws with %d proposals per draw", o.Draws, o.ProposalFactor)
	}
	if o.MCMC.Seed == 0 {
		o.MCMC.Seed = o.Seed ^ streamMCMC
	}
	if o.MCMC.Workers == 0 {
		o.MCMC.Workers = o.Workers
	}
	return o, nil
}

// Result is a corrected posterior.
type Result struct {
	Route     Route       // how the draws were obtained
	Reason    string      // why this route, in words
	Draws     [][]float64 // Options.Draws draws from the (corrected) posterior
	Amortized [][]float64 // the first Options.Draws proposals: the uncorrected posterior (Neural puts q's own draws first)
	Proposals int         // proposals weighted (2 S after the adaptive stage); on the amortized route, the draws

	// PSIS is the importance sampling's diagnosis (nil on the amortized
	// route): k-hat, its threshold and the effective sample size.
	PSIS *diagnose.PSISResult
	// Reference is the MCMC run on the MCMC route, nil otherwise.
	Reference *reference.Result
	Seconds   float64  // wall time of the whole correction
	Warnings  []string // problems, in words: a high k-hat, MCMC convergence
}

// KHat returns the Pareto k-hat of the importance weights, NaN when none
// were computed.
func (r *Result) KHat() float64 {
	if r.PSIS == nil {
		return math.NaN()
	}
	return r.PSIS.KHat
}

// ESS returns the effective sample size of the draws: 1 / sum w^2 of the
// smoothed weights on the importance route, the smallest per-parameter ESS
// of the chains on the MCMC route, NaN on the amortized route.
func (r *Result) ESS() float64 {
	switch {
	case r.Route == MCMC && r.Reference != nil:
		m := math.Inf(1)
		for _, e := range r.Reference.ESS {
			m = math.Min(m, e)
		}
		return m
	case r.PSIS != nil:
		return r.PSIS.ESS
	}
	return math.NaN()
}

// MarshalJSON writes the route, the reason, k-hat and its threshold, the
// ESS, the number of proposals, the time and the warnings; numbers that are
// not finite (not computed, or an infinite k-hat) are null.
func (r *Result) MarshalJSON() ([]byte, error) {
	num := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	var thr *float64
	if r.PSIS != nil {
		thr = num(r.PSIS.Threshold)
	}
	return json.Marshal(struct {
		Route     Route    `json:"route"`
		Reason    string   `json:"reason"`
		KHat      *float64 `json:"k_hat"`
		Threshold *float64 `json:"k_hat_threshold"`
		ESS       *float64 `json:"ess"`
		Proposals int      `json:"proposals"`
		Seconds   float64  `json:"seconds"`
		Warnings  []string `json:"warnings"`
	}{r.Route, r.Reason, num(r.KHat()), thr, num(r.ESS()), r.Proposals, r.Seconds, r.Warnings})
}

// Correct draws Options.Draws draws from the target: by importance sampling
// from prop when the Pareto-smoothed weights are reliable, otherwise by
// mcmc started from the proposals (see the package documentation). A nil
// mcmc makes an unreliable importance sample an error.
func Correct(target Target, prop Proposal, mcmc Sampler, opt Options) (*Result, error) {
	t0 := time.Now()
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	S := opt.Draws * opt.ProposalFactor
	if opt.Off {
		S = opt.Draws
	}
	draws, logq, err := prop.Sample(S, rand.New(rand.NewPCG(opt.Seed, streamProposal)))
	if err != nil {
		return nil, fmt.Errorf("exact: proposal: %w", err)
	}
	if len(draws) != S || len(logq) != S {
		return nil, fmt.Errorf("exact: the proposal gave %d draws and %d densities, want %d", len(draws), len(logq), S)
	}
	if opt.Off {
		d := draws[:opt.Draws]
		return &Result{Route: Amortized, Reason: "amortized only: the correction is off", Draws: d, Amortized: d, Proposals: S,
			Seconds: time.Since(t0).Seconds()}, nil
	}
	res := &Result{Proposals: S, Amortized: draws[:opt.Draws]}
	for i, lq := range logq {
		if math.IsNaN(lq) || math.IsInf(lq, 0) {
			return nil, fmt.Errorf("exact: the proposal's log density at its draw %d is %v", i, lq)
		}
	}
	logp := make([]float64, S)
	target.Batch(draws, logp, opt.Workers)
	ps, err := psis(logp, logq)
	if err != nil {
		return nil, err
	}
	res.PSIS = &ps
	if ps.Reliable() && ps.ESS >= MinESS {
		res.Route = Importance
		res.Reason = fmt.Sprintf("Pareto k-hat %.2f <= %.2f and ESS %.0f >= %d of %d proposals", ps.KHat, ps.Threshold, ps.ESS, MinESS, S)
		res.Draws = systematic(draws, ps.Weights, opt.Draws, rand.New(rand.NewPCG(opt.Seed, streamResample)))
		res.Seconds = time.Since(t0).Seconds()
		return res, nil
	}
	if d, ok := prop.(Density); ok && !opt.NoAdapt {
		all, aps, err := adapt(target, d, draws, logp, logq, ps.Weights, opt)
		if err == nil && aps.Reliable() && aps.ESS >= MinESS {
			res.Route, res.PSIS, res.Proposals = Importance, &aps, len(all)
			res.Reason = fmt.Sprintf("adaptive: the first %d proposals were unreliable (k-hat %.2f, ESS %.0f); with %d more from a Student-t fitted to their weights, Pareto k-hat %.2f <= %.2f and ESS %.0f >= %d",
				S, ps.KHat, ps.ESS, len(all)-S, aps.KHat, aps.Threshold, aps.ESS, MinESS)
			res.Draws = systematic(all, aps.Weights, opt.Draws, rand.New(rand.NewPCG(opt.Seed, streamResample)))
			res.Seconds = time.Since(t0).Seconds()
			return res, nil
		}
		if err == nil {
			res.PSIS, res.Proposals, ps = &aps, len(all), aps
		}
	}
	why := ps.Warning
	if why == "" {
		why = fmt.Sprintf("the importance weights' effective sample size %.0f < %d", ps.ESS, MinESS)
	}
	if mcmc == nil {
		return nil, fmt.Errorf("exact: importance sampling unreliable (%s) and no MCMC fallback", why)
	}
	res.Route, res.Reason = MCMC, why+": fell back to MCMC started from the neural draws"
	res.Warnings = append(res.Warnings, "importance sampling unreliable ("+why+"); the draws come from MCMC")
	init := draws[:min(len(draws), mcmcInit)]
	if len(init) < mcmcInit { // few draws wanted: top the chains' starts up from the proposal
		extra, _, err := prop.Sample(mcmcInit-len(init), rand.New(rand.NewPCG(opt.Seed, streamInit)))
		if err != nil {
			return nil, fmt.Errorf("exact: MCMC fallback: starting points: %w", err)
		}
		init = append(init[:len(init):len(init)], extra...)
	}
	ref, err := mcmc(init, opt.MCMC)
	if err != nil {
		return nil, fmt.Errorf("exact: MCMC fallback: %w", err)
	}
	if len(ref.Draws) < opt.Draws {
		return nil, errors.New("exact: MCMC fallback returned fewer draws than requested; raise its iterations")
	}
	res.Reference = ref
	for _, w := range ref.Warnings {
		res.Warnings = append(res.Warnings, "MCMC: "+w)
	}
	res.Draws = subsample(ref.Draws, opt.Draws, rand.New(rand.NewPCG(opt.Seed, streamResample)))
	res.Seconds = time.Since(t0).Seconds()
	return res, nil
}

// psis returns the Pareto-smoothed weights of log p - log q.
func psis(logp, logq []float64) (diagnose.PSISResult, error) {
	logw := make([]float64, len(logp))
	for i := range logw {
		if logw[i] = logp[i] - logq[i]; math.IsNaN(logw[i]) {
			logw[i] = math.Inf(-1)
		}
	}
	ps, err := diagnose.PSIS(logw)
	if err != nil {
		return ps, fmt.Errorf("exact: %w", err)
	}
	return ps, nil
}

// mcmcInit is the number of proposals that start the MCMC fallback (as
// many as 'laa reference --model' uses).
const mcmcInit = 200
