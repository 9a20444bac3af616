package diagnose

import (
	"math"
	"testing"
)

const sbcAlpha = 0.01 // the brief's threshold for passing or failing SBC

func TestSBCConjugate(t *testing.T) {
	t.Parallel()
	sigmas := []float64{0.5, 2}
	for _, tc := range []struct {
		name    string
		sdScale float64
		pass    bool
	}{
		{"exact", 1, true},
		{"overconfident", 0.5, false},
	} {
		truths, draws := conjugate(1, 1000, 100, sigmas, tc.sdScale)
		res, err := SBC(truths, draws, SBCConfig{ECDF: ECDFConfig{Seed: 2}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			t.Logf("%s param %d: chi-square p = %.3g, KS p = %.3g, ECDF outside %v", tc.name, r.Param, r.ChiSqP, r.KSP, r.ECDF.Outside)
			passed := r.ChiSqP > sbcAlpha && r.KSP > sbcAlpha
			if passed != tc.pass {
				t.Errorf("%s param %d: chi-square p = %.3g, KS p = %.3g, want pass %v", tc.name, r.Param, r.ChiSqP, r.KSP, tc.pass)
			}
			if !tc.pass && (!r.ECDF.Outside || r.Warning == "") {
				t.Errorf("%s param %d: ECDF inside the band or no warning", tc.name, r.Param)
			}
			if len(r.Ranks) != 1000 || r.NDraws != 100 || len(r.Counts) != 20 {
				t.Errorf("%s: shapes %d ranks, S %d, %d bins", tc.name, len(r.Ranks), r.NDraws, len(r.Counts))
			}
		}
	}
}

func TestRankChiSquareUnevenBins(t *testing.T) {
	t.Parallel()
	// S = 9: 10 rank values in 3 bins of widths 4, 3, 3 (r*3/10 = 0,0,0,0,1,1,1,2,2,2).
	ranks := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	counts, expected, chi2, df, p := RankChiSquare(ranks, 9, 3)
	wantCounts, wantExp := []int{4, 3, 3}, []float64{4, 3, 3}
	for b := range counts {
		if counts[b] != wantCounts[b] || expected[b] != wantExp[b] {
			t.Fatalf("counts %v expected %v, want %v %v", counts, expected, wantCounts, wantExp)
		}
	}
	if chi2 != 0 || df != 2 || p != 1 {
		t.Errorf("chi2 %v df %d p %v, want 0 2 1", chi2, df, p)
	}
}

func TestKolmogorovSurvival(t *testing.T) {
	t.Parallel()
	const tol = 1e-3
	// Tabulated critical values of the Kolmogorov distribution.
	for _, c := range []struct{ x, p float64 }{{1.2238, 0.10}, {1.3581, 0.05}, {1.6276, 0.01}, {0.8276, 0.50}} {
		if got := kolmogorovSurvival(c.x); math.Abs(got-c.p) > tol {
			t.Errorf("Q(%v) = %v, want %v", c.x, got, c.p)
		}
	}
	// The two series agree where they switch.
	lo, hi := kolmogorovSurvival(1.18-1e-9), kolmogorovSurvival(1.18+1e-9)
	if math.Abs(lo-hi) > 1e-8 {
		t.Errorf("series disagree at 1.18: %v vs %v", lo, hi)
	}
}

func TestSBCErrors(t *testing.T) {
	t.Parallel()
	truths, draws := conjugate(1, 10, 5, []float64{1}, 1)
	if _, err := SBC(truths, draws[:9], SBCConfig{}); err == nil {
		t.Error("no error for missing draws")
	}
	draws[3][2][0] = math.NaN()
	if _, err := SBC(truths, draws, SBCConfig{}); err == nil {
		t.Error("no error for NaN draw")
	}
}
