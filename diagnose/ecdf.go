package diagnose

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// ECDF band defaults.
const (
	DefaultBandAlpha  = 0.05 // 95 % simultaneous band
	DefaultBandPoints = 100  // evaluation points, at most N
	DefaultBandSims   = 2000 // uniform samples simulated to calibrate the band
)

// ECDFConfig sets up a simultaneous ECDF band. The zero value means defaults.
type ECDFConfig struct {
	Alpha  float64 // 1 - simultaneous coverage; 0: DefaultBandAlpha
	Points int     // evaluation points K; 0: min(N, DefaultBandPoints)
	Sims   int     // simulated samples; 0: DefaultBandSims
	Seed   uint64  // seed of the simulation
}

func (c ECDFConfig) withDefaults(n int) ECDFConfig {
	if c.Alpha == 0 {
		c.Alpha = DefaultBandAlpha
	}
	if c.Points == 0 {
		c.Points = min(n, DefaultBandPoints)
	}
	if c.Sims == 0 {
		c.Sims = DefaultBandSims
	}
	return c
}

// Band is a simultaneous 1-Alpha band for the ECDF of N iid Uniform(0, 1)
// values at the points Z, on the ECDF scale: with probability about 1-Alpha
// Lower[i] <= F_N(Z[i]) <= Upper[i] at every i at once.
//
// It follows the simulation method of Säilynoja, Bürkner and Vehtari (2022),
// "Graphical test for discrete uniformity and its applications in goodness-of-
// fit evaluation and multiple sample comparison", Statistics and Computing 32:
// for each simulated sample j,
//
//	gamma_j = min_i 2 min(Bin(N F_j(z_i) | N, z_i), 1 - Bin(N F_j(z_i) - 1 | N, z_i)),
//
// where Bin is the binomial CDF; Gamma is the Alpha-quantile of the gamma_j;
// the band at z_i holds the counts c/N with 2 min(Bin(c), 1 - Bin(c-1)) >=
// Gamma, the pointwise central 1-Gamma binomial interval. A sample is thus
// inside exactly when its own gamma >= Gamma, which at most a fraction Alpha
// of the simulated samples miss (conservative where gamma is discrete).
type Band struct {
	N     int       `json:"n"`
	Alpha float64   `json:"alpha"`
	Gamma float64   `json:"gamma"` // adjusted pointwise level
	Z     []float64 `json:"z"`
	Lower []float64 `json:"lower"`
	Upper []float64 `json:"upper"`
}

