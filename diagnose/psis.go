package diagnose

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// PSIS constants, as Vehtari, Simpson, Gelman, Yao and Gabry (2024) and the
// loo package set them.
const (
	// MaxKHat is the largest k-hat for which importance sampling is
	// trusted at any sample size; smaller samples lower the threshold
	// (PSISThreshold).
	MaxKHat = 0.7
	// psisMinTail is the shortest tail a generalized Pareto is fitted to;
	// below it the weights are left raw and k-hat is +Inf.
	psisMinTail = 5
	// gpdGrid is the minimum number of grid points of Zhang and Stephens'
	// estimator (M = gpdGrid + floor(sqrt(n))).
	gpdGrid = 30
	// gpdPriorScale sets the grid of theta through the first quartile
	// (Zhang and Stephens' default, 3).
	gpdPriorScale = 3
	// gpdPriorK and gpdPriorKMean are the weakly informative prior that
	// shrinks k-hat towards 0.5 as if from gpdPriorK extra observations.
	gpdPriorK     = 10
	gpdPriorKMean = 0.5
)

// PSISResult is the outcome of Pareto-smoothed importance sampling.
type PSISResult struct {
	KHat       float64   `json:"k_hat"`           // estimated generalized Pareto shape of the weights' right tail
	Threshold  float64   `json:"k_hat_threshold"` // min(1 - 1/log10(S), 0.7): above it the estimates are unreliable
	ESS        float64   `json:"ess"`             // effective sample size 1 / sum w_i^2 of the smoothed weights
	TailLength int       `json:"tail_length"`     // M, the number of smoothed weights
	Sigma      float64   `json:"sigma"`           // fitted generalized Pareto scale (of weights divided by the largest)
	LogWeights []float64 `json:"-"`               // smoothed log weights, normalized so that sum exp = 1
	Weights    []float64 `json:"-"`               // smoothed weights, summing to 1
	Warning    string    `json:"warning,omitempty"`
}

// Reliable reports whether k-hat is at most the sample-size-dependent
// threshold.
func (r PSISResult) Reliable() bool { return r.KHat <= r.Threshold }

// PSISThreshold returns the k-hat threshold for S draws,
// min(1 - 1/log10(S), 0.7) (Vehtari et al. 2024, section 3): above it the
// Pareto-smoothed estimate's error does not shrink usefully with S.
func PSISThreshold(s int) float64 { return math.Min(1-1/math.Log10(float64(s)), MaxKHat) }

