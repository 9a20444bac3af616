package features

import "math"

// SpikeDetector finds spikes in a trace of the spike-and-reset model, where
// V is reset as soon as it reaches the peak, so that a recorded sample seldom
// shows the peak itself. A spike is either an upward crossing of Peak or,
// when the sample before was below Peak, a drop of at least Drop mV from one
// sample to the next (the reset). A spike's time is that of the sample at
// or above Peak, or of the first sample after the drop.
type SpikeDetector struct {
	Peak float64 // mV
	Drop float64 // mV per sample, > 0
}

// IsSpike reports whether sample cur, after sample prev, marks a spike.
func (d SpikeDetector) IsSpike(prev, cur float64) bool {
	if prev >= d.Peak {
		return false // the spike was counted when V reached the peak
	}
	return cur >= d.Peak || prev-cur >= d.Drop
}

// SpikeTimes returns the spike times (ms) in v, sampled every dt ms.
func (d SpikeDetector) SpikeTimes(v []float64, dt float64) []float64 {
	var t []float64
	for i := 1; i < len(v); i++ {
		if d.IsSpike(v[i-1], v[i]) {
			t = append(t, float64(i)*dt)
		}
	}
	return t
}

// ISIStats returns the mean inter-spike interval (ms) and its coefficient of
// variation (population sd over mean) for sorted spike times. Fallbacks:
// with fewer than two spikes the mean is window (the recording length) and
// the CV 0; one interval has CV 0.
func ISIStats(times []float64, window float64) (mean, cv float64) {
	var a isiAcc
	for _, t := range times {
		a.add(t)
	}
	return a.stats(window)
}

// isiAcc accumulates inter-spike intervals from a stream of spike times.
type isiAcc struct {
	n          int // spikes seen
	last       float64
	sum, sumSq float64 // of intervals
}

func (a *isiAcc) add(t float64) {
	if a.n > 0 {
		d := t - a.last
		a.sum += d
		a.sumSq += d * d
	}
	a.n++
	a.last = t
}

func (a *isiAcc) stats(window float64) (mean, cv float64) {
	if a.n < 2 {
		return window, 0
	}
	k := float64(a.n - 1)
	mean = a.sum / k
	if mean <= 0 {
		return mean, 0
	}
	return mean, math.Sqrt(max(a.sumSq/k-mean*mean, 0)) / mean
}
