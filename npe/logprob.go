package npe

import (
	"fmt"
	"math"
	"math/rand/v2"

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
	lq, err := m.LogProbScales(obs, thetas, []float64{1})
	if err != nil {
		return nil, err
	}
	return lq[0], nil
}

// LogProbScales returns log q_c(theta | obs) for every base scale c in
// scales (out[k][i] for scales[k] and row i of thetas), where q_c is the
// flow with its base distribution N(0, I) widened to N(0, c^2 I): q_1 = q,
// and q_c for c > 1 is a wider version of the posterior with the same
// shape, the component of a defensive mixture proposal. All scales come
// from one pass of the flow (z and its log-determinant do not depend on
// c). Otherwise as LogProb.
func (m *Model) LogProbScales(obs Observation, thetas [][]float64, scales []float64) ([][]float64, error) {
	P := len(m.Names)
	out := make([][]float64, len(scales))
	for k, c := range scales {
		if !(c > 0) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("npe: base scale %v; want a positive number", c)
		}
		out[k] = make([]float64, len(thetas))
	}
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
	ctx, err := m.context(obs, len(thetas))
	if err != nil {
		return nil, err
	}
	z, logdet := m.flow.Transform(s, ctx)
	const log2Pi = 1.8378770664093454836
	for i := range thetas {
		var sq float64
		for _, v := range z.Row(i) {
			sq += float64(v) * float64(v)
		}
		for k, c := range scales {
			out[k][i] = -0.5*sq/(c*c) - float64(P)*(math.Log(c)+0.5*log2Pi) + float64(logdet[i]) + jac[i]
		}
	}
	for _, i := range bad {
		for k := range out {
			out[k][i] = math.Inf(-1)
		}
	}
	return out, nil
}

// context returns the summary network's output for obs repeated in n rows,
// or an error for an observation the network cannot read.
func (m *Model) context(obs Observation, n int) (*nn.Mat, error) {
	if err := m.checkObs([]Observation{obs}); err != nil {
		return nil, err
	}
	ctx := m.summary.Forward(m.input([]Observation{obs}))
	rep := nn.NewMat(n, ctx.Cols)
	for i := range n {
		copy(rep.Row(i), ctx.Row(0))
	}
	return rep, nil
}

// natural maps a row of the flow's coordinates back to the parameters'
// units; ok is false when the result falls outside the prior's support.
func (m *Model) natural(row []float32) (theta []float64, ok bool) {
	theta = make([]float64, len(m.priors))
	return theta, m.naturalInto(theta, row)
}

// naturalInto is natural writing into theta.
func (m *Model) naturalInto(theta []float64, row []float32) (ok bool) {
	ok = true
	for j, v := range row {
		theta[j] = m.priors[j].Constrain(m.Norm.Theta.invert(j, v))
		ok = ok && m.priors[j].InSupport(theta[j])
	}
	return ok
}

// naturalRows is natural for every row of z, the rows' values in one
// allocation, computed in blocks on idle cores (nn.Parallel).
func (m *Model) naturalRows(z *nn.Mat) (thetas [][]float64, ok []bool) {
	P := len(m.priors)
	all := make([]float64, z.Rows*P)
	thetas, ok = make([][]float64, z.Rows), make([]bool, z.Rows)
	const block = 256
	nn.Parallel((z.Rows+block-1)/block, func(b int) {
		for r := b * block; r < min((b+1)*block, z.Rows); r++ {
			thetas[r] = all[r*P : (r+1)*P : (r+1)*P]
			ok[r] = m.naturalInto(thetas[r], z.Row(r))
		}
	})
	return thetas, ok
}

// standardize writes the flow's coordinates of theta into row and returns
// sum_j log |ds_j / dtheta_j|; ok is false outside the prior's support.
func (m *Model) standardize(theta []float64, row []float32) (logJac float64, ok bool) {
	for j, p := range m.priors {
		u, err := p.Unconstrain(theta[j])
		if err != nil {
			return 0, false
		}
		row[j] = m.Norm.Theta.apply(j, u)
		logJac += -p.LogJacobian(u) - math.Log(m.Norm.Theta.SD[j])
	}
	return logJac, true
}

// SampleScaled draws n parameter sets from q_scale(theta | obs), the flow
// with its base widened to N(0, scale^2 I) (see LogProbScales; scale 1
// draws from q itself, as Sample does but from a different use of rng).
// Draws outside the prior's support are rejected and redrawn as by Sample.
func (m *Model) SampleScaled(obs Observation, n int, scale float64, rng *rand.Rand) (Posterior, error) {
	if n <= 0 {
		return Posterior{}, fmt.Errorf("npe: number of draws must be positive, got %d", n)
	}
	if n > MaxDraws {
		return Posterior{}, fmt.Errorf("npe: %d draws exceed the limit MaxDraws = %d", n, MaxDraws)
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return Posterior{}, fmt.Errorf("npe: base scale %v; want a positive number", scale)
	}
	P := len(m.Names)
	ctx, err := m.context(obs, n) // the first round's rows; later rounds use a prefix
	if err != nil {
		return Posterior{}, err
	}
	var out Posterior
	for round := 0; round < 10 && len(out.Draws) < n; round++ {
		need := n - len(out.Draws)
		z := nn.NewMat(need, P)
		for i := range z.Data {
			z.Data[i] = float32(scale * rng.NormFloat64())
		}
		s := m.flow.Inverse(z, &nn.Mat{Rows: need, Cols: ctx.Cols, Data: ctx.Data[:need*ctx.Cols]})
		for i := range need {
			theta, ok := m.natural(s.Row(i))
			out.Drawn++
			if !ok {
				out.Rejected++
				continue
			}
			out.Draws = append(out.Draws, theta)
		}
	}
	if len(out.Draws) < n {
		return Posterior{}, fmt.Errorf("npe: only %d of %d draws inside the prior's support after 10 rounds (leakage %.0f %%)",
			len(out.Draws), n, 100*out.Leakage())
	}
	return out, nil
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
