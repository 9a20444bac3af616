package reference

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/neuron"
)

// Sample draws from the posterior with DE-MCz in the unconstrained space
// (see the package documentation) and returns natural parameters. Without
// opt.Init, the initial population is max(10 d, 2 opt.Chains) prior draws,
// row i from neuron.Stream(opt.Seed, i); rows of opt.Init outside the
// prior's support are skipped.
func (lp *LogPosterior) Sample(opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	d := len(lp.names)
	init := opt.Init
	if len(init) == 0 {
		init = make([][]float64, max(10*d, 2*opt.Chains))
		for i := range init {
			init[i] = make([]float64, d)
			lp.cfg.SamplePrior(neuron.Stream(opt.Seed, uint64(i)), init[i])
		}
	}
	opt.Init = nil
	for i, theta := range init {
		if len(theta) != d {
			return nil, fmt.Errorf("reference: initial row %d has %d values, want %d (%v)", i, len(theta), d, lp.names)
		}
		if u, ok := lp.toFree(theta); ok {
			opt.Init = append(opt.Init, u)
		}
	}
	workers := opt.Workers
	target := func(us [][]float64, out []float64) error {
		thetas := make([][]float64, len(us))
		logJac := make([]float64, len(us))
		for i, u := range us {
			thetas[i], logJac[i] = lp.fromFree(u)
		}
		lp.Batch(thetas, out, workers)
		for i := range out {
			out[i] += logJac[i]
		}
		return nil
	}
	s, err := runDEMCz(target, opt)
	if err != nil {
		return nil, err
	}
	for _, ch := range s.chains {
		for k, u := range ch {
			ch[k], _ = lp.fromFree(u)
		}
	}
	return newResult(lp.Names(), s.chains, s.rhat, s.rhatErrs, s.acceptRate(), s.restarts), nil
}

// toFree maps theta to the sampler's space; ok is false outside the support.
func (lp *LogPosterior) toFree(theta []float64) (u []float64, ok bool) {
	u = make([]float64, len(theta))
	for j, p := range lp.priors {
		var err error
		if u[j], err = p.Unconstrain(theta[j]); err != nil || math.IsInf(u[j], 0) {
			return nil, false
		}
	}
	return u, true
}

// fromFree maps u to natural parameters and returns log |d theta / d u|.
func (lp *LogPosterior) fromFree(u []float64) (theta []float64, logJac float64) {
	theta = make([]float64, len(u))
	for j, p := range lp.priors {
		theta[j] = p.Constrain(u[j])
		logJac += p.LogJacobian(u[j])
	}
	return theta, logJac
}
