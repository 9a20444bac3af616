package diagnose

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/stat"
)

// ESS returns the effective sample size of chains (C x N) on split chains,
// as Stan computes it (Geyer 1992; Vehtari et al. 2021). With m split chains
// of n draws, per-chain autocovariances acov_c(t) (divisor n), W the mean
// within-chain variance and var+ as in SplitRhat, the combined
// autocorrelation is
//
//	rho(t) = 1 - (W - mean_c acov_c(t)) / var+.
//
// Sums of adjacent pairs rho(2k) + rho(2k+1) are kept while positive
// (initial positive sequence) and made non-increasing (initial monotone
// sequence); then
//
//	tau = -1 + 2 sum_{t<T} rho(t) + rho(T),  ESS = m n / max(tau, 1/log10(m n)).
//
// chains is C x N with N >= 4 (ESS needs N of 20 or more to be meaningful).
func ESS(chains [][]float64) (float64, error) {
	if _, _, err := checkChains(chains); err != nil {
		return 0, err
	}
	return ess(chains), nil
}

func ess(chains [][]float64) float64 {
	s := split(chains)
	m, n := len(s), len(s[0])
	acov := make([][]float64, m)
	means := make([]float64, m)
	var meanVar float64
	for c, ch := range s {
		acov[c] = autocovariance(ch)
		means[c] = stat.Mean(ch, nil)
		meanVar += acov[c][0] * float64(n) / float64(n-1) / float64(m)
	}
	varPlus := meanVar*float64(n-1)/float64(n) + stat.Variance(means, nil)
	rhoAt := func(t int) float64 {
		var a float64
		for c := range acov {
			a += acov[c][t] / float64(m)
		}
		return 1 - (meanVar-a)/varPlus
	}
	rho := make([]float64, n+1)
	even, odd := 1.0, rhoAt(1)
	rho[0], rho[1] = even, odd
	t := 1
	for t < n-5 && even+odd > 0 {
		even, odd = rhoAt(t+1), rhoAt(t+2)
		if even+odd >= 0 {
			rho[t+1], rho[t+2] = even, odd
		}
		t += 2
	}
	maxT := t
	if even > 0 {
		rho[maxT+1] = even // reduces variance for antithetic chains
	}
	for t := 1; t <= maxT-3; t += 2 {
		if rho[t+1]+rho[t+2] > rho[t-1]+rho[t] {
			rho[t+1] = (rho[t-1] + rho[t]) / 2
			rho[t+2] = rho[t+1]
		}
	}
	tau := -1 + rho[maxT+1]
	for _, r := range rho[:maxT] {
		tau += 2 * r
	}
	total := float64(m * n)
	return total / math.Max(tau, 1/math.Log10(total))
}

// autocovariance returns acov(t) = (1/n) sum_{i<n-t} (x_i - mean)(x_{i+t} - mean)
// for t = 0..n-1, through a zero-padded FFT.
func autocovariance(x []float64) []float64 {
	n := len(x)
	size := 1
	for size < 2*n {
		size *= 2
	}
	mean := stat.Mean(x, nil)
	seq := make([]float64, size)
	for i, v := range x {
		seq[i] = v - mean
	}
	fft := fourier.NewFFT(size)
	coef := fft.Coefficients(nil, seq)
	for i, c := range coef {
		coef[i] = complex(real(c*cmplx.Conj(c)), 0)
	}
	seq = fft.Sequence(seq, coef) // unnormalized: scaled by size
	acov := seq[:n]
	for t := range acov {
		acov[t] /= float64(size * n)
	}
	return acov
}
