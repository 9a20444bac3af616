package npe

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
)

// TestLogProbChangeOfVariables checks LogProb against the flow's density in
// standardized coordinates plus the log Jacobian of theta -> s computed by
// central finite differences of the forward maps (ToUnconstrained, then
// the standardization).
func TestLogProbChangeOfVariables(t *testing.T) {
	t.Parallel()
	const (
		h   = 1e-5 // relative finite-difference step
		tol = 1e-4 // float32 flow, float64 Jacobian
	)
	m, d := smallModel(t, SummaryMLP)
	obs := FromSet(d, 4)
	post, lq, err := m.SampleLogProb(obs, 20, rand.New(rand.NewPCG(5, 0)))
	if err != nil {
		t.Fatal(err)
	}
	P := len(m.Names)
	s := nn.NewMat(len(post.Draws), P)
	fdJac := make([]float64, len(post.Draws))
	for i, th := range post.Draws {
		for j, p := range m.priors {
			u, err := p.Unconstrain(th[j])
			if err != nil {
				t.Fatal(err)
			}
			s.Row(i)[j] = float32((u - m.Norm.Theta.Mean[j]) / m.Norm.Theta.SD[j])
			step := h * math.Max(math.Abs(th[j]), 1e-3)
			up, _ := p.Unconstrain(th[j] + step)
			dn, _ := p.Unconstrain(th[j] - step)
			fdJac[i] += math.Log(math.Abs((up - dn) / (2 * step) / m.Norm.Theta.SD[j]))
		}
	}
	ctx := m.summary.Forward(m.input([]Observation{obs}))
	rep := nn.NewMat(len(post.Draws), ctx.Cols)
	for i := range rep.Rows {
		copy(rep.Row(i), ctx.Row(0))
	}
	base := m.flow.LogProb(s, rep)
	for i := range post.Draws {
		want := float64(base[i]) + fdJac[i]
		if math.Abs(lq[i]-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("draw %d: log q %.6f, flow + finite-difference Jacobian %.6f", i, lq[i], want)
		}
	}
}

// TestLogProbNormalized: q is a normalized density in natural units, so for
// the prior p (normalized, in the same units) E_q[p/q] = 1; the same holds
// for the widened q_c of SampleScaled and LogProbScales. The weights
// p/q have a modest spread for an untrained flow, so 4,000 draws pin the
// mean to a few per cent; a wrong Jacobian (a missing 1/theta or 1/sd)
// moves it by orders of magnitude.
func TestLogProbNormalized(t *testing.T) {
	t.Parallel()
	const (
		n   = 4000
		tol = 0.1
	)
	m, d := smallModel(t, SummaryMLP)
	// Initialize ActNorm from all 300 simulations, not 3, so that q is
	// close to the prior and the weights' spread small.
	m, err := New(m.Config, d, 8)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]Observation, d.N)
	for i := range obs {
		obs[i] = FromSet(d, i)
	}
	if _, err := m.Loss(obs, d.Theta); err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{1, 1.5} {
		var draws [][]float64
		var lq []float64
		if scale == 1 {
			post, l, err := m.SampleLogProb(obs[7], n, rand.New(rand.NewPCG(6, 0)))
			if err != nil {
				t.Fatal(err)
			}
			draws, lq = post.Draws, l
		} else {
			post, err := m.SampleScaled(obs[7], n, scale, rand.New(rand.NewPCG(6, 1)))
			if err != nil {
				t.Fatal(err)
			}
			l, err := m.LogProbScales(obs[7], post.Draws, []float64{2, scale})
			if err != nil {
				t.Fatal(err)
			}
			draws, lq = post.Draws, l[1]
		}
		var mean, mean2 float64
		for i, th := range draws {
			var lp float64
			for j, p := range m.priors {
				lp += p.LogDensity(th[j])
			}
			w := math.Exp(lp - lq[i])
			mean += w / n
			mean2 += w * w / n
		}
		se := math.Sqrt((mean2 - mean*mean) / n)
		if math.Abs(mean-1) > tol || math.Abs(mean-1) > 5*se+0.01 {
			t.Errorf("base scale %g: E_q[prior/q] = %.4f +- %.4f, want 1", scale, mean, se)
		} else {
			t.Logf("base scale %g: E_q[prior/q] = %.4f +- %.4f", scale, mean, se)
		}
	}
}

func TestLogProbEdges(t *testing.T) {
	t.Parallel()
	m, d := smallModel(t, SummaryMLP)
	obs := FromSet(d, 0)
	good := make([]float64, len(m.Names))
	m.Experiment.SamplePrior(neuron.Stream(1, 0), good)
	outside := append([]float64(nil), good...)
	outside[0] = -1 // C_m has a log-normal prior
	lq, err := m.LogProb(obs, [][]float64{good, outside})
	if err != nil {
		t.Fatal(err)
	}
	if math.IsInf(lq[0], 0) || math.IsNaN(lq[0]) || !math.IsInf(lq[1], -1) {
		t.Errorf("log q = %v, want finite then -Inf", lq)
	}
	if _, err := m.LogProbScales(obs, [][]float64{good}, []float64{0}); err == nil {
		t.Error("a zero base scale gave no error")
	}
	if _, err := m.SampleScaled(obs, 10, math.NaN(), rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("a NaN base scale gave no error")
	}
	if _, err := m.LogProb(obs, [][]float64{good[:2]}); err == nil {
		t.Error("a short parameter vector gave no error")
	}
	if lq, err := m.LogProb(obs, nil); err != nil || len(lq) != 0 {
		t.Errorf("no rows: %v, %v", lq, err)
	}
}
