// Package diagreport draws the diagnostics of a trained posterior into one
// HTML report (package report builds the page): the assessment on
// held-out simulations (package validation), the comparison with the
// exact posterior (package comparison) and a page per recording (package
// trust), with every figure as PNG and SVG, metrics.csv and
// metrics.json.
package diagreport

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/report"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// Info describes where a result came from, for the report.
type Info struct {
	Model, Data string        // paths
	Version     string        // laa version
	Experiment  neuron.Config // the LAA model's simulator configuration
	Generative  model.Model   // another model (its kind and spec are listed); nil for LAA
	TrainLoss   []float64     // per epoch; nil when unknown
	ValLoss     []float64
	Extra       []report.KV // more settings to list
}

// Results are what a report shows: the assessment on held-out
// simulations and, where there are any, the recordings fitted with the
// model (package trust) and the comparison with the exact posterior
// (package comparison). Each part is its package's result as it came.
type Results struct {
	Assessment *validation.Result
	Recordings []trust.Result
	Comparison *comparison.Result // nil: no comparison section
	// Warnings are the run's besides the assessment's (a recording that
	// could not be fitted); the report lists them after the assessment's.
	Warnings []string
}

// warnings returns the assessment's warnings followed by the run's.
func (r Results) warnings() []string {
	return append(append([]string(nil), r.Assessment.Warnings...), r.Warnings...)
}

