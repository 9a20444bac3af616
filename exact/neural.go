package exact

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/prior"
	"github.com/laa-neuro/laa/reference"
)

// Defaults of Posterior's defensive mixture, measured on the quick preset
// (BENCHMARKS.md): a wider component lowers k-hat on the observations
// whose exact posterior reaches beyond the neural one.
const (
	DefaultDefensive = 0.3
	DefaultWidth     = 2
)

// IntractableReason is the Reason of an amortized result whose likelihood
// has no closed form.
const IntractableReason = "amortized only: the likelihood is intractable (intrinsic noise)"

// Neural is the neural posterior of one observation as a Proposal: the
// flow's q(theta | x), optionally mixed with a wider version of itself
// (Hesterberg's defensive importance sampling, 1995): a fraction Defensive
// of the proposals come from q_c, the flow with its base N(0, I) widened to
// N(0, Width^2 I) (npe.Model.SampleScaled), and every proposal's density is
// the mixture's, (1 - Defensive) q + Defensive q_c. The wide component
// keeps the weights bounded where the target reaches beyond q.
type Neural struct {
	Model     *npe.Model
	Obs       npe.Observation
	Defensive float64 // fraction of proposals from the widened flow, in [0, 1); 0: q alone
	Width     float64 // base scale of the widened flow (> 1 widens); ignored when Defensive is 0
}

// Sample draws n parameter sets from the proposal with their log densities
// in natural units. The draws from q come first.
func (p Neural) Sample(n int, rng *rand.Rand) ([][]float64, []float64, error) {
	if p.Defensive == 0 {
		post, lq, err := p.Model.SampleLogProb(p.Obs, n, rng)
		return post.Draws, lq, err
	}
	if !(p.Defensive > 0 && p.Defensive < 1) {
		return nil, nil, fmt.Errorf("exact: defensive fraction %v outside [0, 1)", p.Defensive)
	}
	nWide := int(math.Round(p.Defensive * float64(n)))
	post, err := p.Model.SampleScaled(p.Obs, n-nWide, 1, rng)
	if err != nil {
		return nil, nil, err
	}
	draws := post.Draws
	if nWide > 0 {
		wide, err := p.Model.SampleScaled(p.Obs, nWide, p.Width, rng)
		if err != nil {
			return nil, nil, err
		}
		draws = append(draws, wide.Draws...)
	}
	lq, err := p.Model.LogProbScales(p.Obs, draws, []float64{1, p.Width})
	if err != nil {
		return nil, nil, err
	}
	return draws, p.mix(lq), nil
}

// LogProb returns the proposal's log density at thetas (natural units).
func (p Neural) LogProb(thetas [][]float64) ([]float64, error) {
	if p.Defensive == 0 {
		return p.Model.LogProb(p.Obs, thetas)
	}
	lq, err := p.Model.LogProbScales(p.Obs, thetas, []float64{1, p.Width})
	if err != nil {
		return nil, err
	}
	return p.mix(lq), nil
}

// mix returns log((1 - Defensive) q + Defensive q_c) from log q (lq[0]) and
// log q_c (lq[1]).
func (p Neural) mix(lq [][]float64) []float64 {
	la, lb := math.Log1p(-p.Defensive), math.Log(p.Defensive)
	out := make([]float64, len(lq[0]))
	for i := range out {
		out[i] = logAddExp(la+lq[0][i], lb+lq[1][i])
	}
	return out
}

// priorSpace is the Space of npe's unconstrained transforms (log for
// log-normal priors, logit for uniform ones, identity for normal ones).
type priorSpace []prior.Distribution

// ToFree maps theta to unconstrained coordinates.
func (s priorSpace) ToFree(theta []float64) ([]float64, bool) {
	u := make([]float64, len(s))
	for j, p := range s {
		var err error
		if u[j], err = p.Unconstrain(theta[j]); err != nil {
			return nil, false
		}
	}
	return u, true
}

// FromFree maps u back and returns log |d theta / d u|.
func (s priorSpace) FromFree(u []float64) ([]float64, float64) {
	theta := make([]float64, len(s))
	var lj float64
	for j, p := range s {
		theta[j] = p.Constrain(u[j])
		// The Jacobian at the image of theta (not at u itself, which
		// differs in the last bits) keeps every weight as it was.
		back, err := p.Unconstrain(theta[j])
		if err != nil {
			back = u[j]
		}
		lj += p.LogJacobian(back)
	}
	return theta, lj
}

