package diagreport

import (
	"fmt"
	"math"
	"strings"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/report"
)

// routeText is the page's sentence on the route the posterior took: the
// route, why, k-hat, the effective sample size and the time.
func routeText(c *exact.Result) string {
	if c == nil {
		return "Posterior route: amortized (no correction was attempted)."
	}
	why := strings.TrimSuffix(c.Reason, ".")
	kh := "-"
	if c.PSIS != nil {
		kh = fmt.Sprintf("%s (threshold %s)", fmtFixed(c.KHat()), fmtFixed(c.PSIS.Threshold))
	}
	switch c.Route {
	case exact.Importance:
		return fmt.Sprintf("Posterior route: importance sampling from the neural posterior, corrected to the exact posterior of the model's likelihood. Reason: %s. Pareto k-hat %s; ESS %s of %d proposals; %.2f s.",
			why, kh, fmtCount(c.ESS()), c.Proposals, c.Seconds)
	case exact.MCMC:
		isESS := "-"
		if c.PSIS != nil {
			isESS = fmtCount(c.PSIS.ESS)
		}
		return fmt.Sprintf("Posterior route: MCMC started from the neural draws, the exact posterior of the model's likelihood. Reason: %s. Pareto k-hat %s, importance ESS %s of %d proposals; smallest ESS of the chains %s; %.1f s.",
			why, kh, isESS, c.Proposals, fmtCount(c.ESS()), c.Seconds)
	}
	return "Posterior route: " + why + "."
}

// fmtCount formats an effective sample size as a whole number ("-" when
// not computed).
func fmtCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

// fmtFixed formats a k-hat-like number with two decimals ("-" when not
// computed).
func fmtFixed(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.IsInf(v, 1):
		return "inf"
	}
	return fmt.Sprintf("%.2f", v)
}

// correctionTable sets the amortized posterior beside the corrected one:
// mean and sd of each parameter, the shift of the amortized mean in
// corrected sds and the ratio of the sds.
func correctionTable(i int, names []string, amortized, corrected []diagnose.Summary) report.Table {
	t := report.Table{Name: fmt.Sprintf("recording_%d_correction", i),
		Caption: "The amortized (neural) posterior beside the exact (corrected) one. Shift: amortized mean minus corrected mean, in corrected sds; sd ratio: amortized sd / corrected sd (above 1: the amortized posterior is wider).",
		Header:  []string{"parameter", "amortized mean", "amortized sd", "corrected mean", "corrected sd", "shift (corrected sds)", "sd ratio"}}
	for j := range min(len(amortized), len(corrected), len(names)) {
		a, c := amortized[j], corrected[j]
		shift, ratio := math.NaN(), math.NaN()
		if c.SD > 0 {
			shift, ratio = (a.Mean-c.Mean)/c.SD, a.SD/c.SD
		}
		t.Rows = append(t.Rows, []string{names[j], fmtG(a.Mean), fmtG(a.SD), fmtG(c.Mean), fmtG(c.SD), fmtSigned(shift), fmtG(ratio)})
	}
	return t
}

// fmtSigned formats a signed number for tables.
func fmtSigned(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return fmt.Sprintf("%+.2f", v)
}
