package diagnose

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// TARP defaults.
const (
	DefaultTARPLevels    = 100  // credibility levels of the curve: 0, 1/L, ..., 1
	DefaultTARPBootstrap = 200  // bootstrap resamples of the simulations for the band
	DefaultTARPBandLevel = 0.95 // central level of the bootstrap band
	// tarpNormEps keeps the normalization finite when every truth of a
	// parameter is the same (the reference implementation adds 1e-10 too).
	tarpNormEps = 1e-10
)

// TARPConfig sets up TARP. The zero value means defaults.
type TARPConfig struct {
	// References holds one reference point per simulation (M x P, in the
	// coordinates of the truths), e.g. draws from the prior. nil: uniform
	// over the bounding box of the truths, as Lemos et al. do.
	References [][]float64
	Levels     int     // credibility levels; 0: DefaultTARPLevels
	Bootstrap  int     // bootstrap resamples; 0: DefaultTARPBootstrap; negative: no band
	BandLevel  float64 // bootstrap band level in (0, 1); 0: DefaultTARPBandLevel
	// ECDF is the simultaneous band the per-simulation coverages are
	// checked against (the test of SBC, applied to the joint statistic).
	ECDF ECDFConfig
}

// TARPResult is the expected coverage test of Lemos, Coogan, Hezaveh and
// Perreault-Levasseur (2023), "Sampling-Based Accuracy Testing of
// Posterior Estimators for General Inference", ICML: a joint calibration
// check of all P parameters at once, where SBC tests one at a time.
//
// Each parameter is first mapped to [0, 1] by the minimum and maximum of
// the truths over simulations, so that no unit dominates the distance.
// For simulation m with truth t, draws x_1..x_S and a reference point r
// (uniform in the unit box unless given), the truth's rank
//
//	K_m = #{s : |x_s - r| < |t - r|}   (Euclidean distance)
//
// counts the draws inside the ball around r that reaches the truth; the
// ball holding a fraction a of the posterior mass covers t exactly when
// K_m/S < a. For a correct posterior K_m is uniform on 0..S, whatever r
// is, so the coverage F_m = (K_m + 1/2)/(S + 1) is uniform on (0, 1) and
// the expected coverage probability ECP(a) = #{m : F_m < a}/M follows the
// diagonal. A curve below the diagonal means overconfident posteriors (too
// narrow or biased), above it underconfident ones (too wide).
//
// AreaError = integral over a of |ECP(a) - a| (exact for the step curve);
// Bias is the same integral signed (> 0: underconfident); MaxDeviation and
// KSP are the Kolmogorov-Smirnov distance of the K_m from the discrete
// uniform and its p-value (RankKS). ECDF checks the F_m against a
// simultaneous band like SBC's. Lower and Upper are the pointwise bootstrap
// band of ECP over resampled simulations (each keeping its reference).
type TARPResult struct {
	Alpha        []float64  `json:"alpha"`
	ECP          []float64  `json:"ecp"`
	Lower        []float64  `json:"lower,omitempty"`
	Upper        []float64  `json:"upper,omitempty"`
	BandLevel    float64    `json:"band_level,omitempty"`
	Coverage     []float64  `json:"-"` // F_m per simulation
	AreaError    float64    `json:"area_error"`
	Bias         float64    `json:"bias"`
	MaxDeviation float64    `json:"max_deviation"`
	KSP          float64    `json:"ks_p"`
	ECDF         ECDFResult `json:"ecdf"`
	Warning      string     `json:"warning,omitempty"`
}

