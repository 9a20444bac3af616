package comparison

import (
	"fmt"
	"slices"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/reference"
	"github.com/laa-neuro/laa/trust"
)

// ExactRow is, for one compared observation, the exact correction of the
// neural posterior (exact.Posterior) held against the reference.
type ExactRow struct {
	C2ST     float64     `json:"c2st"` // the corrected posterior against the reference
	Route    exact.Route `json:"route"`
	Reason   string      `json:"reason"`
	KHat     *float64    `json:"k_hat"` // Pareto k-hat of the importance weights; null where none was computed
	ESS      *float64    `json:"ess"`   // effective sample size of the corrected draws
	Seconds  float64     `json:"seconds"`
	Warnings []string    `json:"warnings,omitempty"`
}

// ExactSummary averages the exact correction over the compared
// observations (Options.Exact).
type ExactSummary struct {
	Obs             int     `json:"obs"`
	MeanC2ST        float64 `json:"mean_c2st"`
	ImportanceShare float64 `json:"importance_share"` // share of observations that took the importance route
	// KHatQuartiles are the 25, 50 and 75 % quantiles of k-hat over the
	// observations that have one; nil when none has.
	KHatQuartiles []float64 `json:"k_hat_quartiles,omitempty"`
	KHatGood      float64   `json:"k_hat_share_good"` // share of those with k-hat <= diagnose.MaxKHat
	KHatObs       int       `json:"k_hat_obs"`
	MeanSeconds   float64   `json:"mean_seconds"`
}

// streamExactCompare separates the correction's random stream (per
// observation: + i) from Run's others.
const streamExactCompare = 0x657863 << 20

// compareExact corrects the neural posterior of trace (test row i) with
// exact.Posterior and compares the corrected draws with ref. The MCMC
// fallback runs a fixed number of iterations: the chains, burn-in and
// iterations of opt.MCMC, where set, else trust.MCMCBurnin +
// trust.MCMCIterations as on a recording's page.
func compareExact(m *npe.Model, trace []float64, ref [][]float64, i int, opt Options) (*ExactRow, error) {
	eo := exact.Options{Draws: opt.Draws, Seed: opt.Seed ^ (streamExactCompare + uint64(i))}
	eo.MCMC = reference.Options{Chains: opt.MCMC.Chains, Burnin: opt.MCMC.Burnin, Iterations: opt.MCMC.Iterations}
	if eo.MCMC.Burnin == 0 {
		eo.MCMC.Burnin = trust.MCMCBurnin
	}
	if eo.MCMC.Iterations == 0 {
		eo.MCMC.Iterations = trust.MCMCIterations
	}
	eo.MCMC.MaxIterations = eo.MCMC.Iterations
	res, err := exact.Posterior(m, trace, eo)
	if err != nil {
		return nil, fmt.Errorf("comparison: exact correction of test row %d: %w", i, err)
	}
	c2st, err := diagnose.C2ST(ref, res.Draws, diagnose.C2STConfig{Seed: eo.Seed})
	if err != nil {
		return nil, fmt.Errorf("comparison: exact correction of test row %d: %w", i, err)
	}
	return &ExactRow{C2ST: c2st.Accuracy, Route: res.Route, Reason: res.Reason, KHat: finite(res.KHat()),
		ESS: finite(res.ESS()), Seconds: res.Seconds, Warnings: res.Warnings}, nil
}

// summarizeExact fills c.Exact from the rows' corrections; nil when no
// row has one.
func (c *Result) summarizeExact() {
	s := &ExactSummary{}
	var khat []float64
	for _, r := range c.Rows {
		e := r.Exact
		if e == nil {
			continue
		}
		s.Obs++
		s.MeanC2ST += e.C2ST
		s.MeanSeconds += e.Seconds
		if e.Route == exact.Importance {
			s.ImportanceShare++
		}
		if e.KHat != nil {
			khat = append(khat, *e.KHat)
			if *e.KHat <= diagnose.MaxKHat {
				s.KHatGood++
			}
		}
	}
	if s.Obs == 0 {
		c.Exact = nil
		return
	}
	n := float64(s.Obs)
	s.MeanC2ST, s.MeanSeconds, s.ImportanceShare = s.MeanC2ST/n, s.MeanSeconds/n, s.ImportanceShare/n
	if s.KHatObs = len(khat); s.KHatObs > 0 {
		slices.Sort(khat)
		for _, q := range []float64{0.25, 0.5, 0.75} {
			s.KHatQuartiles = append(s.KHatQuartiles, diagnose.QuantileSorted(khat, q))
		}
		s.KHatGood /= float64(s.KHatObs)
	}
	c.Exact = s
}
