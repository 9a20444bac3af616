package diagnose

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TARP tolerances.
const (
	tarpExactArea = 0.03 // largest area error of exact posteriors (1000 sims: typically ~0.01)
	tarpExactMax  = 0.06 // largest max deviation of exact posteriors (KS 99 % point at M = 1000: 0.052)
	tarpBent      = 0.04 // smallest area error of a wrong posterior (4x the exact one's)
)

func TestTARPConjugate(t *testing.T) {
	t.Parallel()
	sigmas := []float64{0.5, 1, 2}
	for _, tc := range []struct {
		name    string
		sdScale float64
		shift   float64 // posterior means moved by this many posterior sds
		ok      bool    // calibrated
		sign    int     // expected sign of the bias, 0: either
	}{
		{"exact", 1, 0, true, 0},
		{"too narrow", 0.5, 0, false, -1},
		{"too wide", 2, 0, false, +1},
		{"biased", 1, 1, false, 0},
	} {
		truths, draws := conjugate(3, 1000, 100, sigmas, tc.sdScale)
		if tc.shift != 0 {
			for i := range draws {
				for _, d := range draws[i] {
					for j, sg := range sigmas {
						d[j] += tc.shift * sg / math.Sqrt(1+sg*sg)
					}
				}
			}
		}
		res, err := TARP(truths, draws, rand.New(rand.NewPCG(4, 5)), TARPConfig{ECDF: ECDFConfig{Seed: 6}})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: area %.4f, bias %+.4f, max deviation %.4f, KS p %.3g, outside %v", tc.name, res.AreaError, res.Bias, res.MaxDeviation, res.KSP, res.ECDF.Outside)
		if len(res.Alpha) != DefaultTARPLevels+1 || len(res.ECP) != len(res.Alpha) || len(res.Lower) != len(res.Alpha) {
			t.Fatalf("%s: %d levels, %d ECP, %d band", tc.name, len(res.Alpha), len(res.ECP), len(res.Lower))
		}
		if res.ECP[0] != 0 || res.ECP[len(res.ECP)-1] != 1 {
			t.Errorf("%s: ECP runs from %v to %v, want 0 to 1", tc.name, res.ECP[0], res.ECP[len(res.ECP)-1])
		}
		if tc.ok {
			if res.AreaError > tarpExactArea || res.MaxDeviation > tarpExactMax || res.ECDF.Outside || res.Warning != "" {
				t.Errorf("exact posteriors: area %.4f (max %g), max deviation %.4f (max %g), outside band %v",
					res.AreaError, tarpExactArea, res.MaxDeviation, tarpExactMax, res.ECDF.Outside)
			}
			for l, a := range res.Alpha {
				if res.Lower[l] > res.ECP[l] || res.ECP[l] > res.Upper[l] {
					t.Errorf("alpha %.2f: ECP %.3f outside its bootstrap band [%.3f, %.3f]", a, res.ECP[l], res.Lower[l], res.Upper[l])
				}
			}
			continue
		}
		if res.AreaError < tarpBent || !res.ECDF.Outside || res.Warning == "" {
			t.Errorf("%s: area %.4f, want >= %g; outside band %v", tc.name, res.AreaError, tarpBent, res.ECDF.Outside)
		}
		if float64(tc.sign)*res.Bias < 0 {
			t.Errorf("%s: bias %+.4f, want sign %d", tc.name, res.Bias, tc.sign)
		}
	}
}