// NewBand calibrates a band for n values at the ascending points z in (0, 1);
// cfg.Points is ignored.
func NewBand(n int, z []float64, cfg ECDFConfig) (Band, error) {
	cfg = cfg.withDefaults(n)
	switch {
	case n < 1:
		return Band{}, fmt.Errorf("diagnose: ECDF band for %d values", n)
	case len(z) == 0:
		return Band{}, fmt.Errorf("diagnose: ECDF band with no points")
	case !(cfg.Alpha > 0 && cfg.Alpha < 1):
		return Band{}, fmt.Errorf("diagnose: ECDF band alpha %v outside (0, 1)", cfg.Alpha)
	case cfg.Sims < 1:
		return Band{}, fmt.Errorf("diagnose: ECDF band with %d simulations", cfg.Sims)
	}
	for i, v := range z {
		if !(v > 0 && v < 1) || (i > 0 && v <= z[i-1]) {
			return Band{}, fmt.Errorf("diagnose: ECDF band points must ascend strictly in (0, 1), z[%d] = %v", i, v)
		}
	}
	tails := make([][]binomTail, len(z))
	for i, zi := range z {
		tails[i] = binomialTails(n, zi)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	gammas := make([]float64, cfg.Sims)
	hist := make([]int, len(z)+1)
	for j := range gammas {
		clear(hist)
		for range n {
			hist[sort.SearchFloat64s(z, rng.Float64())]++ // first i with u <= z[i]
		}
		g, c := math.Inf(1), 0
		for i, t := range tails {
			c += hist[i]
			g = min(g, t[c].tail())
		}
		gammas[j] = g
	}
	slices.Sort(gammas)
	b := Band{N: n, Alpha: cfg.Alpha, Gamma: gammas[int(cfg.Alpha*float64(cfg.Sims))], Z: slices.Clone(z)}
	b.Lower, b.Upper = make([]float64, len(z)), make([]float64, len(z))
	cut := b.Gamma * (1 - tailRounding)
	for i, t := range tails {
		lo, hi := 0, n // the band holds the counts whose tail(c) >= Gamma: an interval
		for t[lo].tail() < cut {
			lo++
		}
		for t[hi].tail() < cut {
			hi--
		}
		b.Lower[i], b.Upper[i] = float64(lo)/float64(n), float64(hi)/float64(n)
	}
	return b, nil
}

// tailRounding is the relative rounding error tolerated when comparing tail
// probabilities, so that equal tails summed from opposite ends (P(X <= c) and
// P(X >= n-c) at p = 1/2) compare equal.
const tailRounding = 1e-9

// binomTail holds P(X <= c) and P(X >= c) for one count c.
type binomTail struct{ cdf, sf float64 }

// tail is the two-sided tail probability 2 min(P(X <= c), P(X >= c)).
func (t binomTail) tail() float64 { return 2 * min(t.cdf, t.sf) }

// binomialTails returns both tails of Binomial(n, p) at c = 0..n, each summed
// from its own end so that small tail probabilities keep their precision.
func binomialTails(n int, p float64) []binomTail {
	lgn, _ := math.Lgamma(float64(n) + 1)
	lp, lq := math.Log(p), math.Log1p(-p)
	pmf := make([]float64, n+1)
	for c := range pmf {
		lc, _ := math.Lgamma(float64(c) + 1)
		lnc, _ := math.Lgamma(float64(n-c) + 1)
		pmf[c] = math.Exp(lgn - lc - lnc + float64(c)*lp + float64(n-c)*lq)
	}
	t := make([]binomTail, n+1)
	acc := 0.0
	for c := range pmf {
		acc += pmf[c]
		t[c].cdf = acc
	}
	acc = 0
	for c := n; c >= 0; c-- {
		acc += pmf[c]
		t[c].sf = acc
	}
	return t
}

// UniformPoints returns the K-1 interior points i/K, i = 1..K-1.
func UniformPoints(k int) []float64 {
	z := make([]float64, 0, max(k-1, 0))
	for i := 1; i < k; i++ {
		z = append(z, float64(i)/float64(k))
	}
	return z
}

// RankPoints returns up to K-1 distinct interior points j/(S+1) spread evenly
// over (0, 1). At these points the ECDF of NormalizedRanks of ranks uniform
// on 0..S has exactly the distribution of a uniform sample's ECDF.
func RankPoints(s, k int) []float64 {
	var z []float64
	last := 0
	for i := 1; i < k; i++ {
		j := int(math.Round(float64(i) * float64(s+1) / float64(k)))
		if j > last && j < s+1 {
			z = append(z, float64(j)/float64(s+1))
			last = j
		}
	}
	return z
}

// NormalizedRanks maps ranks in 0..S to (r+1)/(S+1) in (0, 1].
func NormalizedRanks(ranks []int, s int) []float64 {
	u := make([]float64, len(ranks))
	for i, r := range ranks {
		u[i] = float64(r+1) / float64(s+1)
	}
	return u
}

// ECDFResult is the ECDF difference curve F_N(z) - z of a sample with the
// simultaneous band, also minus z, at the band's points.
type ECDFResult struct {
	Z       []float64 `json:"z"`
	Diff    []float64 `json:"diff"`
	Lower   []float64 `json:"lower"`
	Upper   []float64 `json:"upper"`
	Alpha   float64   `json:"alpha"`
	Outside bool      `json:"outside"` // the curve leaves the band somewhere
	Warning string    `json:"warning,omitempty"`
}

// Check evaluates the ECDF of u (len(u) == b.N values in [0, 1]),
// F_N(z) = #{u_i <= z} / N, against the band.
func (b Band) Check(u []float64) (ECDFResult, error) {
	if len(u) != b.N {
		return ECDFResult{}, fmt.Errorf("diagnose: ECDF band is for %d values, got %d", b.N, len(u))
	}
	if err := checkVector("ECDF sample", u); err != nil {
		return ECDFResult{}, err
	}
	s := slices.Clone(u)
	slices.Sort(s)
	r := ECDFResult{Z: b.Z, Alpha: b.Alpha}
	r.Diff, r.Lower, r.Upper = make([]float64, len(b.Z)), make([]float64, len(b.Z)), make([]float64, len(b.Z))
	for i, z := range b.Z {
		f := float64(sort.Search(len(s), func(k int) bool { return s[k] > z })) / float64(b.N)
		r.Diff[i], r.Lower[i], r.Upper[i] = f-z, b.Lower[i]-z, b.Upper[i]-z
		if f < b.Lower[i] || f > b.Upper[i] {
			r.Outside = true
		}
	}
	if r.Outside {
		r.Warning = fmt.Sprintf("ECDF leaves the %g %% simultaneous band", 100*(1-b.Alpha))
	}
	return r, nil
}