// TARP runs the test on truths (M x P) and draws (M x S x P); rng draws
// the reference points (unless given) and the bootstrap resamples.
func TARP(truths [][]float64, draws [][][]float64, rng *rand.Rand, cfg TARPConfig) (TARPResult, error) {
	m, s, p, err := checkSet(truths, draws)
	if err != nil {
		return TARPResult{}, err
	}
	if rng == nil {
		return TARPResult{}, fmt.Errorf("diagnose: TARP needs a random number generator")
	}
	if cfg.Levels == 0 {
		cfg.Levels = DefaultTARPLevels
	}
	if cfg.Bootstrap == 0 {
		cfg.Bootstrap = DefaultTARPBootstrap
	}
	if cfg.BandLevel == 0 {
		cfg.BandLevel = DefaultTARPBandLevel
	}
	switch {
	case cfg.Levels < 2:
		return TARPResult{}, fmt.Errorf("diagnose: TARP with %d credibility levels, need at least 2", cfg.Levels)
	case !(cfg.BandLevel > 0 && cfg.BandLevel < 1):
		return TARPResult{}, fmt.Errorf("diagnose: TARP band level %v outside (0, 1)", cfg.BandLevel)
	}
	if cfg.References != nil {
		rows, cols, err := checkMatrix("TARP references", cfg.References)
		if err != nil {
			return TARPResult{}, err
		}
		if rows != m || cols != p {
			return TARPResult{}, fmt.Errorf("diagnose: TARP references are %dx%d, want %dx%d", rows, cols, m, p)
		}
	}
	lo, scale := make([]float64, p), make([]float64, p)
	for j := range p {
		c := column(truths, j)
		lo[j], scale[j] = slices.Min(c), slices.Max(c)-slices.Min(c)+tarpNormEps
	}
	norm := func(j int, v float64) float64 { return (v - lo[j]) / scale[j] }

	ranks := make([]int, m)
	ref := make([]float64, p)
	for i := range m {
		for j := range p {
			if cfg.References != nil {
				ref[j] = norm(j, cfg.References[i][j])
			} else {
				ref[j] = rng.Float64()
			}
		}
		dist := func(x []float64) float64 {
			var d float64
			for j, v := range x {
				e := norm(j, v) - ref[j]
				d += e * e
			}
			return d // squared: the order is all that counts
		}
		dt := dist(truths[i])
		for _, x := range draws[i] {
			if dist(x) < dt {
				ranks[i]++
			}
		}
	}

	res := TARPResult{Coverage: make([]float64, m), BandLevel: cfg.BandLevel}
	for i, k := range ranks {
		res.Coverage[i] = (float64(k) + 0.5) / float64(s+1)
	}
	res.Alpha = make([]float64, cfg.Levels+1)
	for l := range res.Alpha {
		res.Alpha[l] = float64(l) / float64(cfg.Levels)
	}
	res.ECP = ecpCurve(res.Coverage, res.Alpha)
	res.AreaError, res.Bias = ecpArea(res.Coverage)
	res.MaxDeviation, res.KSP = RankKS(ranks, s)
	ecdf := cfg.ECDF.withDefaults(m)
	band, err := NewBand(m, RankPoints(s, min(ecdf.Points, s+1)), ecdf)
	if err != nil {
		return TARPResult{}, err
	}
	// At the points j/(S+1), #{(K+1)/(S+1) <= z} = #{F < z}: the band
	// checks exactly the ECP curve.
	if res.ECDF, err = band.Check(NormalizedRanks(ranks, s)); err != nil {
		return TARPResult{}, err
	}
	if res.ECDF.Outside {
		res.Warning = fmt.Sprintf("TARP expected coverage leaves the %g %% simultaneous band (area error %.3f, max deviation %.3f)",
			100*(1-res.ECDF.Alpha), res.AreaError, res.MaxDeviation)
	}
	if cfg.Bootstrap > 0 {
		res.Lower, res.Upper = ecpBootstrap(res.Coverage, res.Alpha, cfg.Bootstrap, cfg.BandLevel, rng)
	}
	return res, nil
}

// ecpCurve returns #{f < a}/M at each level a.
func ecpCurve(f, alpha []float64) []float64 {
	sorted := slices.Clone(f)
	slices.Sort(sorted)
	out := make([]float64, len(alpha))
	k := 0
	for l, a := range alpha {
		for k < len(sorted) && sorted[k] < a {
			k++
		}
		out[l] = float64(k) / float64(len(sorted))
	}
	return out
}

// ecpArea integrates |ECP(a) - a| and ECP(a) - a over [0, 1] exactly:
// ECP is the constant i/M between the i-th and (i+1)-th smallest f.
func ecpArea(f []float64) (area, bias float64) {
	sorted := slices.Clone(f)
	slices.Sort(sorted)
	n := float64(len(sorted))
	a := 0.0
	for i := 0; i <= len(sorted); i++ {
		b := 1.0
		if i < len(sorted) {
			b = sorted[i]
		}
		c := float64(i) / n
		// integral of |c - x| and of c - x over [a, b]
		switch {
		case c <= a:
			area += ((b-c)*(b-c) - (a-c)*(a-c)) / 2
		case c >= b:
			area += ((c-a)*(c-a) - (c-b)*(c-b)) / 2
		default:
			area += ((c-a)*(c-a) + (b-c)*(b-c)) / 2
		}
		bias += c*(b-a) - (b*b-a*a)/2
		a = b
	}
	return area, bias
}

// ecpBootstrap resamples the simulations with replacement b times and
// returns the pointwise central band of the ECP curves at the given level.
func ecpBootstrap(f, alpha []float64, b int, level float64, rng *rand.Rand) (lower, upper []float64) {
	curves := make([][]float64, len(alpha))
	for l := range curves {
		curves[l] = make([]float64, b)
	}
	re := make([]float64, len(f))
	for r := range b {
		for i := range re {
			re[i] = f[rng.IntN(len(f))]
		}
		for l, v := range ecpCurve(re, alpha) {
			curves[l][r] = v
		}
	}
	lower, upper = make([]float64, len(alpha)), make([]float64, len(alpha))
	for l, c := range curves {
		slices.Sort(c)
		lower[l], upper[l] = QuantileSorted(c, (1-level)/2), QuantileSorted(c, (1+level)/2)
	}
	return lower, upper
}
