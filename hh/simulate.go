package hh

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/neuron"
)

// Defaults of Settings, used where a field is zero.
const (
	// DefaultDtMs is the RK4 step. Halving it changes a spiking 600 ms trace
	// by well under 0.01 mV (TestStepConvergence).
	DefaultDtMs = 0.01
	// DefaultRecordStepMs and DefaultNumSamples give neuron's default grid:
	// 600 samples at t = 0, 1, ..., 599 ms.
	DefaultRecordStepMs = 1.0
	DefaultNumSamples   = 600
)

// Limits of one simulated trace, checked before anything is allocated or
// integrated. Memory grows with the samples only; time with the steps, about
// 1.5 us each (a 600 ms trace at the default dt is 60,000 steps), so a
// trace at MaxStepsPerTrace takes some 6 s.
const (
	// MaxSamplesPerTrace is neuron's limit on recorded samples.
	MaxSamplesPerTrace = neuron.MaxSamplesPerTrace
	// MaxStepsPerTrace is the most RK4 steps of one trace: 42 s at the
	// default dt of 0.01 ms.
	MaxStepsPerTrace = neuron.MaxStepsPerTrace
)

// SpikeThresholdMV is the level whose upward crossings Simulate reports as
// spikes.
const SpikeThresholdMV = 0.0

// Settings control the integration and the recording. The zero value means
// the defaults: dt = 0.01 ms, 600 samples every 1 ms, the stimulus as given
// and no observation noise.
type Settings struct {
	DtMs          float64 // RK4 step, ms; must divide RecordStepMs (0: DefaultDtMs)
	RecordStepMs  float64 // sampling interval, ms (0: DefaultRecordStepMs)
	NumSamples    int     // samples t_i = i * RecordStepMs, i = 0..n-1 (0: DefaultNumSamples)
	StimulusScale float64 // the current is multiplied by this (0: 1)
	NoiseSD       float64 // sd of Gaussian observation noise added to V, mV (0: none)
}

// withDefaults fills the zero fields and checks the rest.
func (s Settings) withDefaults() (Settings, error) {
	if s.DtMs == 0 {
		s.DtMs = DefaultDtMs
	}
	if s.RecordStepMs == 0 {
		s.RecordStepMs = DefaultRecordStepMs
	}
	if s.NumSamples == 0 {
		s.NumSamples = DefaultNumSamples
	}
	if s.StimulusScale == 0 {
		s.StimulusScale = 1
	}
	for _, f := range []float64{s.DtMs, s.RecordStepMs, s.StimulusScale, s.NoiseSD} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return s, fmt.Errorf("hh: settings hold a non-finite value %v", f)
		}
	}
	switch {
	case s.DtMs <= 0 || s.RecordStepMs <= 0:
		return s, fmt.Errorf("hh: dt %g ms and record step %g ms must be positive", s.DtMs, s.RecordStepMs)
	case s.NumSamples < 0:
		return s, fmt.Errorf("hh: %d samples, want > 0", s.NumSamples)
	case s.NoiseSD < 0:
		return s, fmt.Errorf("hh: noise sd %g mV, want >= 0", s.NoiseSD)
	}
	if s.NumSamples > MaxSamplesPerTrace {
		return s, fmt.Errorf("hh: %d samples, more than MaxSamplesPerTrace = %d", s.NumSamples, MaxSamplesPerTrace)
	}
	k := math.Round(s.RecordStepMs / s.DtMs)
	if steps := float64(s.NumSamples-1) * k; steps > MaxStepsPerTrace {
		return s, fmt.Errorf("hh: %d samples of %g ms at dt %g ms are %.4g RK4 steps, more than MaxStepsPerTrace = %d", s.NumSamples, s.RecordStepMs, s.DtMs, steps, MaxStepsPerTrace)
	}
	if k < 1 || math.Abs(k*s.DtMs-s.RecordStepMs) > 1e-9*s.RecordStepMs {
		return s, fmt.Errorf("hh: dt %g ms does not divide the record step %g ms", s.DtMs, s.RecordStepMs)
	}
	return s, nil
}

// Trace is one simulated recording on neuron's sample grid.
type Trace struct {
	Time   []float64 // sample times t_i = i * record step, ms
	V      []float64 // membrane potential at Time, plus observation noise if any, mV
	I      []float64 // injected (scaled) current at Time, right-continuous, uA/cm2
	Spikes []float64 // upward crossings of SpikeThresholdMV by the noise-free V, interpolated on the RK4 grid, ms
	MaxV   float64   // highest noise-free V on the RK4 grid, mV (a spike's peak, which 1 ms sampling misses)
}

