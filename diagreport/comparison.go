package diagreport

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/report"
)

// comparisonSection adds the neural posterior against the reference (MCMC):
// C2ST with its noise floor, sd ratios and mean offsets, or, when there is
// no comparison, why.
func comparisonSection(r *report.Report, c *comparison.Result) {
	s := r.Section("Against the exact posterior (MCMC)")
	if len(c.Rows) == 0 {
		reason := c.Absent
		if reason == "" {
			reason = "no observation was compared"
		}
		s.Paragraph("No comparison with the exact posterior: " + reason + ". The calibration above says that the posterior's intervals cover the true values at their nominal rates on average over simulations; it does not say that the posterior is as narrow as the exact one, or centred where the exact one is.")
		return
	}
	var ratio, offset float64
	for j := range c.Names {
		ratio += c.MeanRatio[j] / float64(len(c.Names))
		offset += c.MeanDiff[j] / float64(len(c.Names))
	}
	s.Paragraph(fmt.Sprintf("Calibration alone does not show accuracy: a posterior wider than the exact one, or shifted, can still be calibrated. "+
		"On %d held-out observations the neural posterior was compared with the exact posterior, sampled by MCMC (DE-MCz) on the Gaussian likelihood. "+
		"Mean C2ST accuracy %.3f (a classifier telling neural from exact draws apart: 0.5 indistinguishable, 1 disjoint). "+
		"Averaged over the parameters, the neural sds are %.2f times the exact ones and the neural means lie %.2f exact sds from the exact means.",
		len(c.Rows), c.MeanC2ST, ratio, offset))
	switch {
	case c.NoiseFloorObs > 0:
		s.Paragraph(fmt.Sprintf("Noise floor: mean C2ST %.3f between two independent MCMC runs of the exact posterior (another seed, chains started from the prior instead of from neural draws) on %d of the observations. "+
			"It is what a perfect neural posterior would read: a C2ST near it is as close to the exact posterior as this comparison can tell; above %g the reference itself is not reproducible.",
			c.NoiseFloor, c.NoiseFloorObs, comparison.MaxNoiseFloor))
	default:
		s.Paragraph("Noise floor unknown: this comparison was made without a second run of the reference, so its C2ST values have no floor to be read against.")
	}
	if c.Subsample == "" {
		s.Warn("The reference draws of this comparison were thinned evenly (it was written by an older laa): autocorrelated chains thinned so read C2ST high (0.58-0.64 between two runs of one exact posterior, instead of 0.51). Rerun 'laa compare' for numbers that can be trusted.")
	}
	for _, w := range c.Warnings {
		s.Warn(w)
	}
	for _, row := range c.Rows {
		for _, w := range row.Warnings {
			s.Warn(fmt.Sprintf("test row %d, MCMC: %s", row.Index, w))
		}
		if row.CrossRun != nil {
			for _, w := range row.CrossRun.Warnings {
				s.Warn(fmt.Sprintf("test row %d, second MCMC run: %s", row.Index, w))
			}
		}
	}
	cached := 0
	for _, row := range c.Rows {
		if row.ReferenceCached {
			cached++
		}
	}
	if cached > 0 {
		s.Paragraph(fmt.Sprintf("The reference of %d of the %d observations was loaded from a directory of cached references (laa compare --references); their MCMC times and R-hat are those of the runs when they were made. "+
			"Those chains started from the neural draws of the model compared then: the start only shortens burn-in, the chains converge to the exact posterior regardless, and the noise floor checks how well they did.", cached, len(c.Rows)))
	}
	mcmc := fmt.Sprintf("%.1f s MCMC", c.MCMCSec)
	if c.NoiseFloorObs > 0 {
		mcmc += fmt.Sprintf(" (%.1f s for the second run from the prior)", c.CrossRunSec)
	}
	s.Paragraph(fmt.Sprintf("Time per posterior: %.1f ms neural (amortized) against %s.", c.NeuralMs, mcmc))
	var rows [][]string
	for j, n := range c.Names {
		row := []string{n, fmt.Sprintf("%.3f", c.MeanDiff[j]), fmt.Sprintf("%.3f", c.MeanRatio[j]), fmtG(c.MeanW1[j]), "-", "-"}
		if j < len(c.ReferenceCalibration) && j < len(c.NeuralCalibration) {
			row[4], row[5] = fmt.Sprintf("%.3f", c.ReferenceCalibration[j]), fmt.Sprintf("%.3f", c.NeuralCalibration[j])
		}
		rows = append(rows, row)
	}
	caption := fmt.Sprintf("Averages over the observations; calibration errors of each posterior's central intervals over them (over %d observations their Monte Carlo error is about %.2f, so only large differences mean something)",
		len(c.Rows), 0.5/math.Sqrt(float64(len(c.Rows))))
	s.Table(report.Table{Name: "comparison_summary", Caption: caption,
		Header: []string{"parameter", "|mean difference| / reference sd", "sd ratio (neural / reference)", "Wasserstein-1", "calibration error, MCMC", "calibration error, neural"}, Rows: rows})
	var per [][]string
	for _, row := range c.Rows {
		floor, rhat, sec := "-", "-", "-"
		if cr := row.CrossRun; cr != nil {
			floor, rhat, sec = fmt.Sprintf("%.3f", cr.C2ST), fmt.Sprintf("%.3f", cr.MaxRHat), fmt.Sprintf("%.1f", cr.MCMCSec)
		}
		per = append(per, []string{fmt.Sprint(row.Index), fmt.Sprintf("%.3f", row.C2ST), floor,
			fmt.Sprintf("%.2f", rowMeanAbs(row.MeanDiffSD)), fmt.Sprintf("%.2f", rowMean(row.SDRatio)),
			fmt.Sprintf("%.3f", row.MaxRHat), fmt.Sprintf("%.1f", row.MCMCSec), rhat, sec})
	}
	s.Table(report.Table{Name: "comparison", Caption: "Per observation (noise floor: C2ST between two MCMC runs; '-' where the reference ran once)",
		Header: []string{"test row", "C2ST", "noise floor", "|mean difference| / sd, mean over parameters", "sd ratio, mean over parameters",
			"max R-hat (MCMC)", "MCMC seconds", "max R-hat (second run)", "second run seconds"}, Rows: per})
	exactSection(s, c)
	s.Figure("comparison_marginals.png", "Marginals of the neural and the reference posterior for the first observation; the dashed line is the true value.")
}

