package trust

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
)

// PriorCheck compares one feature of an observed trace with the same
// feature of prior-predictive simulations: Observed, the central 99 %
// [Lo, Hi] of the simulations' values, the observed value's Quantile among
// them and, when it falls outside the central 99 % (Quantile below
// PriorConflictTail or above 1 - PriorConflictTail), a Warning that says
// so and what to do.
type PriorCheck struct {
	Feature  string  `json:"feature"`
	Observed float64 `json:"observed"`
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	Quantile float64 `json:"quantile"`
	Warning  string  `json:"warning,omitempty"`
}

// PriorConflictTail is the prior-predictive probability either side of the
// central 99 % beyond which an observed feature conflicts with the prior.
const PriorConflictTail = 0.005

// MinPriorConflictSims is the fewest prior-predictive simulations
// PriorDataConflict accepts: with fewer, a quantile below
// PriorConflictTail cannot be told from the lowest simulation.
const MinPriorConflictSims = 100

// Windows of the features: the resting potential is the mean before the
// first change of the stimulus (or over the first restFraction of the
// trace when the stimulus never changes or changes within its first
// minWindowSamples samples); a level's steady state is the mean over the
// last steadyFraction of its window, for windows of at least
// minWindowSamples samples.
const (
	restFraction     = 0.1
	steadyFraction   = 0.3
	minWindowSamples = 5
)

// PriorDataConflict checks, before inference, whether a trace (the
// prepared recording on cfg's grid) could have come from cfg's priors: its
// resting potential and the steady-state response to each stimulus level
// against the same features of n prior-predictive simulations (parameters
// from the priors, the simulator's noise; all from seed). A feature whose
// observed value falls outside the simulations' central 99 % gets a
// Warning. n must be at least MinPriorConflictSims (1000 resolves the
// tails well); prior draws whose simulation fails are left out.
func PriorDataConflict(cfg neuron.Config, trace []float64, n int, seed uint64) ([]PriorCheck, error) {
	if n < MinPriorConflictSims {
		return nil, fmt.Errorf("trust: prior-data conflict check needs at least %d prior-predictive simulations, got %d", MinPriorConflictSims, n)
	}
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		return nil, fmt.Errorf("trust: prior-data conflict check: %w", err)
	}
	T := sim.NumSamples()
	if len(trace) != T {
		return nil, fmt.Errorf("trust: prior-data conflict check: the trace has %d samples, the configuration %d", len(trace), T)
	}
	for i, v := range trace {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("trust: prior-data conflict check: the trace's sample %d is %v", i, v)
		}
	}
	feats := traceFeatures(sim.StimulusAtSamples(), cfg.RecordStepMs)
	obs := measure(feats, trace)
	values := make([][]float64, len(feats))
	rng := rand.New(rand.NewPCG(seed, 0x70726469))
	names, _ := cfg.Inferred()
	theta := make([]float64, len(names))
	const chunk = 256
	out := make([]float64, chunk*T)
	failed := 0
	for lo := 0; lo < n; lo += chunk {
		m := min(chunk, n-lo)
		ps := make([]neuron.Params, m)
		rngs := make([]*rand.Rand, m)
		for k := range m {
			cfg.SamplePrior(rng, theta)
			ps[k], _ = cfg.Params(theta) // an invalid draw fails in Simulate
			rngs[k] = neuron.Stream(seed, uint64(lo+k))
		}
		ok := make([]bool, m)
		if err := sim.Simulate(ps, rngs, out[:m*T]); err == nil {
			for k := range ok {
				ok[k] = true
			}
		} else { // find the draws that fail, one at a time
			for k := range m {
				ok[k] = sim.Simulate(ps[k:k+1], []*rand.Rand{neuron.Stream(seed, uint64(lo+k))}, out[k*T:(k+1)*T]) == nil
			}
		}
		for k := range m {
			if !ok[k] {
				failed++
				continue
			}
			for f, v := range measure(feats, out[k*T:(k+1)*T]) {
				values[f] = append(values[f], v)
			}
		}
	}
	if kept := n - failed; kept < MinPriorConflictSims {
		return nil, fmt.Errorf("trust: prior-data conflict check: only %d of %d prior draws simulate (the rest leave +-%g mV)", kept, n, neuron.MaxAbsVoltageMV)
	}
	checks := make([]PriorCheck, len(feats))
	for f, ft := range feats {
		x := values[f]
		slices.Sort(x)
		c := PriorCheck{Feature: ft.name, Observed: obs[f], Lo: diagnose.QuantileSorted(x, PriorConflictTail), Hi: diagnose.QuantileSorted(x, 1-PriorConflictTail)}
		below, equal := 0, 0
		for _, v := range x {
			if v < c.Observed {
				below++
			} else if v == c.Observed {
				equal++
			}
		}
		c.Quantile = (float64(below) + float64(equal)/2) / float64(len(x))
		if c.Quantile < PriorConflictTail || c.Quantile > 1-PriorConflictTail {
			c.Warning = conflictWarning(c, len(x))
		}
		checks[f] = c
	}
	return checks, nil
}

// feature is a window of samples whose mean is one feature.
type feature struct {
	name   string
	lo, hi int // samples [lo, hi)
}

// traceFeatures returns the resting potential's window and the
// steady-state window of every later stimulus level, from the stimulus at
// the sample times.
func traceFeatures(stim []float64, stepMs float64) []feature {
	T := len(stim)
	first := T // first sample whose stimulus differs from the first
	for i, v := range stim {
		if v != stim[0] {
			first = i
			break
		}
	}
	rest := feature{name: "resting potential", hi: first}
	if first == T || first < minWindowSamples {
		rest.hi = max(1, int(math.Round(restFraction*float64(T))))
	}
	feats := []feature{rest}
	if first == T {
		return feats
	}
	for lo := first; lo < T; {
		hi := lo + 1
		for hi < T && stim[hi] == stim[lo] {
			hi++
		}
		if hi-lo >= minWindowSamples {
			from := hi - max(1, int(math.Round(steadyFraction*float64(hi-lo))))
			feats = append(feats, feature{
				name: fmt.Sprintf("steady state at %s uA/cm2 (%s-%s ms)", round(stim[lo]), round(float64(lo)*stepMs), round(float64(hi)*stepMs)),
				lo:   from, hi: hi})
		}
		lo = hi
	}
	return feats
}

// measure returns the mean of trace over each feature's window.
func measure(feats []feature, trace []float64) []float64 {
	out := make([]float64, len(feats))
	for f, ft := range feats {
		s := 0.0
		for _, v := range trace[ft.lo:ft.hi] {
			s += v
		}
		out[f] = s / float64(ft.hi-ft.lo)
	}
	return out
}

// conflictWarning says that c's observed value lies outside the central
// 99 % of the prior predictive, and what to do.
func conflictWarning(c PriorCheck, sims int) string {
	where, q := "below", "quantile "+strconv.FormatFloat(c.Quantile, 'g', 2, 64)
	if c.Quantile > 0.5 {
		where = "above"
	}
	if c.Quantile == 0 || c.Quantile == 1 {
		q = fmt.Sprintf("%s all %d prior-predictive simulations", where, sims)
	}
	return fmt.Sprintf("%s %s mV lies %s the prior predictive's central 99 %% (%s to %s mV; %s): the recording conflicts with the priors; "+
		"widen them (laa fit --widen-priors 2) or check the recording's units and protocol",
		c.Feature, round(c.Observed), where, round(c.Lo), round(c.Hi), q)
}

// round formats v to 4 significant digits.
func round(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