// Simulate integrates the model from its steady state at I = 0 under the
// current cur (times Settings.StimulusScale) with fixed-step RK4 and records
// V every record step. Steps of the current must fall on the RK4 grid; within
// a step the stages see the current just after its start, at its middle and
// just before its end, so a piecewise-constant stimulus is integrated
// exactly. rng supplies the observation noise and may be nil when NoiseSD is
// 0. A non-finite state is an error.
func Simulate(p Params, cur *neuron.Current, set Settings, rng *rand.Rand) (Trace, error) {
	s, err := set.withDefaults()
	if err != nil {
		return Trace{}, err
	}
	if cur == nil {
		return Trace{}, fmt.Errorf("hh: no stimulus current")
	}
	if s.NoiseSD > 0 && rng == nil {
		return Trace{}, fmt.Errorf("hh: noise sd %g mV needs a random source", s.NoiseSD)
	}
	x, err := SteadyState(p, 0)
	if err != nil {
		return Trace{}, err
	}
	per := int(math.Round(s.RecordStepMs / s.DtMs))
	steps := (s.NumSamples - 1) * per
	dt := s.DtMs
	duration := float64(steps) * dt
	for _, b := range cur.Breaks() {
		if r := b / dt; b > 0 && b < duration && math.Abs(r-math.Round(r)) > 1e-9*math.Max(1, r) {
			return Trace{}, fmt.Errorf("hh: stimulus changes at %g ms, off the RK4 grid of dt = %g ms", b, dt)
		}
	}
	// Stage times are nudged inward: j*dt is inexact in binary, and a stage
	// must never see the next step's level.
	nudge := 1e-7 * dt
	at := func(t float64) float64 { return s.StimulusScale * cur.At(t) }

	tr := Trace{Time: make([]float64, s.NumSamples), V: make([]float64, s.NumSamples),
		I: make([]float64, s.NumSamples), MaxV: x.V}
	for i := range tr.Time {
		tr.Time[i] = float64(i) * s.RecordStepMs
		tr.I[i] = at(tr.Time[i] + nudge)
	}
	tr.V[0] = x.V
	for j := range steps {
		t := float64(j) * dt
		prev := x.V
		x = p.rk4(x, dt, at(t+nudge), at(t+dt/2), at(t+dt-nudge))
		if !finite(x) {
			return Trace{}, fmt.Errorf("hh: non-finite state %+v at t = %g ms for %+v", x, t+dt, p)
		}
		tr.MaxV = math.Max(tr.MaxV, x.V)
		if prev < SpikeThresholdMV && x.V >= SpikeThresholdMV {
			tr.Spikes = append(tr.Spikes, t+dt*(SpikeThresholdMV-prev)/(x.V-prev))
		}
		if (j+1)%per == 0 {
			tr.V[(j+1)/per] = x.V
		}
	}
	if s.NoiseSD > 0 {
		for i := range tr.V {
			tr.V[i] += s.NoiseSD * rng.NormFloat64()
		}
	}
	return tr, nil
}

// rk4 advances x by one classical Runge-Kutta step of size h; i0, im and i1
// are the current at the step's start, middle and end.
func (p Params) rk4(x State, h, i0, im, i1 float64) State {
	axpy := func(a float64, d, x State) State {
		return State{x.V + a*d.V, x.M + a*d.M, x.H + a*d.H, x.N + a*d.N}
	}
	k1 := p.deriv(x, i0)
	k2 := p.deriv(axpy(h/2, k1, x), im)
	k3 := p.deriv(axpy(h/2, k2, x), im)
	k4 := p.deriv(axpy(h, k3, x), i1)
	return State{
		V: x.V + h/6*(k1.V+2*k2.V+2*k3.V+k4.V),
		M: x.M + h/6*(k1.M+2*k2.M+2*k3.M+k4.M),
		H: x.H + h/6*(k1.H+2*k2.H+2*k3.H+k4.H),
		N: x.N + h/6*(k1.N+2*k2.N+2*k3.N+k4.N),
	}
}

func finite(x State) bool {
	for _, v := range [...]float64{x.V, x.M, x.H, x.N} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
