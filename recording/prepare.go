package recording

import (
	"fmt"
	"math"
	"sort"

	"github.com/laa-neuro/laa/neuron"
)

// PrepareOptions choose the model's window in a recording and the model's
// grid. The zero value is the default experiment of docs/model.md: 600 ms from
// the first sample, sampled every 1 ms.
type PrepareOptions struct {
	StartMs      float64 // window start, ms after the recording's first sample (default 0)
	DurationMs   float64 // window length T, ms (default 600)
	RecordStepMs float64 // grid step, ms (default 1); must divide DurationMs
	Filter       Filter  // how the voltage is brought to the grid (default FilterSinc)
}

// Filter is the anti-aliasing filter applied to the voltage before it is
// sampled on the grid of step h.
type Filter int

const (
	// FilterSinc is a Blackman-windowed sinc low-pass with its cutoff at the
	// grid's Nyquist frequency 1/(2h) and a half-width of 16 steps: flat to
	// 0.02 % up to 0.4/h, at least 78 dB down from 0.6/h. It rings around a
	// jump (a spike or a reset): up to about 2 % of the jump 1-2 steps away.
	FilterSinc Filter = iota
	// FilterBoxcar averages the voltage over [t_i - h/2, t_i + h/2): no
	// ringing, but weak attenuation above Nyquist (side lobes up to 21 %,
	// at 1.5/h) and some blur of in-band changes. For spiking traces.
	FilterBoxcar
	// FilterNone interpolates the voltage linearly at t_i, as the simulator
	// records point samples; noise above Nyquist aliases into the trace.
	FilterNone
)

// GridOf returns the options for the grid of cfg, with the window starting
// startMs after the recording's first sample.
func GridOf(cfg neuron.Config, startMs float64) PrepareOptions {
	return PrepareOptions{StartMs: startMs, DurationMs: cfg.DurationMs, RecordStepMs: cfg.RecordStepMs}
}

// Prepared is a recording on the model's grid: n = DurationMs/RecordStepMs
// samples at t_i = i * RecordStepMs from the window's start.
type Prepared struct {
	TimeMs       []float64 // t_i, ms from the window start
	VoltageMV    []float64 // low-pass filtered voltage at t_i, mV
	Current      []float64 // uA/cm2: the median recorded current over [t_i, t_i + RecordStepMs)
	StartMs      float64   // window start in the recording's time, ms
	DurationMs   float64
	RecordStepMs float64
	// The recorded current inside the window at the recording's own rate
	// (time from the window start), for StimulusFromRecording.
	FineTimeMs, FineCurrent []float64
	Source, Sweep           string
	Warnings                []string
	// CurrentAssumed is the recording's: the current was assumed, not
	// recorded (see AssumedCurrentNote).
	CurrentAssumed bool
	// Filter is the filter that brought the voltage to the grid.
	Filter Filter
}

// timeEps is the tolerance, relative to the grid step, within which a
// sample time counts as on a grid time. Times computed from float64
// timestamps in seconds (NWB) carry rounding errors of about 1e-13 s times
// the timestamps' size, far above 1e-9 of a step for a session minutes
// long; a tolerance of 1e-6 steps puts such a sample in the bin that a
// CSV copy rounded to the microsecond puts it in.
const timeEps = 1e-6

// filterHalfWidth is FilterSinc's half-width in grid steps. With a
// Blackman window the transition band is about 5.5 / (2 * 16) = 0.17 of the
// grid rate wide, centred on its Nyquist frequency (measured in
// TestAntiAliasing).
const filterHalfWidth = 16

