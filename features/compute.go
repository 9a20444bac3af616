package features

import (
	"fmt"
	"math"
)

// Compute fills out (of length l.Len()) with the features of the trace v
// (of length l.Samples()), in the order of l.Names(). It returns an error
// on a length mismatch, a non-finite sample or a trace so large that its sum
// overflows, and does not allocate.
func (l *Layout) Compute(v []float64, out []float64) error {
	if len(v) != l.n {
		return fmt.Errorf("features: trace has %d samples, layout wants %d", len(v), l.n)
	}
	if len(out) != len(l.names) {
		return fmt.Errorf("features: output has length %d, layout has %d features", len(out), len(l.names))
	}
	m := MomentsOf(v)
	if math.IsNaN(m.Mean) || math.IsInf(m.Mean, 0) || math.IsNaN(m.SD) || math.IsInf(m.SD, 0) {
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("features: trace sample %d is %v", i, x)
			}
		}
		return fmt.Errorf("features: trace moments overflow")
	}

	o, j := &l.opts, 0
	put := func(x float64) { out[j] = x; j++ }
	var restMean float64
	if l.rest {
		e := l.epochs[0]
		mean, sd := MeanSD(v[e.Start:e.End])
		restMean = mean
		put(mean)
		put(sd)
	}

	s := Schmitt{Threshold: o.Threshold, Hysteresis: o.Hysteresis}
	s.Reset(v[0])
	level := v[0] // level at the onset of the next step
	if l.rest {
		e := l.epochs[0]
		level = Steady(v[e.Start:e.End], o.SteadyFraction)
		for _, x := range v[e.Start:e.End] {
			s.Step(x)
		}
	}
	for _, e := range l.epochs[l.firstStep():] {
		seg := v[e.Start:e.End]
		steady := Steady(seg, o.SteadyFraction)
		count, latency := s.scan(v[:e.End], e.Start, l.dt)
		put(steady)
		put(TimeConstant(seg, l.dt, level, steady, o.MinChange))
		put(float64(count))
		put(latency)
		level = steady
	}
	if l.post {
		e := l.epochs[len(l.epochs)-1]
		mean, _ := MeanSD(v[e.Start:e.End])
		put(mean - restMean)
	}
	put(m.Mean)
	put(m.SD)
	put(m.Skew)
	put(m.ExKurt)

	if o.Spiking {
		l.spikes(v, out[j:])
	}
	return nil
}

// spikes fills the spike count, ISI mean and CV, and the spikes per step.
func (l *Layout) spikes(v []float64, out []float64) {
	d := SpikeDetector{Peak: l.opts.SpikePeak, Drop: l.opts.SpikeDrop}
	steps := out[3:]
	clear(steps)
	var acc isiAcc
	first := l.firstStep()
	prev := v[0]
	for k, e := range l.epochs {
		start := max(e.Start, 1)
		for i, cur := range v[start:e.End] {
			if d.IsSpike(prev, cur) {
				acc.add(float64(start+i) * l.dt)
				if k >= first {
					steps[k-first]++
				}
			}
			prev = cur
		}
	}
	out[0] = float64(acc.n)
	out[1], out[2] = acc.stats(float64(l.n) * l.dt)
}
