package diagnose

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// SBC defaults.
const (
	DefaultSBCAlpha = 0.01 // strict, since P parameters are tested at once
	maxSBCBins      = 20
	minPerSBCBin    = 10 // expected ranks per bin for the chi-square approximation
)

// SBCConfig sets up simulation-based calibration. The zero value means defaults.
type SBCConfig struct {
	Bins  int        // rank histogram bins; 0: min(20, M/10, S+1), at least 2
	Alpha float64    // level of the chi-square and KS tests; 0: DefaultSBCAlpha
	ECDF  ECDFConfig // simultaneous band; Points is capped by S
}

// SBCResult is the calibration of one parameter over M simulations
// (Talts et al. 2018, "Validating Bayesian inference algorithms with
// simulation-based calibration"): the rank of the truth among S posterior
// draws is uniform on 0..S when the posterior is right.
type SBCResult struct {
	Param     int        `json:"param"`
	NDraws    int        `json:"n_draws"` // S
	Ranks     []int      `json:"ranks"`
	Counts    []int      `json:"counts"`   // rank histogram
	Expected  []float64  `json:"expected"` // uniform expectation per bin
	ChiSquare float64    `json:"chi_square"`
	DF        int        `json:"df"`
	ChiSqP    float64    `json:"chi_square_p"`
	KS        float64    `json:"ks"` // max |ECDF - uniform CDF| over ranks
	KSP       float64    `json:"ks_p"`
	ECDF      ECDFResult `json:"ecdf"`
	Warning   string     `json:"warning,omitempty"`
}

// SBC tests the ranks of truths (M x P) among their draws (M x S x P)
// against the discrete uniform on 0..S, per parameter.
func SBC(truths [][]float64, draws [][][]float64, cfg SBCConfig) ([]SBCResult, error) {
	m, s, _, err := checkSet(truths, draws)
	if err != nil {
		return nil, err
	}
	if cfg.Alpha == 0 {
		cfg.Alpha = DefaultSBCAlpha
	}
	bins := cfg.Bins
	if bins == 0 {
		bins = max(2, min(maxSBCBins, m/minPerSBCBin, s+1))
	}
	if bins < 2 || bins > s+1 {
		return nil, fmt.Errorf("diagnose: %d SBC bins for ranks 0..%d", bins, s)
	}
	ecdf := cfg.ECDF.withDefaults(m)
	band, err := NewBand(m, RankPoints(s, min(ecdf.Points, s+1)), ecdf)
	if err != nil {
		return nil, err
	}
	ranks := sbcRanks(truths, draws)
	out := make([]SBCResult, len(ranks))
	for j, r := range ranks {
		res := SBCResult{Param: j, NDraws: s, Ranks: r}
		res.Counts, res.Expected, res.ChiSquare, res.DF, res.ChiSqP = RankChiSquare(r, s, bins)
		res.KS, res.KSP = RankKS(r, s)
		if res.ECDF, err = band.Check(NormalizedRanks(r, s)); err != nil {
			return nil, err
		}
		switch {
		case res.ChiSqP < cfg.Alpha || res.KSP < cfg.Alpha:
			res.Warning = fmt.Sprintf("ranks not uniform: chi-square p = %.3g, KS p = %.3g (alpha %g)", res.ChiSqP, res.KSP, cfg.Alpha)
		case res.ECDF.Outside:
			res.Warning = res.ECDF.Warning
		}
		out[j] = res
	}
	return out, nil
}

// sbcRanks returns ranks[p][m] = #{s : draws[m][s][p] < truths[m][p]}, in
// 0..S, for truths (M x P) and draws (M x S x P). Ties count as not below;
// they have probability zero for continuous posteriors.
func sbcRanks(truths [][]float64, draws [][][]float64) [][]int {
	ranks := make([][]int, len(truths[0]))
	for p := range ranks {
		ranks[p] = make([]int, len(truths))
		for m, t := range truths {
			for _, d := range draws[m] {
				if d[p] < t[p] {
					ranks[p][m]++
				}
			}
		}
	}
	return ranks
}

// RankChiSquare bins ranks in 0..S into B bins of nearly equal width (bin b
// holds the ranks r with floor(r B / (S+1)) = b), and tests the
// counts O_b against E_b = M width_b / (S+1):
//
//	X^2 = sum_b (O_b - E_b)^2 / E_b,  p = P(chi^2_{B-1} > X^2).
func RankChiSquare(ranks []int, s, bins int) (counts []int, expected []float64, chi2 float64, df int, p float64) {
	counts, expected = make([]int, bins), make([]float64, bins)
	for _, r := range ranks {
		counts[r*bins/(s+1)]++
	}
	for b := range bins {
		width := ceilDiv((b+1)*(s+1), bins) - ceilDiv(b*(s+1), bins) // ranks in bin b
		expected[b] = float64(len(ranks)) * float64(width) / float64(s+1)
		d := float64(counts[b]) - expected[b]
		chi2 += d * d / expected[b]
	}
	df = bins - 1
	return counts, expected, chi2, df, distuv.ChiSquared{K: float64(df)}.Survival(chi2)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// RankKS returns the Kolmogorov-Smirnov distance between the ECDF of ranks
// and the discrete uniform CDF on 0..S,
//
//	D = max_k |#{r_i <= k}/M - (k+1)/(S+1)|,  k = 0..S,
//
// and its p-value from the Kolmogorov distribution with Stephens' (1970)
// correction, Q((sqrt(M) + 0.12 + 0.11/sqrt(M)) D). For discrete ranks this
// p-value is conservative (too large), the more so the smaller S.
func RankKS(ranks []int, s int) (d, p float64) {
	counts := make([]int, s+1)
	for _, r := range ranks {
		counts[r]++
	}
	n, cum := float64(len(ranks)), 0
	for k, c := range counts {
		cum += c
		d = math.Max(d, math.Abs(float64(cum)/n-float64(k+1)/float64(s+1)))
	}
	sn := math.Sqrt(n)
	return d, kolmogorovSurvival((sn + 0.12 + 0.11/sn) * d)
}

// kolmogorovSurvival returns P(K > x) for the Kolmogorov distribution,
//
//	P(K > x) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 x^2),
//
// switching for small x to the series P(K <= x) =
// sqrt(2 pi)/x sum_{k>=1} exp(-(2k-1)^2 pi^2 / (8 x^2)), which converges fast there.
func kolmogorovSurvival(x float64) float64 {
	switch {
	case x <= 0:
		return 1
	case x < 1.18:
		cdf := 0.0
		for k := 1; k <= 10; k++ {
			a := float64(2*k - 1)
			cdf += math.Exp(-a * a * math.Pi * math.Pi / (8 * x * x))
		}
		return 1 - math.Sqrt(2*math.Pi)/x*cdf
	default:
		sf, sign := 0.0, 1.0
		for k := 1; k <= 100; k++ {
			sf += sign * math.Exp(-2*float64(k*k)*x*x)
			sign = -sign
		}
		return math.Max(0, math.Min(1, 2*sf))
	}
}