// Write writes dir/index.html with every figure (PNG and SVG), the
// metrics table (metrics.csv) and all numbers (metrics.json).
func Write(in Results, info Info, dir string) error {
	res := in.Assessment
	if res == nil {
		return fmt.Errorf("report: no assessment")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	figs, err := figures(res, in.Recordings, info.TrainLoss, info.ValLoss, ObservationAxes(info.Generative))
	if err != nil {
		return err
	}
	for _, f := range figs {
		if err := plots.Save(f.fig, dir, f.name); err != nil {
			return err
		}
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, "metrics.json"), newMetrics(in, info.Version)); err != nil {
		return err
	}
	r := report.New("laa: amortized posterior diagnostics")
	r.Subtitle = fmt.Sprintf("model %s, %d held-out simulations from %s, %d draws each", info.Model, res.Sims, info.Data, res.Draws)
	r.Warnings = append(r.Warnings, in.warnings()...)
	has := map[string]bool{}
	for _, f := range figs {
		has[f.name] = true
	}

	sum := r.Section("Verdict")
	verdict := "calibrated: every parameter's calibration error is under the tolerance and its rank ECDF stays inside the 95 % simultaneous band"
	if !res.Calibrated {
		verdict = "NOT calibrated for every parameter: see the red badges and the calibration figures"
	}
	sum.Paragraph("Overall: " + verdict + ". " + jointVerdict(res) + ".")
	var vs []report.Verdict
	for _, p := range res.Params {
		vs = append(vs, report.Verdict{Name: p.Name, Pass: p.Calibrated, Label: map[bool]string{true: "calibrated", false: "not calibrated"}[p.Calibrated],
			Detail: fmt.Sprintf("calibration error %.3f, SBC chi-square p %.3g, contraction %.2f, NRMSE %.2f", p.Coverage.CalibrationError, p.SBC.ChiSqP, p.Unconstrained.Contraction, p.Recovery.NRMSE)})
	}
	if len(res.TARP.ECP) > 0 {
		vs = append(vs, report.Verdict{Name: "all jointly (TARP)", Pass: res.JointCalibrated, Label: map[bool]string{true: "calibrated", false: "not calibrated"}[res.JointCalibrated],
			Detail: fmt.Sprintf("area between expected coverage and diagonal %.3f (signed %+.3f), max deviation %.3f, KS p %.3g", res.TARP.AreaError, res.TARP.Bias, res.TARP.MaxDeviation, res.TARP.KSP)})
	}
	sum.Verdicts(vs...)
	sum.Table(MetricsTable(res))
	sum.Paragraph(fmt.Sprintf("Posterior draws outside the prior's support (leakage): %.2f %%. Amortized inference: %.1f ms per posterior of %d draws (batched).", 100*res.Leakage, res.MillisPer, res.Draws))
	if len(in.Recordings) > 0 {
		sum.Table(RecordingsTable(res.Names, in.Recordings)).Paragraph(trustRuleText())
	}

	if has["loss"] {
		r.Section("Training").Figure("loss.png", "Training and validation loss per epoch (negative log posterior density in standardized coordinates); the marker shows the best validation epoch, whose weights the model keeps.")
	}
	r.Section("Simulation-based calibration").
		Paragraph("For each held-out simulation, the rank of the true value among the posterior draws. A calibrated posterior gives uniform ranks: flat histograms inside the grey band, and ECDF differences inside the simultaneous 95 % band.").
		Figure("ranks.png", "Rank histograms with the 99 % band of a uniform histogram.").
		Figure("ecdf.png", "ECDF of the fractional ranks minus the uniform CDF, with simultaneous 95 % bands.").
		Figure("coverage.png", "Empirical coverage of central credible intervals against their nominal level (band: 2 Monte Carlo standard errors).")
	if len(res.TARP.ECP) > 0 {
		r.Section("Joint calibration (TARP)").
			Paragraph("SBC and coverage test one parameter at a time; a posterior can pass them and still be wrong jointly, e.g. with the wrong correlations. "+
				"TARP (Lemos, Coogan, Hezaveh and Perreault-Levasseur 2023) tests all parameters at once: in the coordinates the flow models (log for log-normal priors), each parameter scaled to [0, 1] by the range of the true values, "+
				"a random reference point is drawn per simulation, and the share of posterior draws closer to it than the true value is the credibility level at which the ball around the reference first covers the truth. "+
				"For a correct posterior these levels are uniform and the expected coverage follows the diagonal; below it the posteriors are overconfident (too narrow or biased), above it too wide. "+
				fmt.Sprintf("The joint verdict asks, as for each parameter, for an area between curve and diagonal under %.2f and a curve inside the simultaneous 95 %% band. ", tolerance(res))+
				jointVerdict(res)+".").
			Figure("tarp.png", "TARP expected coverage against credibility level: the diagonal, the 95 % simultaneous band of a calibrated posterior (grey) and the bootstrap band of the curve (blue).")
	}
	r.Section("Recovery and contraction").
		Figure("recovery.png", "True value against posterior median with 90 % credible intervals.").
		Figure("z_contraction.png", "Posterior z-score against posterior contraction (1 - posterior variance / prior variance), in the coordinates the flow models (log for log-normal priors).")

	ex := res.Example
	exs := r.Section("An example posterior")
	var rows [][]string
	for j, s := range ex.Summary {
		rows = append(rows, []string{res.Names[j], fmtG(ex.Truth[j]), fmtG(s.Mean), fmtG(s.SD), fmtG(s.Median), fmtG(s.Lower), fmtG(s.Upper)})
	}
	exs.Paragraph(fmt.Sprintf("Held-out simulation %d: posterior summary, pairs plot and posterior predictive check.", ex.Index)).
		Table(report.Table{Name: "example_posterior", Caption: "Posterior summary (90 % central interval)", Header: []string{"parameter", "true", "mean", "sd", "median", "5 %", "95 %"}, Rows: rows}).
		Figure("pairs.png", "Pairs plot of the posterior draws; true values marked.")
	if has["ppc"] {
		unit := " mV"
		if len(res.Time) == 0 {
			unit = ""
		}
		exs.Figure("ppc.png", "Posterior predictive check: the observed values inside the 50 % and 90 % bands of simulations from posterior draws.").
			Paragraph(fmt.Sprintf("PPC: %.0f %% of the observed points lie inside the 50 %% band and %.0f %% inside the 90 %% band; mean CRPS %.3f%s; RMSE to the predictive median %.3f%s. %s",
				100*ex.PPC.Inside50, 100*ex.PPC.Inside90, ex.PPC.CRPS, unit, ex.PPC.RMSE, unit, coverageSentence(ex.PPC)))
	}
	if len(res.Skipped) > 0 {
		sk := r.Section("Skipped diagnostics")
		sk.Paragraph("These diagnostics need an ability the model lacks:")
		for _, s := range res.Skipped {
			sk.Paragraph(s)
		}
	}
	if len(res.Typicality) > 0 {
		typicalitySection(r, res)
	}

	if in.Comparison != nil {
		comparisonSection(r, in.Comparison)
	}
	for i, rec := range in.Recordings {
		recordingSection(r, i+1, rec, res.Names)
	}

	cfg := r.Section("Configuration and versions")
	cfg.KeyValues("Run", append([]report.KV{{Key: "laa", Value: info.Version}, {Key: "Go", Value: runtime.Version()},
		{Key: "matrix backend", Value: nn.BackendName()}, {Key: "model", Value: info.Model}, {Key: "data", Value: info.Data}}, info.Extra...)...)
	if g := info.Generative; g != nil && g.Kind() != neuron.Kind {
		stored, err := model.Store(g)
		if err != nil {
			return err
		}
		cfg.JSON("The model (kind and description)", stored)
	} else {
		cfg.JSON("Simulator configuration of the model", info.Experiment)
	}
	return r.Write(dir)
}

