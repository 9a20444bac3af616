package features

import (
	"fmt"
	"math"
)

// Epoch is a stretch of samples [Start, End) over which the stimulus is
// treated as one step.
type Epoch struct {
	Start, End int     // sample indices, End exclusive
	Current    float64 // mean current over the epoch, uA/cm2
	Constant   bool    // the current varies by at most the tolerance over the epoch
}

// Len returns the number of samples in e.
func (e Epoch) Len() int { return e.End - e.Start }

// FindEpochs splits stim into epochs. A run is a maximal stretch of samples
// within tol of the run's first sample. Runs of at least minLen samples are
// epochs of their own; consecutive shorter runs (a ramp, a noisy current)
// are pooled into one epoch, and a pool still shorter than minLen (an
// intermediate sample at a switch) joins the epoch after it, or the one
// before it at the end of the trace. A stim with no runs of minLen or more is
// one epoch. FindEpochs returns an error for an empty or non-finite stim or a
// negative tol.
func FindEpochs(stim []float64, tol float64, minLen int) ([]Epoch, error) {
	if len(stim) == 0 {
		return nil, fmt.Errorf("features: empty stimulus")
	}
	if !(tol >= 0) || math.IsInf(tol, 0) {
		return nil, fmt.Errorf("features: current tolerance %v is not finite and >= 0", tol)
	}
	for i, s := range stim {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("features: stimulus sample %d is %v", i, s)
		}
	}
	minLen = max(minLen, 1)

	// Runs of near-constant current; short consecutive runs pooled.
	var pooled []Epoch
	start, pooling := 0, false // pooling: the last entry pools short runs
	for i := 1; i <= len(stim); i++ {
		if i < len(stim) && math.Abs(stim[i]-stim[start]) <= tol {
			continue
		}
		short := i-start < minLen
		if short && pooling {
			pooled[len(pooled)-1].End = i
		} else {
			pooled = append(pooled, Epoch{Start: start, End: i})
		}
		start, pooling = i, short
	}

	// Pools that stay short join their successor (or predecessor at the end).
	var epochs []Epoch
	carry := -1 // start of a short pool waiting for its successor
	for _, e := range pooled {
		if carry >= 0 {
			e.Start, carry = carry, -1
		}
		if e.Len() < minLen {
			carry = e.Start
			continue
		}
		epochs = append(epochs, e)
	}
	if carry >= 0 {
		if n := len(epochs); n > 0 {
			epochs[n-1].End = len(stim)
		} else {
			epochs = append(epochs, Epoch{Start: 0, End: len(stim)})
		}
	}

	for j := range epochs {
		e := &epochs[j]
		lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
		for _, s := range stim[e.Start:e.End] {
			lo, hi, sum = min(lo, s), max(hi, s), sum+s
		}
		e.Current = sum / float64(e.Len())
		e.Constant = hi-lo <= tol
	}
	return epochs, nil
}
