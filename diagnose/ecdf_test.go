package diagnose

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestBandCoverage checks by simulation that uniform samples stay inside the
// 95 % simultaneous band at about the stated rate.
func TestBandCoverage(t *testing.T) {
	t.Parallel()
	const (
		n, k, replicates = 100, 50, 200
		minInside        = 0.91
		maxInside        = 0.99
	)
	band, err := NewBand(n, UniformPoints(k), ECDFConfig{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if !(band.Gamma > 0 && band.Gamma < band.Alpha) {
		t.Errorf("adjusted level %v not in (0, alpha)", band.Gamma)
	}
	rng := rand.New(rand.NewPCG(8, 0))
	inside := 0
	u := make([]float64, n)
	for range replicates {
		for i := range u {
			u[i] = rng.Float64()
		}
		r, err := band.Check(u)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Outside {
			inside++
		}
	}
	frac := float64(inside) / replicates
	t.Logf("gamma %.4g, inside %.3f", band.Gamma, frac)
	if frac < minInside || frac > maxInside {
		t.Errorf("fraction inside the band %v, want [%v, %v]", frac, minInside, maxInside)
	}
}

// TestBandOnePoint checks that with one point the band is the pointwise
// binomial interval at level alpha (up to discreteness).
func TestBandOnePoint(t *testing.T) {
	t.Parallel()
	const n = 100
	band, err := NewBand(n, []float64{0.5}, ECDFConfig{Seed: 1, Sims: 4000})
	if err != nil {
		t.Fatal(err)
	}
	bin := distuv.Binomial{N: n, P: 0.5}
	// The 95 % central binomial interval for N = 100 is [40, 60].
	if band.Lower[0] != 0.40 || band.Upper[0] != 0.60 {
		t.Errorf("band [%v, %v], want [0.40, 0.60]", band.Lower[0], band.Upper[0])
	}
	if cover := bin.CDF(60) - bin.CDF(39); cover < 0.95 {
		t.Errorf("band covers %v < 0.95", cover)
	}
}

// TestRankPointsExact checks that NormalizedRanks of a complete set of ranks
// 0..S has ECDF exactly z at every RankPoints point.
func TestRankPointsExact(t *testing.T) {
	t.Parallel()
	const s = 100 // S+1 = 101 is prime: no even grid fits
	ranks := make([]int, s+1)
	for r := range ranks {
		ranks[r] = r
	}
	z := RankPoints(s, 20)
	if len(z) != 19 {
		t.Fatalf("%d points, want 19", len(z))
	}
	band, err := NewBand(len(ranks), z, ECDFConfig{Seed: 1, Sims: 100})
	if err != nil {
		t.Fatal(err)
	}
	r, err := band.Check(NormalizedRanks(ranks, s))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range r.Diff {
		if math.Abs(d) > 1e-12 {
			t.Errorf("F(%v) - z = %v, want 0", z[i], d)
		}
	}
}

func TestBandErrors(t *testing.T) {
	t.Parallel()
	for _, z := range [][]float64{nil, {0.5, 0.5}, {0, 0.5}, {0.5, 1}} {
		if _, err := NewBand(10, z, ECDFConfig{}); err == nil {
			t.Errorf("no error for points %v", z)
		}
	}
	band, _ := NewBand(10, UniformPoints(5), ECDFConfig{})
	if _, err := band.Check(make([]float64, 9)); err == nil {
		t.Error("no error for a sample of the wrong size")
	}
}