// Prepare cuts the window [StartMs, StartMs + DurationMs) out of rec and
// puts it on the model's grid. The recording must be sampled at least as
// finely as the grid, cover every grid time and have its current in
// uA/cm2 (see Recording.ToDensity).
//
// Voltage: by default each grid value is the recording low-pass filtered
// by FilterSinc and evaluated at t_i. It keeps the band the model's traces
// live in (membrane time constants of ms) and removes what would alias:
// noise and pickup above the grid's Nyquist frequency. The filter's weights
// are normalized, so a constant passes exactly, and near the ends of the
// recording its kernel is cut short. A recording already on the grid passes
// unchanged. A boxcar average was not made the default because its side
// lobes let through up to 21 % above Nyquist; choose it for spiking traces,
// where the sinc's ringing matters more (see Filter).
//
// Current: the (lower) median of the recorded samples in [t_i, t_i + h),
// so that noise does not move a step level and a step between grid times
// takes one side's value rather than an average; for steps on the grid it
// is the simulator's right-continuous I(t_i).
func Prepare(rec Recording, opt PrepareOptions) (Prepared, error) {
	if err := rec.Validate(); err != nil {
		return Prepared{}, err
	}
	if rec.CurrentUnit != UnitDensity {
		return Prepared{}, fmt.Errorf("recording: the current is in %q: %w", rec.CurrentUnit, errNoMembrane)
	}
	if opt.DurationMs == 0 {
		opt.DurationMs = 600
	}
	if opt.RecordStepMs == 0 {
		opt.RecordStepMs = 1
	}
	h, T := opt.RecordStepMs, opt.DurationMs
	if opt.Filter < FilterSinc || opt.Filter > FilterNone {
		return Prepared{}, fmt.Errorf("recording: unknown filter %d", opt.Filter)
	}
	if !(h > 0) || !(T > 0) || math.IsInf(T, 0) || !(opt.StartMs >= 0) || math.IsInf(opt.StartMs, 0) {
		return Prepared{}, fmt.Errorf("recording: need start >= 0, duration > 0 and step > 0 (got %s, %s, %s ms)", fmtMs(opt.StartMs), fmtMs(T), fmtMs(h))
	}
	n := int(math.Round(T / h))
	if math.Abs(T/h-float64(n)) > 1e-9 || n < 1 {
		return Prepared{}, fmt.Errorf("recording: step %s ms must divide duration %s ms", fmtMs(h), fmtMs(T))
	}
	t := relativeTimes(rec.TimeMs)
	last := len(t) - 1
	ws := opt.StartMs
	if need := ws + float64(n-1)*h; need > t[last]+timeEps*h {
		return Prepared{}, fmt.Errorf("recording: too short: the window of %s ms from %s ms needs samples up to %s ms, but the recording ends at %s ms", fmtMs(T), fmtMs(opt.StartMs), fmtMs(need), fmtMs(t[last]))
	}
	if dt := medianStep(t); dt > h*(1+1e-6) {
		return Prepared{}, fmt.Errorf("recording: sampled every %s ms, coarser than the model's step of %s ms", fmtSig(dt, 6), fmtMs(h))
	}
	p := Prepared{StartMs: opt.StartMs, DurationMs: T, RecordStepMs: h, Source: rec.Source, Sweep: rec.Sweep, CurrentAssumed: rec.CurrentAssumed, Filter: opt.Filter,
		Warnings:  append([]string(nil), rec.Warnings...),
		TimeMs:    make([]float64, n),
		VoltageMV: make([]float64, n),
		Current:   make([]float64, n),
	}
	w := trapezoidWeights(t)
	var bin []float64
	for i := range n {
		ti := ws + float64(i)*h
		p.TimeMs[i] = float64(i) * h
		p.VoltageMV[i] = resample(t, rec.VoltageMV, w, ti, h, opt.Filter)
		// Current: median over [t_i, t_i + h), else the last value before t_i.
		k0 := sort.SearchFloat64s(t, ti-timeEps*h)
		bin = bin[:0]
		for k := k0; k <= last && t[k] < ti+h-timeEps*h; k++ {
			bin = append(bin, rec.Current[k])
		}
		if len(bin) == 0 {
			bin = append(bin, rec.Current[max(k0-1, 0)])
		}
		p.Current[i] = median(bin)
	}
	k0 := sort.SearchFloat64s(t, ws-timeEps*h)
	for k := k0; k <= last && t[k] < ws+T-timeEps*h; k++ {
		p.FineTimeMs = append(p.FineTimeMs, t[k]-ws)
		p.FineCurrent = append(p.FineCurrent, rec.Current[k])
	}
	return p, nil
}

