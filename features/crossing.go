package features

// Schmitt counts upward crossings of Threshold with hysteresis: after a
// crossing, v must fall below Threshold - Hysteresis before the next
// crossing counts, so noise around the threshold does not add crossings.
type Schmitt struct {
	Threshold  float64 // mV
	Hysteresis float64 // mV, >= 0
	High       bool    // state: crossed and not yet re-armed
}

// Reset sets the state from the first sample: armed (not High) when v0 is
// below the threshold.
func (s *Schmitt) Reset(v0 float64) { s.High = v0 >= s.Threshold }

// Step feeds the next sample and reports whether it completes an upward
// crossing.
func (s *Schmitt) Step(v float64) bool {
	if s.High {
		if v < s.Threshold-s.Hysteresis {
			s.High = false
		}
		return false
	}
	if v >= s.Threshold {
		s.High = true
		return true
	}
	return false
}

// Crossings returns the number of upward crossings of threshold (with
// hysteresis, see Schmitt) in v, sampled every dt ms, and the latency of
// the first one: the time from v[0] to the crossing, interpolated linearly
// between the samples either side. Fallback: with no crossing the latency
// is the window length len(v)*dt.
func Crossings(v []float64, dt, threshold, hysteresis float64) (count int, latency float64) {
	if len(v) == 0 {
		return 0, 0
	}
	s := Schmitt{Threshold: threshold, Hysteresis: hysteresis}
	s.Reset(v[0])
	return s.scan(v, 0, dt)
}

// scan runs s over v[start:] (v[start-1] is the sample before, when
// start > 0) and returns the count and the latency from the start.
func (s *Schmitt) scan(v []float64, start int, dt float64) (count int, latency float64) {
	latency = float64(len(v)-start) * dt
	for i := start; i < len(v); i++ {
		if !s.Step(v[i]) {
			continue
		}
		if count == 0 {
			latency = float64(i-start) * dt
			if i > 0 { // v[i-1] < Threshold <= v[i]
				frac := (s.Threshold - v[i-1]) / (v[i] - v[i-1])
				latency = max(latency-(1-frac)*dt, 0)
			}
		}
		count++
	}
	return count, latency
}
