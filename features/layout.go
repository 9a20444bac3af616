package features

import (
	"fmt"
	"math"
)

// Defaults of Options; a zero field means its default.
const (
	// DefaultThreshold (mV) lies between the sub-threshold states (at most
	// about -50 mV) and the activated states (-41 to -30 mV) of the default
	// model at the prior medians, so a crossing marks an activation event.
	DefaultThreshold = -45.0
	// DefaultHysteresis (mV) is 5 sd of the default 1 mV observation noise.
	DefaultHysteresis = 5.0
	// DefaultSteadyFraction is the final fraction of an epoch that Steady
	// averages.
	DefaultSteadyFraction = 0.3
	// DefaultMinChange (mV) is the smallest step response TimeConstant times.
	DefaultMinChange = 2.0
	// DefaultMinEpoch (ms) is the shortest stretch of constant current that
	// makes an epoch of its own.
	DefaultMinEpoch = 10.0
	// DefaultCurrentTol (uA/cm2) is how far currents may differ within an epoch.
	DefaultCurrentTol = 1e-9
	// DefaultSpikeDrop (mV per sample) marks a reset in the spiking variant.
	DefaultSpikeDrop = 20.0
)

// Options tune the features. A zero field means its default above, so a
// Threshold or Hysteresis of exactly 0 cannot be asked for (use a tiny
// number instead). SpikePeak's default is 0 mV, the model's V_peak.
type Options struct {
	Threshold      float64 // mV, for crossing counts and latencies
	Hysteresis     float64 // mV, see Schmitt
	SteadyFraction float64 // in (0, 1], see Steady
	MinChange      float64 // mV, see TimeConstant
	MinEpoch       float64 // ms, see FindEpochs
	CurrentTol     float64 // uA/cm2, see FindEpochs
	Spiking        bool    // add spike count, ISI mean and CV, and spikes per step
	SpikePeak      float64 // mV, see SpikeDetector
	SpikeDrop      float64 // mV per sample, see SpikeDetector
}

// withDefaults fills zero fields and checks the rest.
func (o Options) withDefaults() (Options, error) {
	def := func(x *float64, d float64) {
		if *x == 0 {
			*x = d
		}
	}
	def(&o.Threshold, DefaultThreshold)
	def(&o.Hysteresis, DefaultHysteresis)
	def(&o.SteadyFraction, DefaultSteadyFraction)
	def(&o.MinChange, DefaultMinChange)
	def(&o.MinEpoch, DefaultMinEpoch)
	def(&o.CurrentTol, DefaultCurrentTol)
	def(&o.SpikeDrop, DefaultSpikeDrop)
	for _, c := range []struct {
		name string
		val  float64
		ok   bool
	}{
		{"threshold", o.Threshold, true},
		{"hysteresis", o.Hysteresis, o.Hysteresis > 0},
		{"steady fraction", o.SteadyFraction, o.SteadyFraction > 0 && o.SteadyFraction <= 1},
		{"minimum change", o.MinChange, o.MinChange > 0},
		{"minimum epoch", o.MinEpoch, o.MinEpoch > 0},
		{"current tolerance", o.CurrentTol, o.CurrentTol > 0},
		{"spike peak", o.SpikePeak, true},
		{"spike drop", o.SpikeDrop, o.SpikeDrop > 0},
	} {
		if !c.ok || math.IsNaN(c.val) || math.IsInf(c.val, 0) {
			return o, fmt.Errorf("features: bad %s %v", c.name, c.val)
		}
	}
	return o, nil
}

// Layout is the feature layout of one stimulus protocol: its epochs and
// the names of the features Compute fills. It is derived once with
// NewLayout and safe for concurrent use.
type Layout struct {
	opts   Options
	dt     float64
	n      int     // samples per trace
	epochs []Epoch // all epochs
	rest   bool    // epoch 0 is the zero-current rest epoch
	post   bool    // the last epoch has zero current and there is a rest epoch
	names  []string
}

// NewLayout derives the layout for traces sampled every dt ms under the
// current stim (one value per sample). It returns an error for an empty or
// non-finite stim, a dt that is not finite and positive, or bad options.
func NewLayout(stim []float64, dt float64, opts Options) (*Layout, error) {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("features: sampling step %v ms is not finite and > 0", dt)
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	minLen := int(math.Ceil(o.MinEpoch/dt - 1e-9))
	epochs, err := FindEpochs(stim, o.CurrentTol, minLen)
	if err != nil {
		return nil, err
	}
	zero := func(e Epoch) bool { return e.Constant && math.Abs(e.Current) <= o.CurrentTol }
	l := &Layout{opts: o, dt: dt, n: len(stim), epochs: epochs}
	l.rest = zero(epochs[0])
	l.post = l.rest && len(epochs) > 1 && zero(epochs[len(epochs)-1])

	if l.rest {
		l.names = append(l.names, "rest_mean", "rest_sd")
	}
	for k := l.firstStep(); k < len(epochs); k++ {
		for _, f := range []string{"steady", "tau", "ncross", "latency"} {
			l.names = append(l.names, fmt.Sprintf("step%d_%s", k, f))
		}
	}
	if l.post {
		l.names = append(l.names, "post_level")
	}
	l.names = append(l.names, "v_mean", "v_sd", "v_skew", "v_kurt")
	if o.Spiking {
		l.names = append(l.names, "spike_count", "isi_mean", "isi_cv")
		for k := l.firstStep(); k < len(epochs); k++ {
			l.names = append(l.names, fmt.Sprintf("step%d_spikes", k))
		}
	}
	return l, nil
}

// firstStep is the index of the first epoch with step features.
func (l *Layout) firstStep() int {
	if l.rest {
		return 1
	}
	return 0
}

// Names returns the feature names in the order Compute fills them.
func (l *Layout) Names() []string { return append([]string(nil), l.names...) }

// Len returns the number of features.
func (l *Layout) Len() int { return len(l.names) }

// Samples returns the trace length the layout expects.
func (l *Layout) Samples() int { return l.n }

// Epochs returns the epochs of the protocol.
func (l *Layout) Epochs() []Epoch { return append([]Epoch(nil), l.epochs...) }

// Options returns the options in use, defaults filled in.
func (l *Layout) Options() Options { return l.opts }