// regularTol is how far, as a fraction of the sampling interval, sample
// times may stray from a regular grid and still count as regularly
// sampled: rounding errors of timestamps, not jitter.
const regularTol = 1e-4

// relativeTimes returns the sample times t from the first one. When they are
// regular to within regularTol of an interval, it returns k / r, with the
// rate r (per ms) to 9 significant digits: so a recording whose times come
// from a rate (NWB starting_time), from float64 timestamps in seconds (NWB
// timestamps far from 0) or from a CSV column in s or ms gives the same
// times, and Prepare the same trace, whatever the file format.
func relativeTimes(t []float64) []float64 {
	n := len(t)
	out := make([]float64, n)
	for k := range t {
		out[k] = t[k] - t[0]
	}
	if n < 3 || !(out[n-1] > 0) {
		return out
	}
	rate := roundSig(float64(n-1)/out[n-1], 9)
	reg := make([]float64, n)
	for k := range reg {
		reg[k] = float64(k) / rate
		if math.Abs(reg[k]-out[k]) > regularTol/rate {
			return out
		}
	}
	return reg
}

// resample returns the filtered value of x(t) at ti.
func resample(t, x, w []float64, ti, h float64, f Filter) float64 {
	last := len(t) - 1
	if f == FilterNone {
		k := sort.SearchFloat64s(t, ti) // t[k-1] < ti <= t[k]
		if k > last || t[k] == ti || k == 0 {
			return x[min(k, last)]
		}
		a := (ti - t[k-1]) / (t[k] - t[k-1])
		return x[k-1] + a*(x[k]-x[k-1])
	}
	half := filterHalfWidth * h
	weight := func(d float64) float64 { return kernel(d/h, filterHalfWidth) }
	if f == FilterBoxcar {
		half = h / 2
		weight = func(d float64) float64 {
			if d >= -h/2 && d < h/2 {
				return 1
			}
			return 0
		}
	}
	var num, den float64
	for k := sort.SearchFloat64s(t, ti-half); k <= last && t[k] < ti+half; k++ {
		c := w[k] * weight(t[k]-ti)
		num += c * x[k]
		den += c
	}
	if den == 0 {
		return resample(t, x, w, ti, h, FilterNone)
	}
	return num / den
}

// kernel is the low-pass impulse response at x grid steps from its centre:
// sinc(x) times a Blackman window of half-width m steps.
func kernel(x float64, m float64) float64 {
	if math.Abs(x) >= m {
		return 0
	}
	s := 1.0
	if x != 0 {
		s = math.Sin(math.Pi*x) / (math.Pi * x)
	}
	u := math.Pi * x / m
	return s * (0.42 + 0.5*math.Cos(u) + 0.08*math.Cos(2*u))
}

// trapezoidWeights gives each sample the half of its neighbouring intervals,
// so that a weighted sum approximates an integral over time even when the
// sampling is irregular.
func trapezoidWeights(t []float64) []float64 {
	w := make([]float64, len(t))
	for k := range t {
		a, b := t[max(k-1, 0)], t[min(k+1, len(t)-1)]
		w[k] = (b - a) / 2
	}
	return w
}

// median returns the lower median of x, always one of its values (so a
// step inside a bin never yields a level in between), reordering x.
func median(x []float64) float64 {
	sort.Float64s(x)
	return x[(len(x)-1)/2]
}

// medianStep is the median sampling interval of t.
func medianStep(t []float64) float64 {
	d := make([]float64, len(t)-1)
	for i := range d {
		d[i] = t[i+1] - t[i]
	}
	return median(d)
}
