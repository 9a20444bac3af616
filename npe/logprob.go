package npe

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
)

// LogProb returns log q(theta | obs) for every row of thetas (natural
// parameters, as Sample returns them): a density in the parameters' own
// units, comparable with the log prior and the log likelihood. The flow's
// density of the standardized unconstrained parameters s is carried over by
// the change of variables
//
//	log q(theta) = log q_s(s(theta)) + sum_j log |ds_j / dtheta_j|,
//	ds_j / dtheta_j = (du_j / dtheta_j) / sd_j,
//
// with u = log theta for a log-normal prior (du/dtheta = 1/theta), the logit
// for a uniform one on (L, H) (du/dtheta = (H - L) / ((theta - L)(H - theta)))
// and the identity for a normal one, and sd_j the standardization's.
// All rows run in one batched pass. Rows outside the prior's support get
// -Inf; a row of the wrong length is an error. The flow computes in
// float32, so the values carry a relative error of about 1e-6.
//
// q is the flow's density over the whole unconstrained space. Sample
// redraws the rare draws that fall outside the prior's support (numerical
// overflow at the ends), so its draws follow q restricted to the support
// and scaled by 1/(1 - leakage): a constant factor, which self-normalized
// importance weights do not see.
func (m *Model) LogProb(obs Observation, thetas [][]float64) ([]float64, error) {
	P := len(m.Names)
	out := make([]float64, len(thetas))
	if len(thetas) == 0 {
		return out, nil
	}
	s := nn.NewMat(len(thetas), P)
	jac := make([]float64, len(thetas))
	var bad []int
	for i, th := range thetas {
		if len(th) != P {
			return nil, fmt.Errorf("npe: parameter vector %d has %d values, want %d (%v)", i, len(th), P, m.Names)
		}
		lj, ok := m.standardize(th, s.Row(i))
		if !ok {
			bad = append(bad, i)
			clear(s.Row(i)) // a harmless row; its value is replaced below
			continue
		}
		jac[i] = lj
	}
	ctx := m.summary.Forward(m.input([]Observation{obs}))
	rep := nn.NewMat(len(thetas), ctx.Cols)
	for i := range len(thetas) {
		copy(rep.Row(i), ctx.Row(0))
	}
	lq := m.flow.LogProb(s, rep)
	for i, v := range lq {
		out[i] = float64(v) + jac[i]
	}
	for _, i := range bad {
		out[i] = math.Inf(-1)
	}
	return out, nil
}

// standardize writes the flow's coordinates of theta into row and returns
// sum_j log |ds_j / dtheta_j|; ok is false outside the prior's support.
func (m *Model) standardize(theta []float64, row []float32) (logJac float64, ok bool) {
	for j, p := range m.priors {
		u, err := ToUnconstrained(p, theta[j])
		if err != nil {
			return 0, false
		}
		row[j] = m.Norm.Theta.apply(j, u)
		logJac += logDUnconstrained(p, theta[j]) - math.Log(m.Norm.Theta.SD[j])
	}
	return logJac, true
}

// logDUnconstrained returns log |du/dx| of ToUnconstrained at x (inside the
// support).
func logDUnconstrained(p neuron.Prior, x float64) float64 {
	switch p.Dist {
	case neuron.DistLogNormal:
		return -math.Log(x)
	case neuron.DistUniform:
		return math.Log(p.High-p.Low) - math.Log(x-p.Low) - math.Log(p.High-x)
	}
	return 0
}

// SampleLogProb draws n parameter sets from q(theta | obs) as Sample does
// and returns them with their log densities (LogProb of the draws).
func (m *Model) SampleLogProb(obs Observation, n int, rng *rand.Rand) (Posterior, []float64, error) {
	posts, err := m.Sample([]Observation{obs}, n, rng)
	if err != nil {
		return Posterior{}, nil, err
	}
	lq, err := m.LogProb(obs, posts[0].Draws)
	if err != nil {
		return Posterior{}, nil, err
	}
	return posts[0], lq, nil
}