// MetricsTable is the per-parameter metrics table (written as metrics.csv).
func MetricsTable(res *validation.Result) report.Table {
	t := report.Table{Name: "metrics", Caption: "Per-parameter metrics on held-out simulations",
		Header: []string{"parameter", "unit", "calibration error", "SBC chi-square p", "SBC KS p", "ECDF inside band", "bias", "NRMSE", "contraction (unconstrained)", "z mean", "z sd", "calibrated"}}
	for _, p := range res.Params {
		t.Rows = append(t.Rows, []string{p.Name, p.Unit, fmt.Sprintf("%.4f", p.Coverage.CalibrationError), fmtG(p.SBC.ChiSqP), fmtG(p.SBC.KSP),
			fmt.Sprint(!p.SBC.ECDF.Outside), fmtG(p.Recovery.Bias), fmtG(p.Recovery.NRMSE), fmtG(p.Unconstrained.Contraction),
			fmtG(p.Unconstrained.ZMean), fmtG(p.Unconstrained.ZSD), fmt.Sprint(p.Calibrated)})
	}
	if tp := res.TARP; len(tp.ECP) > 0 { // joint: its calibration error is the area between ECP and the diagonal
		t.Caption += "; the last row is TARP's joint check of all parameters (calibration error: area between expected coverage and diagonal; KS p of its coverages)"
		t.Rows = append(t.Rows, []string{"all (TARP)", "-", fmt.Sprintf("%.4f", tp.AreaError), "-", fmtG(tp.KSP), fmt.Sprint(!tp.ECDF.Outside),
			"-", "-", "-", "-", "-", fmt.Sprint(res.JointCalibrated)})
	}
	return t
}

// recordingSection adds the page of one recording: raw and prepared trace,
// posterior, posterior predictive check and the trust verdict with the
// rules that failed.
func recordingSection(r *report.Report, i int, rec trust.Result, names []string) {
	s := r.Section("Recording: " + rec.Name)
	how := "its posterior drawn from the amortized network"
	if corrected(rec) {
		how = "its posterior drawn from the amortized network and corrected to the exact posterior of the model's likelihood"
	}
	s.Paragraph(fmt.Sprintf("Source: %s. The trace is resampled to the model's grid with an anti-aliasing filter, "+
		"%s, then traces simulated from posterior draws are compared with it.", rec.Source, how))
	s.Paragraph(routeText(rec.Correction))
	verdict := "typical of the training simulations, recorded under the trained protocol, posterior predictive coverage close to nominal and the posterior inside the prior: the posterior can be read as the model's"
	if !rec.Trustworthy {
		verdict = "NOT trustworthy: " + strings.Join(rec.Untrustworthy, "; ")
	}
	ppc := "no PPC"
	if len(rec.PPC.Q50) > 0 {
		ppc = fmt.Sprintf("PPC: %.0f %% of points inside the 50 %% band, %.0f %% inside the 90 %% band", 100*rec.PPC.Inside50, 100*rec.PPC.Inside90)
	}
	s.Verdicts(report.Verdict{Name: rec.Name, Pass: rec.Trustworthy, Label: map[bool]string{true: "trustworthy", false: "not trustworthy"}[rec.Trustworthy],
		Detail: fmt.Sprintf("typicality p = %.3g; %s; %s (the rule is stated under the Verdict)", rec.Typicality.PValue, ppc, verdict)})
	ppcCaption := fmt.Sprintf("Prepared trace inside the 50 %% and 90 %% posterior predictive bands; CRPS %.3f mV, %.0f %% inside the 50 %% band, %.0f %% inside the 90 %% band.", rec.PPC.CRPS, 100*rec.PPC.Inside50, 100*rec.PPC.Inside90)
	if len(rec.PPC.Q50) == 0 {
		ppcCaption = "Prepared trace. No posterior predictive check: traces simulated from the posterior draws are not finite."
	}
	for _, w := range rec.Warnings {
		s.Warn(w)
	}
	pairsCaption := "Pairs plot of the posterior draws." + transformedCaption(rec.Priors, rec.PriorZ, names)
	s.Figure(fmt.Sprintf("recording_%d_raw.png", i), "The recording as read (voltage, and the current when it is a density).").
		Table(recordingTable(i, rec, names))
	if corrected(rec) {
		s.Table(correctionTable(i, names, rec.AmortizedSummary, rec.Summary)).
			Figure(fmt.Sprintf("recording_%d_marginals.png", i), "Marginals of the amortized (neural) posterior and the exact (corrected) one."+transformedCaption(rec.Priors, marginalsZ(rec), names))
	}
	s.Figure(fmt.Sprintf("recording_%d_ppc.png", i), ppcCaption).
		Figure(fmt.Sprintf("recording_%d_pairs.png", i), pairsCaption)
}

