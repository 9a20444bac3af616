package validation

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
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
	r := RecordingResult{SameProto: true, Typicality: diagnose.Typicality{PValue: 0.4},
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
// prior sds from the prior's centre; the table and the warnings say so, and
// the other parameters are not marked.
func TestAbsurdPosteriorMarked(t *testing.T) {
	t.Parallel()
	names, priors := neuron.Default().Inferred()
	draws, sum := absurdPosterior(t)
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
	rec := RecordingResult{Draws: draws, Summary: sum, PriorZ: z, Priors: priors, FarOutside: far}
	tab := recordingTable(1, rec, names)
	for j, row := range tab.Rows {
		marked := strings.Contains(row[len(row)-1], "far outside the prior")
		if marked != (j == 0) {
			t.Errorf("row %s: marked %v", row[0], marked)
		}
	}
	// zero and negative medians of a log-normal parameter stay finite
	for _, v := range PriorZ(priors[:1], []float64{0}) {
		if math.IsInf(v, 0) || math.IsNaN(v) || v > -FarOutsidePriorSDs {
			t.Errorf("median 0: prior z %v", v)
		}
	}
}

// TestAbsurdPosteriorFigure: the pairs plot of a posterior at C_m = 7e-42
// draws C_m on a log axis with a finite, readable range, and every panel has
// a data range of its own.
func TestAbsurdPosteriorFigure(t *testing.T) {
	t.Parallel()
	names, priors := neuron.Default().Inferred()
	draws, sum := absurdPosterior(t)
	med := make([]float64, len(sum))
	for j, s := range sum {
		med[j] = s.Median
	}
	params := make([]plots.Param, len(names))
	for j, n := range names {
		params[j] = plots.Param{Name: n, Unit: neuron.Units[n]}
	}
	pp, d, _ := pairsView(params, priors, PriorZ(priors, med), draws, nil)
	if !strings.HasPrefix(pp[0].Name, "ln ") || pp[1].Name != "g_L" {
		t.Fatalf("plotted parameters %v", pp)
	}
	f, err := plots.Pairs(pp, d, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := f.Panels[len(f.Panels)-1][0].X // the C_m axis of the bottom row
	lnCm := math.Log(absurdCm)
	if math.IsNaN(x.Min) || math.IsInf(x.Max, 0) || x.Min > lnCm || x.Max < lnCm || x.Max-x.Min > 20 || x.Max-x.Min < 0.1 {
		t.Fatalf("C_m axis [%g, %g], want a finite range of a few units around ln 7e-42 = %.1f", x.Min, x.Max, lnCm)
	}
	for _, tk := range x.Tick.Marker.Ticks(x.Min, x.Max) {
		if len(tk.Label) > 8 {
			t.Errorf("tick label %q is unreadable", tk.Label)
		}
	}
	if err := plots.Save(f, t.TempDir(), "pairs"); err != nil {
		t.Fatal(err)
	}
}

// TestRecordingsTableSaysWhy: the verdict's summary table names the failed
// rule and the parameter far outside the prior.
func TestRecordingsTableSaysWhy(t *testing.T) {
	t.Parallel()
	names, priors := neuron.Default().Inferred()
	miss := RecordingResult{Name: "subthreshold", SameProto: true, Typicality: diagnose.Typicality{PValue: 0.3},
		PPC: diagnose.PPC{Q50: []float64{0}, Inside50: 0.39, Inside90: 0.81}, PriorZ: make([]float64, 5)}
	miss.Untrustworthy = miss.trustRule()
	far := miss
	far.Name, far.PriorZ = "spiking", PriorZ(priors, []float64{absurdCm, 0.1, -65, 6, -50})
	far.FarOutside = []string{"C_m"}
	far.Untrustworthy = far.trustRule()
	tab := RecordingsTable(&Result{Names: names, Recordings: []RecordingResult{miss, far}})
	if len(tab.Rows) != 2 {
		t.Fatalf("%d rows", len(tab.Rows))
	}
	if r := tab.Rows[0]; r[1] != "NOT trustworthy" || !strings.Contains(r[6], "coverage") || r[5] != "-" {
		t.Errorf("miscovered row %q", r)
	}
	if r := tab.Rows[1]; !strings.HasPrefix(r[5], "C_m (z -") || !strings.Contains(r[6], "far outside the prior") {
		t.Errorf("absurd row %q", r)
	}
}
