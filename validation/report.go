package validation

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/report"
)

// Info describes where a result came from, for the report.
type Info struct {
	Model, Data string        // paths
	Version     string        // laa version
	Experiment  neuron.Config // the model's simulator configuration
	TrainLoss   []float64     // per epoch; nil when unknown
	ValLoss     []float64
	Extra       []report.KV // more settings to list
}

// WriteReport writes dir/index.html with every figure (PNG and SVG), the
// metrics table (metrics.csv) and all numbers (metrics.json).
func WriteReport(res *Result, info Info, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	figs, err := figures(res, info.TrainLoss, info.ValLoss)
	if err != nil {
		return err
	}
	for _, f := range figs {
		if err := plots.Save(f.fig, dir, f.name); err != nil {
			return err
		}
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, "metrics.json"), res); err != nil {
		return err
	}
	r := report.New("laa: amortized posterior diagnostics")
	r.Subtitle = fmt.Sprintf("model %s, %d held-out simulations from %s, %d draws each", info.Model, res.Sims, info.Data, res.Draws)
	r.Warnings = append(r.Warnings, res.Warnings...)
	has := map[string]bool{}
	for _, f := range figs {
		has[f.name] = true
	}

	sum := r.Section("Verdict")
	verdict := "calibrated: every parameter's calibration error is under the tolerance and its rank ECDF stays inside the 95 % simultaneous band"
	if !res.Calibrated {
		verdict = "NOT calibrated for every parameter: see the red badges and the calibration figures"
	}
	sum.Paragraph("Overall: " + verdict + ".")
	var vs []report.Verdict
	for _, p := range res.Params {
		vs = append(vs, report.Verdict{Name: p.Name, Pass: p.Calibrated, Label: map[bool]string{true: "calibrated", false: "not calibrated"}[p.Calibrated],
			Detail: fmt.Sprintf("calibration error %.3f, SBC chi-square p %.3g, contraction %.2f, NRMSE %.2f", p.Coverage.CalibrationError, p.SBC.ChiSqP, p.Unconstrained.Contraction, p.Recovery.NRMSE)})
	}
	sum.Verdicts(vs...)
	sum.Table(MetricsTable(res))
	sum.Paragraph(fmt.Sprintf("Posterior draws outside the prior's support (leakage): %.2f %%. Amortized inference: %.1f ms per posterior of %d draws (batched).", 100*res.Leakage, res.MillisPer, res.Draws))

	if has["loss"] {
		r.Section("Training").Figure("loss.png", "Training and validation loss per epoch (negative log posterior density in standardized coordinates); the marker shows the best validation epoch, whose weights the model keeps.")
	}
	r.Section("Simulation-based calibration").
		Paragraph("For each held-out simulation, the rank of the true value among the posterior draws. A calibrated posterior gives uniform ranks: flat histograms inside the grey band, and ECDF differences inside the simultaneous 95 % band.").
		Figure("ranks.png", "Rank histograms with the 99 % band of a uniform histogram.").
		Figure("ecdf.png", "ECDF of the fractional ranks minus the uniform CDF, with simultaneous 95 % bands.").
		Figure("coverage.png", "Empirical coverage of central credible intervals against their nominal level (band: 2 Monte Carlo standard errors).")
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
		Figure("pairs.png", "Pairs plot of the posterior draws; true values marked.").
		Figure("ppc.png", "Posterior predictive check: the observed trace inside the 50 % and 90 % bands of traces simulated from posterior draws.").
		Paragraph(fmt.Sprintf("PPC: %.0f %% of the observed points lie inside the 50 %% band and %.0f %% inside the 90 %% band; mean CRPS %.3f mV; RMSE to the predictive median %.3f mV.", 100*ex.PPC.Inside50, 100*ex.PPC.Inside90, ex.PPC.CRPS, ex.PPC.RMSE))

	ts := r.Section("Typicality")
	ts.Paragraph("Each trace is mapped into the learned summary space and compared with the summaries of simulations from the model by an MMD test (bootstrap null). A small p-value says the trace looks unlike anything the network was trained on, so its posterior should not be trusted.")
	var trows [][]string
	for i, c := range res.Typicality {
		trows = append(trows, []string{c.Name, c.Expected, fmt.Sprintf("%.3g", c.Result.PValue), map[bool]string{true: "flagged as atypical", false: "typical"}[c.Flagged]})
		ts.Figure(fmt.Sprintf("typicality_%d.png", i+1), c.Description)
	}
	ts.Table(report.Table{Name: "typicality", Caption: "MMD typicality tests", Header: []string{"trace", "expected", "p-value", "verdict"}, Rows: trows})

	if res.Comparison != nil {
		comparisonSection(r, res.Comparison)
	}
	for i, rec := range res.Recordings {
		recordingSection(r, i+1, rec, res.Names)
	}

	cfg := r.Section("Configuration and versions")
	cfg.KeyValues("Run", append([]report.KV{{Key: "laa", Value: info.Version}, {Key: "Go", Value: runtime.Version()},
		{Key: "matrix backend", Value: nn.BackendName()}, {Key: "model", Value: info.Model}, {Key: "data", Value: info.Data}}, info.Extra...)...)
	cfg.JSON("Simulator configuration of the model", info.Experiment)
	return r.Write(dir)
}