// PSIS smooths importance log ratios logw = log p(theta_s) - log q(theta_s)
// (p may be unnormalized) by Pareto-smoothed importance sampling (Vehtari,
// Simpson, Gelman, Yao and Gabry 2024, JMLR 25(72)):
//
//  1. the M = ceil(min(0.2 S, 3 sqrt(S))) largest weights form the tail;
//  2. a generalized Pareto distribution is fitted to their excess over the
//     largest weight outside the tail, by the empirical Bayes estimate of
//     Zhang and Stephens (2009) with k shrunk towards 0.5 by a weakly
//     informative prior worth 10 observations (as in the loo package);
//  3. the tail weights are replaced, in the same order, by the fitted
//     distribution's quantiles at (z - 1/2)/M, z = 1..M, plus the cutoff;
//  4. every weight is truncated at the largest raw weight and the weights
//     are normalized.
//
// The result reports k-hat (the fitted shape), the threshold, and the
// effective sample size 1 / sum w^2. -Inf entries (zero target density)
// are allowed and get weight zero; NaN, +Inf, fewer than 2 draws or no
// finite entry are errors. A tail shorter than 5 (S < 25, or too few
// non-zero weights) is not smoothed and k-hat is +Inf.
func PSIS(logw []float64) (PSISResult, error) {
	S := len(logw)
	if S < 2 {
		return PSISResult{}, fmt.Errorf("diagnose: PSIS needs at least 2 log weights, got %d", S)
	}
	maxLW := math.Inf(-1)
	for i, v := range logw {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return PSISResult{}, fmt.Errorf("diagnose: PSIS log weight %d is %v", i, v)
		}
		maxLW = math.Max(maxLW, v)
	}
	if math.IsInf(maxLW, -1) {
		return PSISResult{}, errors.New("diagnose: PSIS: every log weight is -Inf (the target density is zero at every draw)")
	}
	r := PSISResult{KHat: math.Inf(1), Threshold: PSISThreshold(S)}
	lw := make([]float64, S)
	for i, v := range logw {
		lw[i] = v - maxLW // the largest raw weight is now exp(0) = 1
	}
	M := int(math.Ceil(math.Min(0.2*float64(S), 3*math.Sqrt(float64(S)))))
	M = min(M, S-1)
	order := make([]int, S)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lw[order[a]] < lw[order[b]] })
	// The cutoff is the largest weight outside the tail; weights equal
	// to it (ties, or zeros) stay out of the tail.
	cutoff := lw[order[S-M-1]]
	tail := order[S-M:]
	for len(tail) > 0 && !(lw[tail[0]] > cutoff) {
		tail = tail[1:]
	}
	r.TailLength = len(tail)
	if len(tail) >= psisMinTail {
		expCut := math.Exp(cutoff) // 0 when cutoff is -Inf
		x := make([]float64, len(tail))
		for z, i := range tail {
			x[z] = math.Exp(lw[i]) - expCut
		}
		k, sigma := gpdFit(x)
		r.KHat, r.Sigma = k, sigma
		if !math.IsInf(k, 0) && !math.IsNaN(k) && sigma > 0 {
			n := float64(len(tail))
			for z, i := range tail {
				lw[i] = math.Log(gpdQuantile((float64(z)+0.5)/n, k, sigma) + expCut)
			}
		}
	}
	for i, v := range lw {
		lw[i] = math.Min(v, 0) // truncation at the largest raw weight
	}
	lse := logSumExp(lw)
	r.LogWeights, r.Weights = lw, make([]float64, S)
	var sq float64
	for i, v := range lw {
		lw[i] = v - lse
		r.Weights[i] = math.Exp(lw[i])
		sq += r.Weights[i] * r.Weights[i]
	}
	r.ESS = 1 / sq
	if math.IsNaN(r.KHat) {
		r.KHat = math.Inf(1)
	}
	if !r.Reliable() {
		r.Warning = fmt.Sprintf("Pareto k-hat %.2f > %.2f: the importance weights' tail is too heavy for reliable estimates", r.KHat, r.Threshold)
	}
	return r, nil
}

// gpdFit fits a generalized Pareto distribution (location 0) to x, sorted
// ascending and positive, by Zhang and Stephens' (2009) empirical Bayes
// estimate: a posterior mean of theta = -k/sigma over a grid, with the
// profile likelihood of each grid point as its weight. It returns the shape
// k (positive for heavy tails, the sign convention of loo and of Vehtari et
// al.) shrunk by the weakly informative prior, and the scale sigma.
func gpdFit(x []float64) (k, sigma float64) {
	n := len(x)
	m := gpdGrid + int(math.Sqrt(float64(n)))
	xstar := x[int(float64(n)/4+0.5)-1] // first quartile
	theta := make([]float64, m)
	logL := make([]float64, m)
	for j := range theta {
		theta[j] = 1/x[n-1] + (1-math.Sqrt(float64(m)/(float64(j+1)-0.5)))/gpdPriorScale/xstar
		kj := meanLog1p(-theta[j], x)
		logL[j] = float64(n) * (math.Log(-theta[j]/kj) - kj - 1)
	}
	lse := logSumExp(logL)
	var thetaHat float64
	for j, t := range theta {
		thetaHat += t * math.Exp(logL[j]-lse)
	}
	k = meanLog1p(-thetaHat, x)
	sigma = -k / thetaHat
	k = (float64(n)*k + gpdPriorK*gpdPriorKMean) / float64(n+gpdPriorK)
	return k, sigma
}

// meanLog1p returns mean_i log(1 + a x_i).
func meanLog1p(a float64, x []float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Log1p(a * v)
	}
	return s / float64(len(x))
}

// gpdQuantile returns the p-quantile of the generalized Pareto distribution
// with shape k, scale sigma and location 0.
func gpdQuantile(p, k, sigma float64) float64 {
	if math.Abs(k) < 1e-300 {
		return -sigma * math.Log1p(-p)
	}
	return sigma * math.Expm1(-k*math.Log1p(-p)) / k
}

// logSumExp returns log sum_i exp(v_i), -Inf for no finite entry.
func logSumExp(v []float64) float64 {
	m := slices.Max(v)
	if math.IsInf(m, -1) {
		return m
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}
