package diagreport

import (
	"strings"
	"testing"

	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/report"
)

// renderComparison writes a report holding only c's section and returns
// its HTML.
func renderComparison(t *testing.T, c *comparison.Result) string {
	t.Helper()
	dir := t.TempDir()
	r := report.New("test")
	comparisonSection(r, c)
	if len(c.Rows) > 0 { // the section's figure must exist for the report to write
		copyMarginals(t, dir)
	}
	return writeHTML(t, r, dir)
}

// TestOldComparisonSection: the section of a comparison written before the
// noise floor and the random subsampling says that its floor is unknown
// and that its reference draws were thinned evenly.
func TestOldComparisonSection(t *testing.T) {
	t.Parallel()
	c, err := comparison.Read(savedComparison)
	if err != nil {
		t.Fatal(err)
	}
	page := renderComparison(t, c)
	for _, want := range []string{"Noise floor unknown", "thinned evenly", "comparison_marginals.png"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "Exact correction") {
		t.Error("a comparison without the exact correction shows one")
	}
}

// TestAbsentComparisonSection: a comparison without rows gives the reason
// it is absent, and no table.
func TestAbsentComparisonSection(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	cfg.IntrinsicNoise.Enabled = true
	page := renderComparison(t, &comparison.Result{Absent: comparison.ExactUnavailable(cfg)})
	if !strings.Contains(page, "No comparison with the exact posterior: the model has intrinsic") {
		t.Errorf("report lacks the reason:\n%s", page)
	}
	if strings.Contains(page, "comparison_summary") || strings.Contains(page, "Noise floor") {
		t.Error("an absent comparison shows numbers")
	}
}

// TestExactSection: a comparison with the exact correction shows its
// summary (mean C2ST before and after, the share of importance routes,
// the k-hat quartiles) and one table row per corrected observation, with
// its warnings.
func TestExactSection(t *testing.T) {
	t.Parallel()
	c, err := comparison.Read(savedComparison)
	if err != nil {
		t.Fatal(err)
	}
	kh := 0.41
	c.Rows[0].Exact = &comparison.ExactRow{C2ST: 0.612, Route: exact.Importance, KHat: &kh, Seconds: 0.5}
	c.Rows[1].Exact = &comparison.ExactRow{C2ST: 0.734, Route: exact.MCMC, Seconds: 6, Warnings: []string{"R-hat 1.05 above 1.01"}}
	c.Exact = &comparison.ExactSummary{Obs: 2, MeanC2ST: 0.673, ImportanceShare: 0.5, KHatQuartiles: []float64{0.41, 0.41, 0.41}, KHatGood: 1, KHatObs: 1, MeanSeconds: 3.25}
	page := renderComparison(t, c)
	for _, want := range []string{"Exact correction (laa infer --exact): on 2 observations", "Mean C2ST of the corrected posterior against the reference 0.673",
		"50 % of the observations took the importance route", "k-hat quartiles 0.41, 0.41, 0.41 over the 1 observations",
		"0.612", "0.734", "importance", "test row 1, exact correction: R-hat 1.05 above 1.01"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
