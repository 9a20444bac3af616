package features

import "math"

// MeanSD returns the mean and the sample standard deviation (divisor n-1)
// of x, as gonum's stat.MeanStdDev but with the fallbacks of MomentsOf: the
// sd of fewer than two samples, or of equal samples, is 0.
func MeanSD(x []float64) (mean, sd float64) {
	m := MomentsOf(x)
	return m.Mean, m.SD
}

// Moments are the first four moments of a sample.
type Moments struct {
	Mean   float64
	SD     float64 // sample standard deviation, divisor n-1
	Skew   float64 // adjusted Fisher-Pearson skewness, as stat.Skew
	ExKurt float64 // sample excess kurtosis, as stat.ExKurtosis
}

// MomentsOf returns the moments of x with the formulas of gonum's stat
// package. Fallbacks keep them finite: a constant sample (all values equal)
// has SD, Skew and ExKurt 0, as do too-short samples (SD needs 2 values,
// Skew 3, ExKurt 4); an empty sample has all moments 0. A sample holding NaN
// or Inf gives non-finite moments.
//
// It takes one pass over power sums of x - x[0], which loses a few digits
// only when x[0] lies many sd from the mean, and falls back to two passes
// over scaled deviations when the power sums overflow.
func MomentsOf(x []float64) Moments {
	if len(x) == 0 {
		return Moments{}
	}
	k := x[0]
	var s1, s2, s3, s4 float64
	for _, v := range x {
		d := v - k
		d2 := d * d
		s1 += d
		s2 += d2
		s3 += d2 * d
		s4 += d2 * d2
	}
	if math.IsInf(s4, 0) || math.IsNaN(s4) {
		return momentsScaled(x)
	}
	n := float64(len(x))
	mu := s1 / n // mean - k
	m2 := s2 - n*mu*mu
	m3 := s3 - 3*mu*s2 + 2*n*mu*mu*mu
	m4 := s4 - 4*mu*s3 + 6*mu*mu*s2 - 3*n*mu*mu*mu*mu
	return finish(Moments{Mean: k + mu}, n, m2, m3, m4)
}

// momentsScaled is MomentsOf in two passes over deviations from the mean
// scaled by the largest magnitude, whose fourth powers cannot overflow.
func momentsScaled(x []float64) Moments {
	scale, sum := 0.0, 0.0
	for _, v := range x {
		sum += v
		scale = max(scale, math.Abs(v))
	}
	n := float64(len(x))
	m := Moments{Mean: sum / n}
	if math.IsNaN(m.Mean) || math.IsInf(m.Mean, 0) || scale == 0 {
		return m
	}
	inv, mz := 1/scale, m.Mean/scale
	var s1, s2, s3, s4 float64
	for _, v := range x {
		d := v*inv - mz
		d2 := d * d
		s1 += d
		s2 += d2
		s3 += d2 * d
		s4 += d2 * d2
	}
	// Corrected two-pass sum of squares, as stat.MeanVariance.
	m = finish(m, n, s2-s1*s1/n, s3, s4)
	m.SD *= scale
	return m
}

// finish sets SD, Skew and ExKurt of m from the central sums m2, m3, m4 of
// n values, with the fallbacks of MomentsOf.
func finish(m Moments, n, m2, m3, m4 float64) Moments {
	if n < 2 || !(m2 > 0) {
		return m
	}
	sd := math.Sqrt(m2 / (n - 1))
	sd3 := sd * sd * sd
	if !(sd3 > 0) {
		return m
	}
	m.SD = sd
	if n >= 3 {
		m.Skew = m3 / sd3 * n / ((n - 1) * (n - 2))
	}
	if n >= 4 {
		mul := (n + 1) / (n - 1) * (n / (n - 2)) / (n - 3)
		offset := 3 * (n - 1) / (n - 2) * (n - 1) / (n - 3)
		m.ExKurt = m4/(sd3*sd)*mul - offset
	}
	return m
}
