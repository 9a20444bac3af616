package reference

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/diagnose"
)

// Thresholds of Result.Warnings. R-hat and ESS follow Vehtari et al. (2021)
// as package diagnose does. A low acceptance rate means the chains barely
// move; a high one needs no warning: kernel-density moves from a proposal
// that fits the posterior well are accepted often, and small steps that
// are accepted often show up as a small ESS.
const (
	MaxRHat       = diagnose.MaxRhat // chains disagree above this rank-normalized split R-hat
	MinESS        = diagnose.MinESS  // fewer effective draws than this are too few
	MinAcceptRate = 0.1              // below: chains barely move (archive too broad, or a rough target)
	rhatMaxDraws  = 500              // R-hat is computed on chains thinned to at most this many draws
)

// Result is the outcome of one MCMC run. Draws and Chains share their rows.
type Result struct {
	Names      []string      // parameter names (LogPosterior.Sample; nil for Sample)
	Draws      [][]float64   // pooled draws after burn-in, chain after chain (S x d)
	Chains     [][][]float64 // the same draws per chain (chains x draws x d), kept apart for R-hat and ArviZ (idata.FromReference)
	RHat       []float64     // rank-normalized split R-hat per dimension (chains thinned to 500 draws; NaN if undefined)
	ESS        []float64     // effective sample size per dimension (NaN if undefined)
	AcceptRate float64       // acceptance rate after burn-in
	Restarts   int           // outlier chains restarted during burn-in
	Warnings   []string      // convergence problems, in words
}

// newResult pools chains (chains x draws x d) and computes the ESS and the
// warnings; rhat and rhatErrs come from rankRhats (rank-based, so the same
// in the sampler's space and in natural parameters). names, if not nil,
// name the dimensions in the warnings.
func newResult(names []string, chains [][][]float64, rhat []float64, rhatErrs []error, accept float64, restarts int) *Result {
	r := &Result{Names: names, Chains: chains, RHat: rhat, ESS: essAll(chains), AcceptRate: accept, Restarts: restarts}
	for _, ch := range chains {
		r.Draws = append(r.Draws, ch...)
	}
	for j, err := range rhatErrs {
		if err != nil {
			r.warn(j, "R-hat and ESS undefined: %v", err)
		}
	}
	if j := argmax(r.RHat); !math.IsNaN(r.RHat[j]) && r.RHat[j] > MaxRHat {
		r.warn(j, "chains disagree: R-hat %.3f > %g; run longer, or start from a better initial population", r.RHat[j], MaxRHat)
	}
	if j := argmin(r.ESS); !math.IsNaN(r.ESS[j]) && r.ESS[j] < MinESS {
		r.warn(j, "effective sample size %.0f < %d; run longer", r.ESS[j], MinESS)
	}
	if accept < MinAcceptRate {
		r.Warnings = append(r.Warnings, fmt.Sprintf("acceptance rate %.3f < %g: chains barely move; lengthen burn-in or supply a better initial population", accept, MinAcceptRate))
	}
	return r
}

// column returns dimension j of chains (chains x draws x d) as chains x draws.
func column(chains [][][]float64, j int) [][]float64 {
	col := make([][]float64, len(chains))
	for c, ch := range chains {
		col[c] = make([]float64, len(ch))
		for k, x := range ch {
			col[c][k] = x[j]
		}
	}
	return col
}

// rankRhats returns the rank-normalized split R-hat of every dimension, NaN
// with an error where it is undefined (a stuck chain). Chains longer than
// rhatMaxDraws are thinned evenly to that length first: rank normalization
// sorts all draws, and on 64 chains of thousands of draws it would cost
// more than a round of sampling, while R-hat of autocorrelated chains
// hardly changes. The dimensions are spread over workers goroutines (0:
// one per core).
func rankRhats(chains [][][]float64, workers int) (rhat []float64, errs []error) {
	if n := len(chains[0]); n > rhatMaxDraws {
		thinned := make([][][]float64, len(chains))
		for c, ch := range chains {
			thinned[c] = make([][]float64, rhatMaxDraws)
			for k := range thinned[c] {
				thinned[c][k] = ch[k*n/rhatMaxDraws]
			}
		}
		chains = thinned
	}
	d := len(chains[0][0])
	rhat, errs = make([]float64, d), make([]error, d)
	parallelRange(d, workers, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			if rhat[j], errs[j] = diagnose.RankRhat(column(chains, j)); errs[j] != nil {
				rhat[j] = math.NaN()
			}
		}
	})
	return rhat, errs
}

// essAll returns the ESS of every dimension, NaN where it is undefined.
func essAll(chains [][][]float64) []float64 {
	ess := make([]float64, len(chains[0][0]))
	for j := range ess {
		var err error
		if ess[j], err = diagnose.ESS(column(chains, j)); err != nil {
			ess[j] = math.NaN()
		}
	}
	return ess
}

// converged reports whether every dimension has R-hat <= MaxRHat and
// ESS >= MinESS.
func converged(rhat, ess []float64) bool {
	for j := range rhat {
		if !(rhat[j] <= MaxRHat && ess[j] >= MinESS) {
			return false
		}
	}
	return true
}

// warn adds a warning about dimension j (named when names are known).
func (r *Result) warn(j int, format string, args ...any) {
	name := fmt.Sprintf("dimension %d", j)
	if j < len(r.Names) {
		name = r.Names[j]
	}
	r.Warnings = append(r.Warnings, name+": "+fmt.Sprintf(format, args...))
}

// Mean returns the pooled posterior mean per dimension.
func (r *Result) Mean() []float64 {
	m := make([]float64, len(r.Draws[0]))
	for _, x := range r.Draws {
		for j, v := range x {
			m[j] += v
		}
	}
	for j := range m {
		m[j] /= float64(len(r.Draws))
	}
	return m
}

// Cov returns the pooled posterior covariance matrix (divisor S - 1).
func (r *Result) Cov() [][]float64 {
	m := r.Mean()
	d := len(m)
	c := make([][]float64, d)
	for i := range c {
		c[i] = make([]float64, d)
	}
	for _, x := range r.Draws {
		for i := range d {
			for j := range d {
				c[i][j] += (x[i] - m[i]) * (x[j] - m[j])
			}
		}
	}
	for i := range c {
		for j := range c[i] {
			c[i][j] /= float64(len(r.Draws) - 1)
		}
	}
	return c
}

// argmax returns the index of the largest value, skipping NaN (0 if all are NaN).
func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if math.IsNaN(v[best]) || x > v[best] {
			best = i
		}
	}
	return best
}

// argmin returns the index of the smallest value, skipping NaN (0 if all are NaN).
func argmin(v []float64) int {
	best := 0
	for i, x := range v {
		if math.IsNaN(v[best]) || x < v[best] {
			best = i
		}
	}
	return best
}