// Posterior returns the posterior of one trace (mV on the model's grid)
// under the model's experiment: the neural posterior corrected to the exact
// one by Correct where the likelihood is tractable (the MCMC fallback is
// reference.LogPosterior.Sample), and the neural draws alone, with the
// reason, where it is not or where opt.Off is set.
func Posterior(m *npe.Model, trace []float64, opt Options) (*Result, error) {
	t0 := time.Now()
	obs, err := m.Observe(trace)
	if err != nil {
		return nil, fmt.Errorf("exact: %w", err)
	}
	prop := Neural{Model: m, Obs: obs}
	if !m.IsLAA() {
		return otherModel(m, trace, prop, opt, t0)
	}
	lp, err := reference.NewLogPosterior(m.Experiment, trace)
	if err != nil || opt.Off {
		reason := "amortized only: the correction is off"
		switch {
		case errors.Is(err, reference.ErrIntractable):
			reason = IntractableReason
		case err != nil:
			reason = "amortized only: " + err.Error()
		}
		return amortizedOnly(prop, opt, reason, t0)
	}
	prop = defensive(prop, opt)
	if opt.Space == nil {
		opt.Space = priorSpace(m.Priors())
	}
	mcmc := func(init [][]float64, o reference.Options) (*reference.Result, error) {
		o.Init = init
		return lp.Sample(o)
	}
	res, err := Correct(lp, prop, mcmc, opt)
	if err != nil {
		return nil, err
	}
	res.Seconds = time.Since(t0).Seconds()
	return res, nil
}

// amortizedOnly returns the neural posterior alone (q, without the
// defensive component) with the reason it was not corrected.
func amortizedOnly(prop Neural, opt Options, reason string, t0 time.Time) (*Result, error) {
	opt.Off = true
	res, err := Correct(nil, prop, nil, opt)
	if err != nil {
		return nil, err
	}
	res.Reason = reason
	res.Seconds = time.Since(t0).Seconds()
	return res, nil
}

// defensive sets the proposal's defensive mixture from opt.
func defensive(prop Neural, opt Options) Neural {
	switch {
	case opt.Defensive == 0:
		prop.Defensive, prop.Width = DefaultDefensive, DefaultWidth
	case opt.Defensive > 0:
		prop.Defensive, prop.Width = opt.Defensive, opt.Width
		if prop.Width == 0 {
			prop.Width = DefaultWidth
		}
	}
	return prop
}

// otherModel is Posterior for a model other than the LAA neuron: corrected
// by importance sampling when the model has a likelihood (model.Likelihood),
// with no MCMC fallback (the reference sampler is the LAA neuron's), so an
// unreliable importance sample leaves the neural draws, with the reason.
func otherModel(m *npe.Model, x []float64, prop Neural, opt Options, t0 time.Time) (*Result, error) {
	g := m.Generative
	lik, ok := g.(model.Likelihood)
	switch {
	case opt.Off:
		return amortizedOnly(prop, opt, "amortized only: the correction is off", t0)
	case !ok:
		return amortizedOnly(prop, opt, fmt.Sprintf("amortized only: model %s has no likelihood (model.Likelihood), so the posterior cannot be corrected", g.Kind()), t0)
	}
	target := TargetFunc(func(thetas [][]float64, out []float64, _ int) {
		for i, th := range thetas {
			lp := model.LogPrior(g, th)
			if math.IsInf(lp, -1) {
				out[i] = lp
				continue
			}
			ll, err := lik.LogLikelihood(th, x)
			if err != nil || math.IsNaN(ll) {
				ll = math.Inf(-1)
			}
			out[i] = lp + ll
		}
	})
	if opt.Space == nil {
		opt.Space = priorSpace(m.Priors())
	}
	res, err := Correct(target, defensive(prop, opt), nil, opt)
	if err != nil {
		return amortizedOnly(prop, opt, fmt.Sprintf("amortized only: importance sampling was unreliable and model %s has no MCMC sampler here (%v)", g.Kind(), err), t0)
	}
	res.Seconds = time.Since(t0).Seconds()
	return res, nil
}
