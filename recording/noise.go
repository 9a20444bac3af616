package recording

import (
	"fmt"
	"math"
)

// NoiseEstimate is the observation noise of a prepared recording, as
// EstimateNoise finds it.
type NoiseEstimate struct {
	// SD is the noise's standard deviation per sample of the model's grid,
	// mV: the sigma_obs that the model should use on that grid.
	SD float64 `json:"sd_mV"`
	// Samples is the number of grid samples the estimate uses.
	Samples int `json:"samples"`
	// FromMs and ToMs bound the baseline used, ms from the window's start.
	FromMs float64 `json:"from_ms"`
	ToMs   float64 `json:"to_ms"`
	// Method says how SD was found, in words.
	Method string `json:"method"`
}

// Constants of EstimateNoise.
const (
	// MinNoiseSamples is the fewest baseline samples EstimateNoise accepts.
	MinNoiseSamples = 20
	// noiseBlock is the length, in grid samples, of the blocks in which
	// a cubic is fitted to the baseline (a shorter last block joins the one
	// before it).
	noiseBlock = 32
	// noiseDegree is the degree of the polynomial fitted to each block.
	noiseDegree = 3
	// currentChangeTol is the change of the prepared current, uA/cm2, that
	// ends the baseline.
	currentChangeTol = 0.02
)

// EstimateNoise estimates the observation noise of p on the model's grid:
// the standard deviation of what the model calls observation noise, per
// grid sample, after Prepare's low-pass filter. For a recording sampled on
// the grid it is the noise of each recorded sample; for one sampled finer,
// Prepare's filter averages the noise, and a white noise of sd s per
// recorded sample becomes about s * sqrt(recorded step / grid step) (the
// exact factor is that of FilterSinc's kernel, sqrt(sum w^2) / sum w).
// This is the value to give the model's sigma_obs for that grid.
//
// The baseline is the trace before the first change of the prepared
// current by more than 0.02 uA/cm2 (the whole trace when it never changes).
// With FilterSinc on a recording sampled finer than the grid, it leaves out
// the grid samples within the kernel's half-width (16 steps) of the
// recording's start, and of the window's end when the baseline reaches it,
// whose kernel the recording's ends (may) cut short: their noise is larger. It is cut into blocks of about
// 32 samples; a cubic is fitted to each by least squares, so a slow drift
// or the membrane's own relaxation is not taken for noise, and
// SD = sqrt(sum of squared residuals / (samples - fitted coefficients)),
// which is unbiased in the variance for white noise (its sd is corrected
// for the small bias of the square root). Noise slower than a block (1/f
// drift) is not counted. Fewer than MinNoiseSamples baseline samples are
// an error.
func EstimateNoise(p Prepared) (NoiseEstimate, error) {
	n := len(p.VoltageMV)
	if n == 0 || len(p.TimeMs) != n {
		return NoiseEstimate{}, fmt.Errorf("recording: noise: the prepared recording holds %d times and %d voltages", len(p.TimeMs), n)
	}
	end := n
	if len(p.Current) == n {
		for i, c := range p.Current {
			if math.Abs(c-p.Current[0]) > currentChangeTol {
				end = i
				break
			}
		}
	}
	begin := 0
	if h := p.RecordStepMs; p.Filter == FilterSinc && h > 0 && len(p.FineTimeMs) > 1 && medianStep(p.FineTimeMs) < h*(1-1e-6) {
		// Grid samples within the kernel's half-width of the recording's
		// start see a kernel cut short, and so may the last ones.
		for begin < end && p.StartMs+p.TimeMs[begin] < filterHalfWidth*h-1e-9*h {
			begin++
		}
		if end == n {
			end = max(begin, n-filterHalfWidth)
		}
	}
	m := end - begin
	if m < MinNoiseSamples {
		return NoiseEstimate{}, fmt.Errorf("recording: noise: the baseline before the first change of the current holds %d grid samples (%s to %s ms); need at least %d to estimate the noise", m, fmtMs(timeAt(p, begin)), fmtMs(timeAt(p, end)), MinNoiseSamples)
	}
	var rss float64
	var df int
	for b := begin; b < end; {
		e := b + noiseBlock
		if end-e < noiseBlock/2 {
			e = end
		}
		r, err := polyResidual(p.VoltageMV[b:e], noiseDegree)
		if err != nil {
			return NoiseEstimate{}, fmt.Errorf("recording: noise: %w", err)
		}
		rss += r
		df += e - b - (noiseDegree + 1)
		b = e
	}
	if !(rss >= 0) || math.IsInf(rss, 0) {
		return NoiseEstimate{}, fmt.Errorf("recording: noise: the baseline's residuals are not finite")
	}
	sd := math.Sqrt(rss/float64(df)) * (1 + 1/(4*float64(df)))
	return NoiseEstimate{
		SD: sd, Samples: m, FromMs: timeAt(p, begin), ToMs: timeAt(p, end),
		Method: fmt.Sprintf("residuals of cubic fits to blocks of about %d grid samples of the baseline before the first current change", noiseBlock),
	}, nil
}

// timeAt is the time of grid sample i, ms from the window start (i may be n).
func timeAt(p Prepared, i int) float64 {
	if i < len(p.TimeMs) {
		return p.TimeMs[i]
	}
	return float64(i) * p.RecordStepMs
}

// polyResidual fits a polynomial of the given degree to y at equally
// spaced points by least squares and returns the sum of squared residuals.
// It solves the normal equations on points scaled to [-1, 1] with
// Gram-Schmidt orthogonalization, stable for low degrees.
func polyResidual(y []float64, degree int) (float64, error) {
	n := len(y)
	if n <= degree+1 {
		return 0, fmt.Errorf("%d samples cannot fit a polynomial of degree %d", n, degree)
	}
	basis := make([][]float64, 0, degree+1)
	r := append([]float64(nil), y...)
	for d := 0; d <= degree; d++ {
		q := make([]float64, n)
		for i := range q {
			x := 2*float64(i)/float64(n-1) - 1
			q[i] = math.Pow(x, float64(d))
		}
		for _, b := range basis { // twice, for accuracy
			proj(q, b)
		}
		for _, b := range basis {
			proj(q, b)
		}
		var norm float64
		for _, v := range q {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		for i := range q {
			q[i] /= norm
		}
		basis = append(basis, q)
		proj(r, q)
	}
	var rss float64
	for _, v := range r {
		rss += v * v
	}
	return rss, nil
}

// proj removes from x its component along the unit vector (or, when b is
// not normalized, along b scaled by b.b).
func proj(x, b []float64) {
	var dot, bb float64
	for i := range x {
		dot += x[i] * b[i]
		bb += b[i] * b[i]
	}
	if bb == 0 {
		return
	}
	for i := range x {
		x[i] -= dot / bb * b[i]
	}
}