// corrected reports whether a recording's posterior is the exact one (by
// importance sampling or MCMC) rather than the amortized draws.
func corrected(rec trust.Result) bool {
	return rec.Correction != nil && rec.Correction.Route != exact.Amortized && len(rec.AmortizedSummary) > 0
}

// transformedCaption names the parameters drawn in the flow's coordinates
// because their posterior lies far outside the prior (pairsView); empty
// when there are none.
func transformedCaption(priors []neuron.Prior, z []float64, names []string) string {
	logged := transformedParams(priors, z)
	if len(logged) == 0 {
		return ""
	}
	var ns []string
	for _, j := range logged {
		ns = append(ns, names[j])
	}
	return fmt.Sprintf(" %s far outside the prior: drawn in the flow's coordinates (natural log for a log-normal prior, logit for a uniform one) so that the axis stays readable.", strings.Join(ns, ", "))
}

// RecordingsTable summarizes every recording's verdict (written as
// recordings.csv): typicality, posterior predictive coverage, the
// parameters far outside the prior (names are the model's parameters),
// the rules that failed and the route its posterior took
// (trust.RouteLabel).
func RecordingsTable(names []string, recs []trust.Result) report.Table {
	t := report.Table{Name: "recordings", Caption: "Recordings: a posterior is trustworthy only when every rule of its page holds",
		Header: []string{"recording", "verdict", "typicality p", "inside 50 % band", "inside 90 % band", "far outside the prior", "failed rules", "posterior route"}}
	for _, r := range recs {
		var far []string
		for j, z := range r.PriorZ {
			if math.Abs(z) > trust.FarOutsidePriorSDs && j < len(names) {
				far = append(far, fmt.Sprintf("%s (z %+.0f)", names[j], z))
			}
		}
		in50, in90 := "-", "-"
		if len(r.PPC.Q50) > 0 {
			in50, in90 = fmt.Sprintf("%.0f %%", 100*r.PPC.Inside50), fmt.Sprintf("%.0f %%", 100*r.PPC.Inside90)
		}
		t.Rows = append(t.Rows, []string{r.Name, map[bool]string{true: "trustworthy", false: "NOT trustworthy"}[r.Trustworthy],
			fmt.Sprintf("%.3g", r.Typicality.PValue), in50, in90, orDash(strings.Join(far, ", ")), orDash(strings.Join(r.Untrustworthy, "; ")), trust.RouteLabel(r.Correction)})
	}
	return t
}