// rowMean returns the mean of xs (NaN when empty).
func rowMean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// rowMeanAbs returns the mean of |x| over xs (NaN when empty).
func rowMeanAbs(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += math.Abs(x)
	}
	return s / float64(len(xs))
}

// fmtKHat formats an optional k-hat ("-" when absent).
func fmtKHat(k *float64) string {
	if k == nil || math.IsNaN(*k) {
		return "-"
	}
	return fmt.Sprintf("%.2f", *k)
}

// exactSection adds the exact correction's comparison to the section s:
// the summary in a paragraph and a table per observation.
func exactSection(s *report.Section, c *comparison.Result) {
	x := c.Exact
	if x == nil {
		return
	}
	kh := "no observation had importance weights, so no k-hat"
	if x.KHatObs > 0 {
		kh = fmt.Sprintf("k-hat quartiles %.2f, %.2f, %.2f over the %d observations with importance weights, %.0f %% of them at most %g",
			x.KHatQuartiles[0], x.KHatQuartiles[1], x.KHatQuartiles[2], x.KHatObs, 100*x.KHatGood, diagnose.MaxKHat)
	}
	s.Paragraph(fmt.Sprintf("Exact correction (laa infer --exact): on %d observations the neural posterior was corrected to the exact one by Pareto-smoothed importance sampling, or by MCMC started from the neural draws where the weights were unreliable. "+
		"Mean C2ST of the corrected posterior against the reference %.3f (the neural posterior's: %.3f); %.0f %% of the observations took the importance route; %s; %.2f s per observation.",
		x.Obs, x.MeanC2ST, c.MeanC2ST, 100*x.ImportanceShare, kh, x.MeanSeconds))
	var rows [][]string
	for _, r := range c.Rows {
		e := r.Exact
		if e == nil {
			continue
		}
		ess := "-"
		if e.ESS != nil {
			ess = fmt.Sprintf("%.0f", *e.ESS)
		}
		rows = append(rows, []string{fmt.Sprint(r.Index), fmt.Sprintf("%.3f", r.C2ST), fmt.Sprintf("%.3f", e.C2ST), string(e.Route), fmtKHat(e.KHat), ess, fmt.Sprintf("%.2f", e.Seconds)})
		for _, w := range e.Warnings {
			s.Warn(fmt.Sprintf("test row %d, exact correction: %s", r.Index, w))
		}
	}
	s.Table(report.Table{Name: "comparison_exact", Caption: "The exact correction per observation: C2ST against the reference before (neural) and after (corrected) it",
		Header: []string{"test row", "C2ST, neural", "C2ST, corrected", "route", "k-hat", "ESS", "seconds"}, Rows: rows})
}