// MetricsTable is the per-parameter metrics table (written as metrics.csv).
func MetricsTable(res *Result) report.Table {
	t := report.Table{Name: "metrics", Caption: "Per-parameter metrics on held-out simulations",
		Header: []string{"parameter", "unit", "calibration error", "SBC chi-square p", "SBC KS p", "ECDF inside band", "bias", "NRMSE", "contraction (unconstrained)", "z mean", "z sd", "calibrated"}}
	for _, p := range res.Params {
		t.Rows = append(t.Rows, []string{p.Name, p.Unit, fmt.Sprintf("%.4f", p.Coverage.CalibrationError), fmtG(p.SBC.ChiSqP), fmtG(p.SBC.KSP),
			fmt.Sprint(!p.SBC.ECDF.Outside), fmtG(p.Recovery.Bias), fmtG(p.Recovery.NRMSE), fmtG(p.Unconstrained.Contraction),
			fmtG(p.Unconstrained.ZMean), fmtG(p.Unconstrained.ZSD), fmt.Sprint(p.Calibrated)})
	}
	return t
}

// recordingSection adds the page of one recording: raw and prepared trace,
// posterior, posterior predictive check and typicality verdict.
func recordingSection(r *report.Report, i int, rec RecordingResult, names []string) {
	s := r.Section("Recording: " + rec.Name)
	s.Paragraph(fmt.Sprintf("Source: %s. The trace is resampled to the model's grid with an anti-aliasing filter, "+
		"its posterior drawn from the amortized network, then traces simulated from posterior draws are compared with it.", rec.Source))
	verdict := "typical of the training simulations and recorded under the trained protocol: the posterior can be read as the model's"
	if !rec.Trustworthy {
		verdict = "NOT trustworthy: the trace looks unlike the training simulations, or its protocol differs; the LAA model (or this network) does not explain it"
	}
	s.Verdicts(report.Verdict{Name: rec.Name, Pass: rec.Trustworthy, Label: map[bool]string{true: "typical", false: "atypical"}[rec.Trustworthy],
		Detail: fmt.Sprintf("typicality p = %.3g; PPC: %.0f %% of points inside the 90 %% band; %s", rec.Typicality.PValue, 100*rec.PPC.Inside90, verdict)})
	ppcCaption := fmt.Sprintf("Prepared trace inside the 50 %% and 90 %% posterior predictive bands; CRPS %.3f mV, %.0f %% inside the 50 %% band.", rec.PPC.CRPS, 100*rec.PPC.Inside50)
	if len(rec.PPC.Q50) == 0 {
		ppcCaption = "Prepared trace. No posterior predictive check: traces simulated from the posterior draws are not finite."
	}
	for _, w := range rec.Warnings {
		s.Warn(w)
	}
	var rows [][]string
	for j, sm := range rec.Summary {
		rows = append(rows, []string{names[j], fmtG(sm.Mean), fmtG(sm.SD), fmtG(sm.Median), fmtG(sm.Lower), fmtG(sm.Upper)})
	}
	s.Figure(fmt.Sprintf("recording_%d_raw.png", i), "The recording as read (voltage, and the current when it is a density).").
		Table(report.Table{Name: fmt.Sprintf("recording_%d_posterior", i), Caption: fmt.Sprintf("Posterior summary (90 %% central interval; leakage %.2f %%)", 100*rec.Leakage),
			Header: []string{"parameter", "mean", "sd", "median", "5 %", "95 %"}, Rows: rows}).
		Figure(fmt.Sprintf("recording_%d_ppc.png", i), ppcCaption).
		Figure(fmt.Sprintf("recording_%d_pairs.png", i), "Pairs plot of the posterior draws.")
}
