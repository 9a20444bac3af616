package trust

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
)

// The absurd posterior of the spiking Hodgkin-Huxley cell seen in the demo:
// C_m near 7e-42 uF/cm2.
const absurdCm = 7e-42

func TestPPCToleranceValues(t *testing.T) {
	t.Parallel()
	const tol = 0.005
	if a, b := PPCTolerance(0.5), PPCTolerance(0.9); math.Abs(a-0.10) > tol || math.Abs(b-0.06) > tol {
		t.Fatalf("tolerances %.3f at 50 %% and %.3f at 90 %%, want 0.10 and 0.06", a, b)
	}
}

func TestPredictiveCoverageRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in50, in90 float64
		fails      int
	}{
		{0.50, 0.90, 0},
		{0.45, 0.87, 0},
		{0.39, 0.81, 2}, // the subthreshold Hodgkin-Huxley cell of the old demo report
		{0.50, 0.81, 1},
		{0.65, 0.99, 2}, // a predictive far wider than the noise
	} {
		if got := PredictiveCoverage(diagnose.PPC{Inside50: tc.in50, Inside90: tc.in90}); len(got) != tc.fails {
			t.Errorf("inside 50 %% %.2f, 90 %% %.2f: %d failures %q, want %d", tc.in50, tc.in90, len(got), got, tc.fails)
		}
	}
}

// TestTypicalButMiscoveredNotTrusted: a typical trace under the trained
// protocol whose posterior predictive coverage is far from nominal is not
// trustworthy, and the reason names the coverage.
func TestTypicalButMiscoveredNotTrusted(t *testing.T) {
	t.Parallel()
	r := Result{SameProto: true, Typicality: diagnose.Typicality{PValue: 0.4},
		PPC: diagnose.PPC{Q50: []float64{0}, Inside50: 0.39, Inside90: 0.81}}
	why := r.trustRule()
	if len(why) != 2 || !strings.Contains(why[0], "coverage") || !strings.Contains(why[1], "90 % predictive band") {
		t.Fatalf("reasons %q, want the two coverage failures", why)
	}
	r.PPC.Inside50, r.PPC.Inside90 = 0.52, 0.91
	if why := r.trustRule(); len(why) != 0 {
		t.Fatalf("nominal coverage, typical, same protocol: reasons %q", why)
	}
	r.FarOutside = []string{"C_m: far outside the prior"}
	if why := r.trustRule(); len(why) != 1 || !strings.Contains(why[0], "far outside the prior") {
		t.Fatalf("far outside the prior: reasons %q", why)
	}
}

// absurdPosterior returns draws of the default model's five parameters
// with C_m spread log-normally around absurdCm, and their summary.
func absurdPosterior(t *testing.T) ([][]float64, []diagnose.Summary) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	draws := make([][]float64, 500)
	for i := range draws {
		draws[i] = []float64{absurdCm * math.Exp(0.5*rng.NormFloat64()), 0.1 * math.Exp(0.2*rng.NormFloat64()),
			-65 + rng.NormFloat64(), 6 * math.Exp(0.3*rng.NormFloat64()), -50 + 2*rng.NormFloat64()}
	}
	sum, err := diagnose.Summarize(draws, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	return draws, sum
}

// TestAbsurdPosteriorMarked: the posterior median C_m = 7e-42 is hundreds of
// prior sds from the prior's centre; its sentence says so, and the other
// parameters are not far outside. (Package diagreport's tests check the
// page's table.)
func TestAbsurdPosteriorMarked(t *testing.T) {
	t.Parallel()
	names, priors := neuron.Default().Inferred()
	_, sum := absurdPosterior(t)
	med := make([]float64, len(sum))
	for j, s := range sum {
		med[j] = s.Median
	}
	z := PriorZ(priors, med)
	if want := (math.Log(absurdCm) - math.Log(priors[0].Median)) / priors[0].SigmaLog; math.Abs(z[0]-want) > 1 {
		t.Fatalf("prior z of C_m %.1f, want about %.1f", z[0], want)
	}
	far := farOutside(names, priors, sum, z)
	if len(far) != 1 || !strings.HasPrefix(far[0], "C_m") || !strings.Contains(far[0], "far outside the prior") {
		t.Fatalf("far outside: %q", far)
	}
	for j, v := range z[1:] {
		if math.Abs(v) > FarOutsidePriorSDs {
			t.Errorf("%s: prior z %.1f, yet its draws lie near the prior's centre", names[j+1], v)
		}
	}
	// zero and negative medians of a log-normal parameter stay finite
	for _, v := range PriorZ(priors[:1], []float64{0}) {
		if math.IsInf(v, 0) || math.IsNaN(v) || v > -FarOutsidePriorSDs {
			t.Errorf("median 0: prior z %v", v)
		}
	}
}
