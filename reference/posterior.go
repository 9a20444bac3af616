package reference

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/prior"
)

// LogPosterior is the unnormalized log posterior density of the inferred
// parameters given one observed trace:
//
//	log p(theta | x) = log p(theta) + sum_i log N(x_i; V_theta(t_i), sigma_obs^2) + const,
//
// with V_theta the noise-free simulated trace. It is safe for concurrent use.
type LogPosterior struct {
	sim      *neuron.Simulator
	cfg      neuron.Config
	names    []string
	priors   []prior.Distribution
	observed []float64
	traces   sync.Pool // *[]float64 of BlockSize x NumSamples: simulation scratch
}

// ErrIntractable is returned for configurations whose likelihood has no
// closed form.
var ErrIntractable = errors.New("reference: intrinsic noise makes the likelihood intractable; the exact posterior needs observation noise only (disable intrinsic_noise, or use likelihood-free inference)")

// NewLogPosterior returns the log posterior of observed (NumSamples values,
// all finite) under cfg. It refuses configurations with intrinsic noise
// enabled (ErrIntractable) and a fixed sigma_obs of zero. sigma_obs may be
// inferred (a prior on it); the spiking variant is allowed (its trace is
// deterministic too).
func NewLogPosterior(cfg neuron.Config, observed []float64) (*LogPosterior, error) {
	if cfg.IntrinsicNoise.Enabled {
		return nil, ErrIntractable
	}
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	if cfg.Priors.SigmaObs == nil && !(cfg.SigmaObs > 0) {
		return nil, fmt.Errorf("reference: sigma_obs = %g; the likelihood needs observation noise > 0", cfg.SigmaObs)
	}
	if len(observed) != sim.NumSamples() {
		return nil, fmt.Errorf("reference: observed trace has %d samples, the configuration records %d", len(observed), sim.NumSamples())
	}
	for i, v := range observed {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("reference: observed trace sample %d is %v", i, v)
		}
	}
	names, priors := cfg.Inferred()
	lp := &LogPosterior{sim: sim, cfg: cfg, names: names, priors: prior.Distributions(priors), observed: slices.Clone(observed)}
	lp.traces.New = func() any {
		b := make([]float64, neuron.BlockSize*sim.NumSamples())
		return &b
	}
	return lp, nil
}

// Names returns the inferred parameters' names, the columns of theta.
func (lp *LogPosterior) Names() []string { return slices.Clone(lp.names) }

// At returns the log posterior at theta (natural parameters): -Inf outside
// the prior's support (without simulating) or where the simulation fails.
func (lp *LogPosterior) At(theta []float64) float64 {
	out := []float64{0}
	lp.Batch([][]float64{theta}, out, 1)
	return out[0]
}

// Batch writes the log posterior of every row of thetas into out, simulating
// the rows in the prior's support in lockstep blocks of neuron.BlockSize
// over workers goroutines (0 means one per core). The values do not depend
// on workers. A block costs the same however few rows fill it, so pass many
// rows at once.
func (lp *LogPosterior) Batch(thetas [][]float64, out []float64, workers int) {
	if len(out) != len(thetas) {
		panic(fmt.Sprintf("reference: %d outputs for %d parameter vectors", len(out), len(thetas)))
	}
	var rows []int
	var ps []neuron.Params
	for i, th := range thetas {
		out[i] = math.Inf(-1)
		prior := lp.logPrior(th)
		if math.IsInf(prior, -1) {
			continue
		}
		p, err := lp.cfg.Params(th)
		if err != nil || !(p.SigmaObs > 0) || !lp.simulable(p) {
			continue
		}
		out[i] = prior
		rows, ps = append(rows, i), append(ps, p)
	}
	if len(ps) == 0 {
		return
	}
	// Each worker integrates whole lockstep blocks: the simulator's cost
	// is per block of neuron.BlockSize, however full.
	n := lp.sim.NumSamples()
	blocks := (len(ps) + neuron.BlockSize - 1) / neuron.BlockSize
	parallelRange(blocks, workers, func(lo, hi int) {
		buf := lp.traces.Get().(*[]float64)
		defer lp.traces.Put(buf)
		trace := *buf
		for b := lo; b < hi; b++ {
			r0, r1 := b*neuron.BlockSize, min((b+1)*neuron.BlockSize, len(ps))
			lp.likelihoods(ps[r0:r1], rows[r0:r1], trace[:(r1-r0)*n], out)
		}
	})
}

// likelihoods simulates ps (rows of out) and adds their log likelihoods. A
// block that fails is split in halves, so a bad row costs a few blocks and
// does not sink the rest; the bad row gets -Inf.
func (lp *LogPosterior) likelihoods(ps []neuron.Params, rows []int, trace, out []float64) {
	if err := lp.sim.Simulate(ps, nil, trace); err != nil {
		if len(ps) == 1 {
			out[rows[0]] = math.Inf(-1)
			return
		}
		h := len(ps) / 2
		n := lp.sim.NumSamples()
		lp.likelihoods(ps[:h], rows[:h], trace[:h*n], out)
		lp.likelihoods(ps[h:], rows[h:], trace[h*n:], out)
		return
	}
	n := lp.sim.NumSamples()
	const logSqrt2Pi = 0.91893853320467274178
	for b, p := range ps {
		var ss float64
		for i, v := range trace[b*n : (b+1)*n] {
			r := lp.observed[i] - v
			ss += r * r
		}
		out[rows[b]] += -0.5*ss/(p.SigmaObs*p.SigmaObs) - float64(n)*(math.Log(p.SigmaObs)+logSqrt2Pi)
	}
}

// Limits of the simulator. Parameter sets past them get -Inf without
// simulating; under the default priors they lie more than 10 prior sd out,
// where the posterior has no mass for any trace the model can make.
const (
	// rk4Stable is the stability limit of RK4 on the negative real axis:
	// where dt g_L / C_m exceeds it the leak makes the integration diverge
	// and the simulated trace means nothing (C_m < 0.018 uF/cm2 at
	// g_L = 0.1 mS/cm2 and dt = 0.5 ms).
	rk4Stable = 2.785
	// maxRestScan bounds the scan of neuron.RestingPotential, which steps
	// from E_L to E_L + G_act/g_L by min(0.1, k/8) mV: long scans cost more
	// than the simulation, and once the step is below the float spacing of
	// V the scan never ends (k < 0.008 mV at g_L = 0.1 mS/cm2, or
	// g_L < 0.001 mS/cm2).
	maxRestScan = 2e4
)

// simulable reports whether p is within the simulator's limits.
func (lp *LogPosterior) simulable(p neuron.Params) bool {
	return lp.cfg.DtMs*p.GL/p.Cm <= rk4Stable && p.Gact/p.GL/math.Min(0.1, p.K/8) <= maxRestScan
}

// logPrior returns the log prior of theta, -Inf outside the support or for
// a vector of the wrong length.
func (lp *LogPosterior) logPrior(theta []float64) float64 {
	if len(theta) != len(lp.priors) {
		return math.Inf(-1)
	}
	s := 0.0
	for j, p := range lp.priors {
		if math.IsNaN(theta[j]) {
			return math.Inf(-1)
		}
		s += p.LogDensity(theta[j])
	}
	return s
}