// TestTARPJoint: posteriors with exact marginals but without the exact
// posterior's strong correlation pass per-parameter SBC; TARP, which looks
// at the parameters jointly, flags them.
func TestTARPJoint(t *testing.T) {
	t.Parallel()
	const m, s, sd, rho = 1000, 200, 1.0, 0.98
	rng := rand.New(rand.NewPCG(17, 8))
	truths, draws := make([][]float64, m), make([][][]float64, m)
	for i := range m {
		mu := []float64{rng.NormFloat64(), rng.NormFloat64()}
		a, b := rng.NormFloat64(), rng.NormFloat64()
		truths[i] = []float64{mu[0] + sd*a, mu[1] + sd*(rho*a+math.Sqrt(1-rho*rho)*b)}
		for range s {
			draws[i] = append(draws[i], []float64{mu[0] + sd*rng.NormFloat64(), mu[1] + sd*rng.NormFloat64()})
		}
	}
	sbc, err := SBC(truths, draws, SBCConfig{ECDF: ECDFConfig{Seed: 9}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sbc {
		if r.ECDF.Outside {
			t.Errorf("param %d: the marginals are exact, yet SBC's ECDF leaves its band", r.Param)
		}
	}
	res, err := TARP(truths, draws, rand.New(rand.NewPCG(10, 11)), TARPConfig{Bootstrap: -1, ECDF: ECDFConfig{Seed: 12}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("independent draws of a correlated posterior: area %.4f, bias %+.4f, max deviation %.4f, outside %v", res.AreaError, res.Bias, res.MaxDeviation, res.ECDF.Outside)
	if !res.ECDF.Outside {
		t.Errorf("TARP did not flag the missing correlation: area %.4f, max deviation %.4f", res.AreaError, res.MaxDeviation)
	}
	if res.Lower != nil {
		t.Errorf("Bootstrap < 0 still gave a band")
	}
}

// TestTARPKnown checks ranks, coverages and the exact area on a hand-made case.
func TestTARPKnown(t *testing.T) {
	t.Parallel()
	// One parameter, truths 0 and 10 (the box is [0, 10]), draws 1 and 2.
	truths := [][]float64{{0}, {10}}
	draws := [][][]float64{{{1}, {2}}, {{1}, {2}}}
	res, err := TARP(truths, draws, rand.New(rand.NewPCG(1, 1)), TARPConfig{References: [][]float64{{0}, {10}}, Levels: 4, Bootstrap: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Each truth sits on its reference: no draw is closer, K = 0, F = 0.5/3.
	for i, f := range res.Coverage {
		if math.Abs(f-0.5/3) > 1e-12 {
			t.Errorf("coverage[%d] = %v, want %v", i, f, 0.5/3)
		}
	}
	// Swap the references: both truths are 10 away, both draws closer: K = 2.
	res, err = TARP(truths, draws, rand.New(rand.NewPCG(1, 1)), TARPConfig{References: [][]float64{{10}, {0}}, Levels: 4, Bootstrap: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range res.Coverage {
		if math.Abs(f-2.5/3) > 1e-12 {
			t.Errorf("swapped: coverage[%d] = %v, want %v", i, f, 2.5/3)
		}
	}
	if want := []float64{0, 0, 0, 0, 1}; !equalFloats(res.ECP, want) {
		t.Errorf("ECP %v, want %v", res.ECP, want)
	}
	// ECP is 0 below 5/6 and 1 above: area = (5/6)^2/2 + (1/6)^2/2, bias = 1/6 - 1/2.
	const tol = 1e-12
	if a, b := 25.0/72+1.0/72, 1.0/6-0.5; math.Abs(res.AreaError-a) > tol || math.Abs(res.Bias-b) > tol {
		t.Errorf("area %v bias %v, want %v and %v", res.AreaError, res.Bias, a, b)
	}
}

func TestTARPErrors(t *testing.T) {
	t.Parallel()
	truths := [][]float64{{0, 1}, {1, 0}}
	draws := [][][]float64{{{0, 0}, {1, 1}}, {{0, 0}, {1, 1}}}
	rng := rand.New(rand.NewPCG(1, 2))
	for name, fn := range map[string]func() error{
		"nil rng":      func() error { _, err := TARP(truths, draws, nil, TARPConfig{}); return err },
		"ragged draws": func() error { _, err := TARP(truths, draws[:1], rng, TARPConfig{}); return err },
		"nan truth": func() error {
			_, err := TARP([][]float64{{math.NaN(), 0}, {1, 0}}, draws, rng, TARPConfig{})
			return err
		},
		"bad references": func() error { _, err := TARP(truths, draws, rng, TARPConfig{References: [][]float64{{0}}}); return err },
		"one level":      func() error { _, err := TARP(truths, draws, rng, TARPConfig{Levels: 1}); return err },
		"band level 1.5": func() error { _, err := TARP(truths, draws, rng, TARPConfig{BandLevel: 1.5}); return err },
		"inf draw": func() error {
			_, err := TARP(truths, [][][]float64{{{0, 0}, {1, 1}}, {{0, math.Inf(1)}, {1, 1}}}, rng, TARPConfig{})
			return err
		},
		"references rows": func() error {
			_, err := TARP(truths, draws, rng, TARPConfig{References: [][]float64{{0, 0}}})
			return err
		},
	} {
		if err := fn(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// equalFloats reports whether a and b hold the same values.
func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
