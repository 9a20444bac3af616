package fit

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
)

// e24 is the E24 series: 24 values per decade, about 10 % apart.
var e24 = []float64{1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.8, 2.0, 2.2, 2.4, 2.7, 3.0, 3.3, 3.6, 3.9, 4.3, 4.7, 5.1, 5.6, 6.2, 6.8, 7.5, 8.2, 9.1}

// QuantizeNoise returns the value of the E24 series (24 values per
// decade, about 10 % apart: 0.091, 0.1, 0.11, 0.12, ...) nearest to sd in
// log scale, so that the noise estimates of sweeps of one cell, which
// scatter by a few per cent, mostly give the same model (one cache entry),
// while the model's noise is never more than about 5 % from the estimate.
// It returns sd unchanged when sd is not positive and finite.
func QuantizeNoise(sd float64) float64 {
	if !(sd > 0) || math.IsInf(sd, 0) {
		return sd
	}
	dec := math.Floor(math.Log10(sd))
	scale := math.Pow(10, dec)
	m := sd / scale // in [1, 10)
	best, bestD := e24[0], math.Inf(1)
	for _, v := range append(e24, 10) {
		if d := math.Abs(math.Log(m / v)); d < bestD {
			best, bestD = v, d
		}
	}
	// Round away the binary noise of best*scale (0.1*1.1 = 0.11000000000000001).
	return roundSig(best*scale, 2)
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	p := math.Pow(10, float64(n)-1-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// Settings of estimateNoise.
const (
	// maxFineSamples bounds the recording-rate grid on which the noise is
	// estimated (10 s at 200 kHz is 2 million samples).
	maxFineSamples = 1 << 22
	// gainSamples is how many filtered white-noise samples measure the
	// filter's gain (its relative standard error is 1/sqrt(2 gainSamples),
	// 1.1 %).
	gainSamples = 4000
)

// estimateNoise estimates the observation noise per sample of the model's
// grid cfg. The baseline is read at the recording's own rate (the nearest
// nice step, recording.ProtocolConfig without a sample limit), where it
// holds many more samples than on the model's grid (300 instead of 44 for
// 30 ms at 10 kHz and a 0.5 ms grid: a standard error of 4 % instead of
// 11 %), and the estimate is scaled by the gain of the filter that brings
// the recording to the model's grid, measured by passing seeded white
// noise on the recording's own time points through recording.Prepare.
// When the recording is already on the model's grid the estimate is
// recording.EstimateNoise of the prepared trace.
func estimateNoise(raw recording.Recording, cfg neuron.Config, opt Options, p recording.Prepared) (recording.NoiseEstimate, error) {
	po := opt.Protocol
	po.MaxSamples = maxFineSamples
	fine, err := recording.ProtocolConfig(cfg, raw, po)
	if err != nil || !(fine.RecordStepMs < cfg.RecordStepMs*(1-1e-9)) {
		return recording.EstimateNoise(p)
	}
	grid := recording.GridOf(fine, opt.Protocol.StartMs)
	grid.Filter = opt.Filter
	pf, err := recording.Prepare(raw, grid)
	if err != nil {
		return recording.EstimateNoise(p)
	}
	est, err := recording.EstimateNoise(pf)
	if err != nil {
		return recording.EstimateNoise(p)
	}
	gain, err := filterGain(raw, fine, cfg, opt)
	if err != nil {
		return recording.EstimateNoise(p)
	}
	est.Method = fmt.Sprintf("%s, at the recording's rate (every %s ms), times %.3f, the gain of the filter to the model's grid for white noise", est.Method, fmtG(fine.RecordStepMs), gain)
	est.SD *= gain
	return est, nil
}

// filterGain is the ratio of the sd of white noise on the model's grid cfg
// to its sd on the fine grid, both prepared from the recording's time
// points with opt's filter; samples within a quarter of the window of
// either end (where the filter's kernel is cut short) are left out.
func filterGain(raw recording.Recording, fine, cfg neuron.Config, opt Options) (float64, error) {
	rng := rand.New(rand.NewPCG(0x6761696e, 1))
	noise := raw
	noise.VoltageMV = make([]float64, len(raw.VoltageMV))
	noise.Warnings = nil
	var sum [2]float64
	var count [2]int
	for rep := 0; count[0] < gainSamples && rep < 1000; rep++ {
		for i := range noise.VoltageMV {
			noise.VoltageMV[i] = rng.NormFloat64()
		}
		for k, c := range []neuron.Config{cfg, fine} {
			grid := recording.GridOf(c, opt.Protocol.StartMs)
			grid.Filter = opt.Filter
			q, err := recording.Prepare(noise, grid)
			if err != nil {
				return 0, err
			}
			n := len(q.VoltageMV)
			for _, v := range q.VoltageMV[n/4 : n-n/4] {
				sum[k] += v * v
				count[k]++
			}
		}
	}
	if count[0] == 0 || count[1] == 0 || sum[1] == 0 {
		return 0, fmt.Errorf("fit: no samples to measure the filter's gain")
	}
	return math.Sqrt((sum[0] / float64(count[0])) / (sum[1] / float64(count[1]))), nil
}
