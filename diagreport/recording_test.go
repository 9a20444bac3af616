package diagreport

import (
	"math"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/trust"
)

// TestRecordingPageShowsRoute: a recording's posterior corrected to the
// exact one is shown with its route, k-hat and ESS, the table of the
// amortized beside the corrected posterior and their marginals figure; the
// recordings table names the route.
func TestRecordingPageShowsRoute(t *testing.T) {
	t.Parallel()
	s := tiny(t, neuron.Default())
	rec, err := trust.Assess(s.m, s.ref, "cell", s.raw, s.prep, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	c := rec.Correction
	if c == nil || c.Route == exact.Amortized {
		t.Fatalf("correction %+v, want a corrected route", c)
	}
	html := page(t, rec, s.m.Names)
	for _, want := range []string{"Posterior route: " + string(c.Route), "k-hat", "ESS", "recording_1_marginals.png", "corrected mean", "sd ratio"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	tab := RecordingsTable(s.m.Names, []trust.Result{rec})
	if got := tab.Rows[0][len(tab.Rows[0])-1]; !strings.HasPrefix(got, string(c.Route)) {
		t.Errorf("recordings table route %q, want %q", got, c.Route)
	}
}

// TestRecordingPageAmortizedOnly: with intrinsic noise the page says the
// posterior is amortized only because the likelihood is intractable, and
// shows no comparison with a correction; with the correction switched off
// it says so, and the recording's warnings are on the page.
func TestRecordingPageAmortizedOnly(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	cfg.IntrinsicNoise.Enabled = true
	s := tiny(t, cfg)
	rec, err := trust.Assess(s.m, s.ref, "noisy", s.raw, s.prep, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	html := page(t, rec, s.m.Names)
	if !strings.Contains(html, "amortized only: the likelihood is intractable (intrinsic noise)") {
		t.Error("page lacks the amortized-only sentence")
	}
	if strings.Contains(html, "marginals.png") || strings.Contains(html, "corrected mean") {
		t.Error("an amortized-only page compares with a correction")
	}

	s = tiny(t, neuron.Default())
	opt := fastOptions()
	opt.NoExact = true
	if rec, err = trust.Assess(s.m, s.ref, "cell", s.raw, s.prep, opt); err != nil {
		t.Fatal(err)
	}
	const w = "exact correction failed, the posterior shown is the amortized one: exact: MCMC fallback: diverged"
	rec.Warnings = append(rec.Warnings, w)
	html = page(t, rec, s.m.Names)
	for _, want := range []string{"amortized only: the correction is off", w} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestAbsurdPosteriorTable: the posterior table of a recording whose median
// C_m = 7e-42 lies hundreds of prior sds from the prior's centre marks C_m,
// and only C_m, as far outside the prior.
func TestAbsurdPosteriorTable(t *testing.T) {
	t.Parallel()
	names, priors := neuron.Default().Inferred()
	draws, sum := absurdPosterior(t)
	z := trust.PriorZ(priors, medians(sum))
	rec := trust.Result{Draws: draws, Summary: sum, PriorZ: z, Priors: priors}
	tab := recordingTable(1, rec, names)
	for j, row := range tab.Rows {
		marked := strings.Contains(row[len(row)-1], "far outside the prior")
		if marked != (j == 0) {
			t.Errorf("row %s: marked %v", row[0], marked)
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
	med := medians(sum)
	params := make([]plots.Param, len(names))
	for j, n := range names {
		params[j] = plots.Param{Name: n, Unit: neuron.Units[n]}
	}
	pp, d, _ := pairsView(params, priors, trust.PriorZ(priors, med), draws, nil)
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
	// The reasons as trust's rule words them for these two recordings.
	miscovered := []string{"posterior predictive coverage off nominal: 39 % of the points lie inside the 50 % predictive band (nominal 50 % +- 10)",
		"posterior predictive coverage off nominal: 81 % of the points lie inside the 90 % predictive band (nominal 90 % +- 6)"}
	miss := trust.Result{Name: "subthreshold", SameProto: true, Typicality: diagnose.Typicality{PValue: 0.3},
		PPC: diagnose.PPC{Q50: []float64{0}, Inside50: 0.39, Inside90: 0.81}, PriorZ: make([]float64, 5), Untrustworthy: miscovered}
	far := miss
	far.Name, far.PriorZ = "spiking", trust.PriorZ(priors, []float64{absurdCm, 0.1, -65, 6, -50})
	far.FarOutside = []string{"C_m"}
	far.Untrustworthy = append(miscovered, "the posterior of 1 parameter(s) lies far outside the prior")
	tab := RecordingsTable(names, []trust.Result{miss, far})
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
