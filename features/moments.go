package features

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// MeanSD returns the mean and the sample standard deviation (divisor n-1)
// of x, as gonum's stat.MeanStdDev. The sd of fewer than two samples is 0;
// the mean of no samples is 0.
func MeanSD(x []float64) (mean, sd float64) {
	switch len(x) {
	case 0:
		return 0, 0
	case 1:
		return x[0], 0
	}
	return stat.MeanStdDev(x, nil)
}

// Moments are the first four moments of a sample.
type Moments struct {
	Mean   float64
	SD     float64 // sample standard deviation, divisor n-1
	Skew   float64 // adjusted Fisher-Pearson skewness, as stat.Skew
	ExKurt float64 // sample excess kurtosis, as stat.ExKurtosis
}

// MomentsOf returns the moments of x with the formulas of gonum's stat
// package, in two passes. Fallbacks keep them finite: a constant sample
// (all values equal) has SD, Skew and ExKurt 0, as do too-short samples (SD
// needs 2 values, Skew 3, ExKurt 4); an empty sample has all moments 0. A
// sample holding NaN or Inf gives non-finite moments.
func MomentsOf(x []float64) Moments {
	if len(x) == 0 {
		return Moments{}
	}
	lo, hi, sum := x[0], x[0], 0.0
	for _, v := range x {
		sum += v
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo == hi {
		return Moments{Mean: x[0]}
	}
	n := float64(len(x))
	m := Moments{Mean: sum / n}
	if math.IsNaN(m.Mean) || math.IsInf(m.Mean, 0) {
		return m
	}
	var s1, s2, s3, s4 float64
	for _, v := range x {
		d := v - m.Mean
		d2 := d * d
		s1 += d
		s2 += d2
		s3 += d2 * d
		s4 += d2 * d2
	}
	// Corrected two-pass variance, as stat.MeanVariance.
	variance := (s2 - s1*s1/n) / (n - 1)
	m.SD = math.Sqrt(max(variance, 0))
	sd3 := m.SD * m.SD * m.SD
	if !(sd3 > 0) {
		return Moments{Mean: m.Mean}
	}
	if len(x) >= 3 {
		m.Skew = s3 / sd3 * n / ((n - 1) * (n - 2))
	}
	if len(x) >= 4 {
		mul := (n + 1) / (n - 1) * (n / (n - 2)) / (n - 3)
		offset := 3 * (n - 1) / (n - 2) * (n - 1) / (n - 3)
		m.ExKurt = s4/(sd3*m.SD)*mul - offset
	}
	return m
}
