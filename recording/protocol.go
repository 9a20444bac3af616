package recording

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/laa-neuro/laa/neuron"
)

// ProtocolOptions choose how ProtocolConfig turns a recording into the
// model's experiment. The zero value takes the defaults.
type ProtocolOptions struct {
	// StartMs is where the model's window starts, ms after the recording's
	// first sample (default 0).
	StartMs float64
	// MaxSamples is the most grid samples per trace (default 2000): the
	// record step is coarsened until the window holds no more.
	MaxSamples int
	// Tol is the stimulus merge tolerance, uA/cm2 (default 0.02): the
	// stimulus's levels are rounded to multiples of it, so two sweeps of one
	// protocol give the same configuration.
	Tol float64
}

// Defaults of ProtocolOptions.
const (
	DefaultMaxSamples  = 2000
	DefaultProtocolTol = 0.02 // uA/cm2
)

// niceMantissas are the mantissas of the "nice" steps: 1, 2, 2.5 and 5
// times a power of ten.
var niceMantissas = []float64{1, 2, 2.5, 5}

// niceStep returns the smallest nice value (1, 2, 2.5 or 5 times a power of
// ten) at least x, relative error 1e-6 allowed.
func niceStep(x float64) float64 {
	e := math.Floor(math.Log10(x))
	for k := e - 1; k <= e+1; k++ {
		for _, m := range niceMantissas {
			if v := clean(m * math.Pow(10, k)); v >= x*(1-1e-6) {
				return v
			}
		}
	}
	return clean(math.Pow(10, e+1))
}

// nextNice returns the nice value after the nice value x.
func nextNice(x float64) float64 { return niceStep(x * (1 + 1e-3)) }

// clean rounds x to 12 significant digits, so that 3 * 0.1 is 0.3.
func clean(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return v
}

// dtSteps are the RK4 steps ProtocolConfig chooses from, largest first
// (the default 0.5 ms and the nice values below it).
func dtFor(step float64) float64 {
	for dt := 0.5; dt > 1e-9; dt = niceBelow(dt) {
		if r := step / dt; math.Abs(r-math.Round(r)) < 1e-9*r && r >= 1-1e-9 {
			return dt
		}
	}
	return step
}

// niceBelow returns the nice value before the nice value x.
func niceBelow(x float64) float64 {
	e := math.Floor(math.Log10(x))
	best := 0.0
	for k := e - 1; k <= e; k++ {
		for _, m := range niceMantissas {
			if v := clean(m * math.Pow(10, k)); v < x*(1-1e-6) && v > best {
				best = v
			}
		}
	}
	return best
}

