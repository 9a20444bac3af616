package dataset

import (
	"fmt"
	"math"
	"strconv"

	"github.com/laa-neuro/laa/neuron"
)

// timeTol is how far, as a fraction of the sampling step, a time_ms value
// of a data set without metadata may lie from the uniform grid i * step
// (float32 times of a long recording are off by 1e-4 of a step).
const timeTol = 1e-3

// stimTol is how close, in uA/cm2, the stimulus array must be to the
// default configuration's stimulus at the sample times to be taken as it.
const stimTol = 1e-9

// protocolFromArrays builds the configuration of a data set written
// without metadata (by numpy.savez) from its time_ms and stimulus arrays
// and its trace length T. The times must be the uniform grid t_i = i *
// step, i = 0..T-1, that laa's simulator records (the first sample at 0);
// the configuration then records every step ms for T * step ms, integrates
// with the largest RK4 step up to neuron.DefaultDtMs that divides the
// sampling step, and injects the stimulus as a staircase that switches
// where the array changes (the default staircase when the array is the
// default's, a step for a single pulse). Everything else is the default
// configuration. It returns the configuration and a sentence describing
// the protocol, or an error saying why the arrays do not give one.
func protocolFromArrays(times, stim []float64, T int) (neuron.Config, string, error) {
	switch {
	case len(times) != T || len(stim) != T:
		return neuron.Config{}, "", fmt.Errorf("time_ms has %d samples and stimulus %d, but the traces have %d", len(times), len(stim), T)
	case T < 2:
		return neuron.Config{}, "", fmt.Errorf("traces of %d samples: at least 2 are needed to know the sampling step", T)
	}
	step := times[T-1] / float64(T-1)
	if !(step > 0) || math.IsInf(step, 0) {
		return neuron.Config{}, "", fmt.Errorf("time_ms runs from %g to %g ms: it must increase", times[0], times[T-1])
	}
	if i := offGrid(times, step); i >= 0 {
		return neuron.Config{}, "", fmt.Errorf("time_ms[%d] = %g ms is off the uniform grid i * %g ms that laa records on (first sample at 0 ms): a data set without meta needs uniform times from 0", i, times[i], step)
	}
	// float32 times give a step like 0.0999999998: take the shortest
	// decimal that still fits every time.
	for digits := 1; digits <= 12; digits++ {
		short, _ := strconv.ParseFloat(strconv.FormatFloat(step, 'g', digits, 64), 64)
		if short > 0 && offGrid(times, short) < 0 {
			step = short
			break
		}
	}
	cfg := neuron.Default()
	cfg.RecordStepMs = step
	cfg.DurationMs = float64(T) * step
	if r := step / cfg.DtMs; math.Abs(r-math.Round(r)) > 1e-9 {
		cfg.DtMs = step / math.Ceil(step/neuron.DefaultDtMs)
	}
	what := "the default staircase"
	sim, err := neuron.NewSimulator(cfg) // fails when the default staircase is off this grid
	if err != nil || !closeTo(sim.StimulusAtSamples(), stim) {
		cfg.Stimulus, what = staircase(stim, step)
		if sim, err = neuron.NewSimulator(cfg); err != nil {
			return neuron.Config{}, "", fmt.Errorf("the protocol of time_ms and stimulus: %w", err)
		}
		if !closeTo(sim.StimulusAtSamples(), stim) { // cannot happen: a guard on the construction above
			return neuron.Config{}, "", fmt.Errorf("the stimulus array could not be expressed as a staircase")
		}
	}
	desc := fmt.Sprintf("%d samples every %g ms (%g ms), %s", T, step, cfg.DurationMs, what)
	return cfg, desc, nil
}

// offGrid returns the first index whose time lies more than timeTol steps
// from i * step, or -1.
func offGrid(times []float64, step float64) int {
	for i, t := range times {
		if !(math.Abs(t-float64(i)*step) <= timeTol*step) {
			return i
		}
	}
	return -1
}

// closeTo reports whether a and b agree within stimTol.
func closeTo(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= stimTol) {
			return false
		}
	}
	return true
}

// staircase turns a stimulus sampled every step ms (from 0) into the
// piecewise-constant stimulus that switches at the samples where it
// changes, with a description: a step for a single pulse, a staircase
// otherwise.
func staircase(stim []float64, step float64) (neuron.Stimulus, string) {
	var times, levels []float64
	for i, v := range stim {
		if (i == 0 && v != 0) || (i > 0 && v != stim[i-1]) {
			times, levels = append(times, float64(i)*step), append(levels, v)
		}
	}
	switch {
	case len(times) == 0: // no current at all
		return neuron.Stimulus{Kind: neuron.StimStaircase, Times: []float64{0}, Levels: []float64{0}}, "no stimulus"
	case times[0] > 0 && (len(times) == 1 || len(times) == 2 && levels[1] == 0):
		end := float64(len(stim)) * step
		if len(times) == 2 {
			end = times[1]
		}
		return neuron.Stimulus{Kind: neuron.StimStep, Start: times[0], End: end, Amplitude: levels[0]},
			fmt.Sprintf("a step of %g uA/cm2 from %g to %g ms", levels[0], times[0], end)
	}
	return neuron.Stimulus{Kind: neuron.StimStaircase, Times: times, Levels: levels},
		fmt.Sprintf("a staircase of %d levels", len(times))
}