// orDash returns s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// recordingTable is the posterior summary of a recording, each parameter
// with its prior z and, beyond trust.FarOutsidePriorSDs, marked far outside the
// prior.
func recordingTable(i int, rec trust.Result, names []string) report.Table {
	var rows [][]string
	for j, sm := range rec.Summary {
		flag := "-"
		if j < len(rec.PriorZ) {
			flag = fmt.Sprintf("%+.1f", rec.PriorZ[j])
			if math.Abs(rec.PriorZ[j]) > trust.FarOutsidePriorSDs {
				flag += " (far outside the prior)"
			}
		}
		rows = append(rows, []string{names[j], fmtG(sm.Mean), fmtG(sm.SD), fmtG(sm.Median), fmtG(sm.Lower), fmtG(sm.Upper), flag})
	}
	which := "amortized"
	if corrected(rec) {
		which = "exact, by " + string(rec.Correction.Route)
	}
	return report.Table{Name: fmt.Sprintf("recording_%d_posterior", i),
		Caption: fmt.Sprintf("Posterior summary (%s; 90 %% central interval; leakage of the amortized draws %.2f %%). Prior z: the median's distance from the prior's centre in prior sds, in the flow's coordinates; beyond %d it is far outside the prior.", which, 100*rec.Leakage, trust.FarOutsidePriorSDs),
		Header:  []string{"parameter", "mean", "sd", "median", "5 %", "95 %", "prior z"}, Rows: rows}
}

// trustRuleText states the rule that calls a recording trustworthy and why.
func trustRuleText() string {
	return fmt.Sprintf("The rule: a recording is trustworthy when its trace is typical of the training simulations (MMD test), it was recorded under the trained protocol, "+
		"no posterior median lies more than %d prior sds from the prior's centre (in the flow's coordinates), and its posterior predictive coverage is close to nominal: "+
		"within %.2f of 50 %% inside the 50 %% band and within %.2f of 90 %% inside the 90 %% band. "+
		"Why: when the model explains the trace, with Gaussian observation noise each point falls inside the central q band with probability about q, so the share inside is q up to its binomial error sqrt(q(1-q)/T); "+
		"residuals of a fitted trace are autocorrelated, so the tolerance is %d standard errors of a trace with %d independent points (600 points with lag-1 residual correlation 0.45), whatever the trace's length. "+
		"A trace can be typical, its summary statistics like the simulations', and still be fitted badly point by point; the coverage rule catches that.",
		trust.FarOutsidePriorSDs, trust.PPCTolerance(0.5), trust.PPCTolerance(0.9), trust.PPCCoverageZ, trust.PPCEffectivePoints)
}

// coverageSentence says whether a PPC's coverage meets the rule.
func coverageSentence(p diagnose.PPC) string {
	if fails := trust.PredictiveCoverage(p); len(fails) > 0 {
		return "Coverage off nominal: " + strings.Join(fails, "; ") + "."
	}
	return fmt.Sprintf("Coverage close to nominal (within %.2f at 50 %% and %.2f at 90 %%).", trust.PPCTolerance(0.5), trust.PPCTolerance(0.9))
}

// tolerance is the calibration tolerance the result was judged with.
func tolerance(res *validation.Result) float64 {
	if res.Tolerance > 0 {
		return res.Tolerance
	}
	return 0.05
}

// jointVerdict is the sentence of TARP's verdict.
func jointVerdict(res *validation.Result) string {
	switch {
	case len(res.TARP.ECP) == 0:
		return "Joint calibration (TARP) was not computed"
	case res.JointCalibrated:
		return fmt.Sprintf("Jointly (TARP): calibrated, area %.3f", res.TARP.AreaError)
	case res.TARP.Bias < 0:
		return fmt.Sprintf("Jointly (TARP): NOT calibrated, area %.3f, expected coverage mostly below the diagonal (overconfident)", res.TARP.AreaError)
	}
	return fmt.Sprintf("Jointly (TARP): NOT calibrated, area %.3f, expected coverage mostly above the diagonal (too wide)", res.TARP.AreaError)
}

// typicalitySection adds the MMD typicality tests of res to r.
func typicalitySection(r *report.Report, res *validation.Result) {
	ts := r.Section("Typicality")
	ts.Paragraph("Each trace is mapped into the learned summary space and compared with the summaries of simulations from the model by an MMD test (bootstrap null). A small p-value says the trace looks unlike anything the network was trained on, so its posterior should not be trusted.")
	var trows [][]string
	for i, c := range res.Typicality {
		trows = append(trows, []string{c.Name, c.Expected, fmt.Sprintf("%.3g", c.Result.PValue), map[bool]string{true: "flagged as atypical", false: "typical"}[c.Flagged]})
		ts.Figure(fmt.Sprintf("typicality_%d.png", i+1), c.Description)
	}
	ts.Table(report.Table{Name: "typicality", Caption: "MMD typicality tests", Header: []string{"trace", "expected", "p-value", "verdict"}, Rows: trows})
}