// ProtocolConfig returns base with the experiment of the recording r:
// duration_ms, record_step_ms, dt_ms and the stimulus. The current of r
// must already be in uA/cm2 (see Recording.ToDensity); base's priors,
// noise and other settings are kept.
//
//   - record_step_ms is r's sampling interval rounded up to a nice value
//     (1, 2, 2.5 or 5 times a power of ten, so that 10 kHz gives 0.1 ms)
//     and coarsened through the nice values until the window holds at most
//     MaxSamples samples;
//   - dt_ms is the largest of 0.5, 0.25, 0.2, 0.1, 0.05, ... ms that
//     divides the record step;
//   - duration_ms is the recording's length from StartMs floored to the
//     grid: the most whole steps whose grid times the recording covers (a
//     recording of N samples at that step gives N steps);
//   - the stimulus is StimulusFromRecording on that grid (merging steps
//     within Tol, or within five times the current's own noise when that
//     is larger), its levels rounded to multiples of Tol and equal
//     neighbours merged, as a staircase from 0 ms.
//
// Two sweeps of one protocol thus give the same configuration.
func ProtocolConfig(base neuron.Config, r Recording, opt ProtocolOptions) (neuron.Config, error) {
	if err := r.Validate(); err != nil {
		return base, err
	}
	if r.CurrentUnit != UnitDensity {
		return base, fmt.Errorf("recording: protocol: the current is in %q: %w", r.CurrentUnit, errNoMembrane)
	}
	if opt.MaxSamples == 0 {
		opt.MaxSamples = DefaultMaxSamples
	}
	if opt.Tol == 0 {
		opt.Tol = DefaultProtocolTol
	}
	if opt.MaxSamples < neuron.MinSamplesPerTrace || !(opt.Tol > 0) || math.IsInf(opt.Tol, 0) || !(opt.StartMs >= 0) || math.IsInf(opt.StartMs, 0) {
		return base, fmt.Errorf("recording: protocol: need max samples >= %d, tolerance > 0 and start >= 0 (got %d, %g uA/cm2, %g ms)", neuron.MinSamplesPerTrace, opt.MaxSamples, opt.Tol, opt.StartMs)
	}
	t := relativeTimes(r.TimeMs)        // as Prepare sees them
	length := t[len(t)-1] - opt.StartMs // the last grid time may lie here
	if !(length > 0) {
		return base, fmt.Errorf("recording: protocol: the window starts at %s ms but the recording lasts %s ms", fmtMs(opt.StartMs), fmtMs(t[len(t)-1]))
	}
	step := niceStep(medianStep(t))
	samples := func(h float64) int { return int(math.Floor(length/h+1e-6)) + 1 }
	for samples(step) > opt.MaxSamples {
		step = nextNice(step)
	}
	n := samples(step)
	if n < neuron.MinSamplesPerTrace {
		return base, fmt.Errorf("recording: protocol: the window of %s ms from %s ms holds %d samples of %s ms; need at least %d", fmtMs(length), fmtMs(opt.StartMs), n, fmtMs(step), neuron.MinSamplesPerTrace)
	}
	cfg := base
	cfg.RecordStepMs = step
	cfg.DtMs = dtFor(step)
	cfg.DurationMs = clean(float64(n) * step)
	p, err := Prepare(r, PrepareOptions{StartMs: opt.StartMs, DurationMs: cfg.DurationMs, RecordStepMs: step, Filter: FilterNone})
	if err != nil {
		return base, fmt.Errorf("recording: protocol: %w", err)
	}
	mergeTol := max(opt.Tol, 5*noiseSD(p.FineCurrent))
	s, err := StimulusFromRecording(p, cfg.DtMs, mergeTol)
	if err != nil {
		return base, fmt.Errorf("recording: protocol: %w", err)
	}
	cfg.Stimulus = roundStimulus(s, opt.Tol)
	if err := cfg.Validate(); err != nil {
		return base, fmt.Errorf("recording: protocol: %w", err)
	}
	return cfg, nil
}

// roundStimulus rounds a staircase's times to 12 digits and its levels to
// multiples of tol, merging neighbours that become equal.
func roundStimulus(s neuron.Stimulus, tol float64) neuron.Stimulus {
	out := neuron.Stimulus{Kind: neuron.StimStaircase}
	for j := range s.Times {
		l := clean(math.Round(s.Levels[j]/tol) * tol)
		if l == 0 {
			l = 0 // not -0
		}
		if k := len(out.Levels); k > 0 && out.Levels[k-1] == l {
			continue
		}
		out.Times = append(out.Times, clean(s.Times[j]))
		out.Levels = append(out.Levels, l)
	}
	return out
}

// noiseSD is a robust estimate of the sd of white noise on x: the median
// absolute first difference scaled for a Gaussian (steps are rare and do
// not move it).
func noiseSD(x []float64) float64 {
	if len(x) < 3 {
		return 0
	}
	d := make([]float64, len(x)-1)
	for i := range d {
		d[i] = math.Abs(x[i+1] - x[i])
	}
	sort.Float64s(d)
	return 1.4826 * d[len(d)/2] / math.Sqrt2
}
