package main

// The library's block kernel as it was before commit 849f365 ("neuron: block
// kernel without bounds checks ..."), timed as row (b0) so that one run
// measures before and after: (*neuron.Simulator).block of
// `git show 849f365^:neuron/simulate.go`, noise-free path only (the noise
// and OU branches are dropped; the OU current is kept, zero, as the old
// stage added it). Same scheme and operation order as the library today;
// only the cost differs: a call to math.Exp per lane, the stage as a
// closure, and loops to nb (the block's length), so every access is
// bounds checked.

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/neuron"
)

// setup is the per-simulator data the library precomputes in NewSimulator.
type setup struct {
	i0, im, i1     []float64 // injected current just after t, at t + dt/2, just before t + dt
	stepsPerRecord int
	nSamples       int
	dt             float64
	spiking        bool
	peak, reset    float64
}

func newSetup(cfg neuron.Config) *setup {
	sim, err := neuron.NewSimulator(cfg)
	check(err)
	s := &setup{stepsPerRecord: int(math.Round(cfg.RecordStepMs / cfg.DtMs)), nSamples: sim.NumSamples(), dt: cfg.DtMs,
		spiking: cfg.Spiking.Enabled, peak: cfg.Spiking.PeakMV, reset: cfg.Spiking.ResetMV}
	steps := (s.nSamples - 1) * s.stepsPerRecord
	nudge := 1e-7 * s.dt
	cur := sim.Current()
	for j := range steps {
		t := float64(j) * s.dt
		s.i0 = append(s.i0, cur.At(t+nudge))
		s.im = append(s.im, cur.At(t+s.dt/2))
		s.i1 = append(s.i1, cur.At(t+s.dt-nudge))
	}
	return s
}

// beforeBlock integrates up to neuron.BlockSize trajectories in lockstep,
// noise free, as the library did before 849f365.
func beforeBlock(s *setup, ps []neuron.Params, out []float64) error {
	const BlockSize = neuron.BlockSize
	var (
		nb                          = len(ps)
		v, invC, gl, el, invK, vthr [BlockSize]float64
		gact, ou                    [BlockSize]float64
		k1, k2, k3, k4, tmp         [BlockSize]float64
	)
	for b, p := range ps {
		rest, err := neuron.RestingPotential(p)
		if err != nil {
			return err
		}
		v[b], invC[b], gl[b], el[b], invK[b], vthr[b], gact[b] = rest, 1/p.Cm, p.GL, p.EL, 1/p.K, p.Vthr, p.Gact
	}
	n := s.nSamples
	record := func(i int) {
		for b := range nb {
			out[b*n+i] = v[b]
		}
	}
	record(0)
	spiking := s.spiking
	peak, reset := s.peak, s.reset
	h := s.dt
	deriv := func(dst, x *[BlockSize]float64, iext float64) {
		for b := range nb {
			a := gact[b] / (1 + math.Exp((vthr[b]-x[b])*invK[b]))
			dst[b] = (a - gl[b]*(x[b]-el[b]) + iext + ou[b]) * invC[b]
		}
	}
	for j := range s.i0 {
		deriv(&k1, &v, s.i0[j])
		for b := range nb {
			tmp[b] = v[b] + 0.5*h*k1[b]
		}
		deriv(&k2, &tmp, s.im[j])
		for b := range nb {
			tmp[b] = v[b] + 0.5*h*k2[b]
		}
		deriv(&k3, &tmp, s.im[j])
		for b := range nb {
			tmp[b] = v[b] + h*k3[b]
		}
		deriv(&k4, &tmp, s.i1[j])
		for b := range nb {
			v[b] += h / 6 * (k1[b] + 2*k2[b] + 2*k3[b] + k4[b])
		}
		if spiking {
			for b := range nb {
				if v[b] >= peak {
					v[b] = reset
				}
			}
		}
		if (j+1)%s.stepsPerRecord == 0 {
			for b := range nb {
				if math.IsNaN(v[b]) || math.IsInf(v[b], 0) {
					return fmt.Errorf("neuron: non-finite voltage at t = %g ms for %v", float64(j+1)*h, ps[b])
				}
			}
			record((j + 1) / s.stepsPerRecord)
		}
	}
	return nil
}

// beforeSimulate is simulate with the kernel before 849f365: blocks of
// neuron.BlockSize over *workers goroutines.
func beforeSimulate(s *setup, ps []neuron.Params, out []float64) {
	n := s.nSamples
	parallel(len(ps), neuron.BlockSize, func(lo int) {
		hi := min(lo+neuron.BlockSize, len(ps))
		check(beforeBlock(s, ps[lo:hi], out[lo*n:hi*n]))
	})
}
