package diagreport

import (
	"fmt"
	"math"
	"sort"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/prior"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// figure is a named figure to save into the report directory.
type figure struct {
	name string
	fig  *plots.Figure
}

// figures draws every figure of the assessment and the recordings; the
// loss history may be nil.
func figures(res *validation.Result, recs []trust.Result, train, val []float64, axes plots.TraceAxes) ([]figure, error) {
	params := make([]plots.Param, len(res.Names))
	for j, p := range res.Params {
		params[j] = plots.Param{Name: p.Name, Unit: p.Unit}
	}
	var out []figure
	add := func(name string, f *plots.Figure, err error) error {
		if err != nil {
			return fmt.Errorf("figure %s: %w", name, err)
		}
		out = append(out, figure{name, f})
		return nil
	}
	if len(train) > 0 {
		f, err := plots.Loss(train, val)
		if err := add("loss", f, err); err != nil {
			return nil, err
		}
	}
	ranks := make([][]int, len(res.Params))
	var ecdf []plots.ECDFPanel
	var cov []plots.CoveragePanel
	var rec []plots.RecoveryPanel
	var zc []plots.ZContractionPanel
	for j, p := range res.Params {
		ranks[j] = p.SBC.Ranks
		e := p.SBC.ECDF
		ecdf = append(ecdf, plots.ECDFPanel{Param: params[j], X: e.Z, Diff: e.Diff, Lower: e.Lower, Upper: e.Upper})
		c := p.Coverage
		lo, hi := make([]float64, len(c.Levels)), make([]float64, len(c.Levels))
		for l := range c.Levels {
			lo[l], hi[l] = c.Levels[l]-2*c.MCSE[l], c.Levels[l]+2*c.MCSE[l]
		}
		cov = append(cov, plots.CoveragePanel{Param: params[j], Nominal: c.Levels, Empirical: c.Empirical, Lower: lo, Upper: hi})
		rp := plots.RecoveryPanel{Param: params[j]}
		for m, draws := range res.Posterior {
			col := column(draws, j)
			sort.Float64s(col)
			rp.True = append(rp.True, res.Truths[m][j])
			rp.Median = append(rp.Median, diagnose.QuantileSorted(col, 0.5))
			rp.Lower = append(rp.Lower, diagnose.QuantileSorted(col, 0.05))
			rp.Upper = append(rp.Upper, diagnose.QuantileSorted(col, 0.95))
		}
		rec = append(rec, rp)
		u := p.Unconstrained
		z := plots.ZContractionPanel{Param: params[j], Z: u.Z}
		for _, sd := range u.PostSD {
			z.Contraction = append(z.Contraction, 1-sd*sd/(u.Scale*u.Scale))
		}
		zc = append(zc, z)
	}
	steps := []struct {
		name string
		make func() (*plots.Figure, error)
	}{
		{"ranks", func() (*plots.Figure, error) { return plots.RankHistograms(params, ranks, res.Draws, 0) }},
		{"ecdf", func() (*plots.Figure, error) { return plots.ECDF(ecdf, 0.95) }},
		{"coverage", func() (*plots.Figure, error) { return plots.Coverage(cov) }},
		{"recovery", func() (*plots.Figure, error) { return plots.Recovery(rec, 0.9) }},
		{"z_contraction", func() (*plots.Figure, error) { return plots.ZContraction(zc) }},
		{"tarp", func() (*plots.Figure, error) { return tarpFigure(res.TARP) }},
		{"pairs", func() (*plots.Figure, error) {
			pp, d, t := pairsView(params, res.Priors, exampleZ(res), res.Example.Draws, res.Example.Truth)
			return plots.Pairs(pp, d, t, 0)
		}},
	}
	if p := res.Example.PPC; len(p.Q50) > 0 {
		steps = append(steps, struct {
			name string
			make func() (*plots.Figure, error)
		}{"ppc", func() (*plots.Figure, error) {
			return plots.Predictive(plots.PredictiveCheck{Time: timeAxis(res.Time, len(p.Q50)), Axes: axes, Observed: res.Example.Observed, Median: p.Q50,
				Lower50: p.Q25, Upper50: p.Q75, Lower90: p.Q05, Upper90: p.Q95, Stimulus: res.Stimulus})
		}})
	}
	for _, s := range steps {
		f, err := s.make()
		if err := add(s.name, f, err); err != nil {
			return nil, err
		}
	}
	for i, c := range res.Typicality {
		f, err := plots.Typicality(plots.TypicalityCheck{Null: c.Result.Null, Observed: c.Result.MMD2})
		if err == nil {
			f.Title = fmt.Sprintf("Typicality: %s (p = %.3g)", c.Name, c.Result.PValue)
		}
		if err := add(fmt.Sprintf("typicality_%d", i+1), f, err); err != nil {
			return nil, err
		}
	}
	for i, r := range recs {
		if err := recordingFigures(i+1, r, params, add); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recordingFigures draws a recording's raw and prepared traces with the
// posterior predictive bands, and its posterior's pairs plot.
func recordingFigures(i int, r trust.Result, params []plots.Param, add func(string, *plots.Figure, error) error) error {
	raw := plots.TraceSet{Time: r.Raw.TimeMs, Traces: [][]float64{r.Raw.VoltageMV}, Labels: []string{"recorded"}}
	if r.Raw.CurrentUnit == "uA/cm2" {
		raw.Stimulus = r.Raw.Current
	}
	f, err := plots.Traces(raw)
	if err == nil {
		f.Title = fmt.Sprintf("%s: the recording as read", r.Name)
	}
	if err := add(fmt.Sprintf("recording_%d_raw", i), f, err); err != nil {
		return err
	}
	p := r.PPC
	if len(p.Q50) > 0 {
		f, err = plots.Predictive(plots.PredictiveCheck{Time: r.Prepared.TimeMs, Observed: r.Prepared.VoltageMV, Median: p.Q50,
			Lower50: p.Q25, Upper50: p.Q75, Lower90: p.Q05, Upper90: p.Q95, Stimulus: r.Prepared.Current})
		if err == nil {
			f.Title = fmt.Sprintf("%s: prepared trace and posterior predictive bands", r.Name)
		}
	} else {
		f, err = plots.Traces(plots.TraceSet{Time: r.Prepared.TimeMs, Traces: [][]float64{r.Prepared.VoltageMV}, Labels: []string{"prepared"}, Stimulus: r.Prepared.Current})
		if err == nil {
			f.Title = fmt.Sprintf("%s: prepared trace (no posterior predictive check possible)", r.Name)
		}
	}
	if err := add(fmt.Sprintf("recording_%d_ppc", i), f, err); err != nil {
		return err
	}
	if corrected(r) {
		z := marginalsZ(r)
		pp, a, _ := pairsView(params, r.Priors, z, r.Amortized, nil)
		_, c, _ := pairsView(params, r.Priors, z, r.Draws, nil)
		panels := make([]plots.MarginalPanel, len(pp))
		for j := range panels {
			panels[j] = plots.MarginalPanel{Param: pp[j], A: finiteColumn(a, j), B: finiteColumn(c, j)}
		}
		f, err = plots.Marginals(panels, "amortized (neural)", "corrected ("+string(r.Correction.Route)+")", nil)
		if err == nil {
			f.Title = fmt.Sprintf("%s: amortized and corrected posterior", r.Name)
		}
		if err := add(fmt.Sprintf("recording_%d_marginals", i), f, err); err != nil {
			return err
		}
	}
	pp, d, _ := pairsView(params, r.Priors, r.PriorZ, r.Draws, nil)
	f, err = plots.Pairs(pp, d, nil, 0)
	return add(fmt.Sprintf("recording_%d_pairs", i), f, err)
}

// marginalsZ is, per parameter, the prior z of the amortized or the
// corrected posterior's median, whichever is farther from the prior's
// centre: a parameter either puts far outside the prior is drawn in the
// flow's coordinates in the marginals figure.
func marginalsZ(r trust.Result) []float64 {
	if len(r.Priors) != len(r.AmortizedSummary) {
		return r.PriorZ
	}
	med := make([]float64, len(r.AmortizedSummary))
	for j, s := range r.AmortizedSummary {
		med[j] = s.Median
	}
	z := trust.PriorZ(r.Priors, med)
	for j := range z {
		if j < len(r.PriorZ) && math.Abs(r.PriorZ[j]) > math.Abs(z[j]) {
			z[j] = r.PriorZ[j]
		}
	}
	return z
}

// finiteColumn returns the finite values of column j of rows.
func finiteColumn(rows [][]float64, j int) []float64 {
	out := make([]float64, 0, len(rows))
	for _, r := range rows {
		if v := r[j]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

// tarpFigure draws TARP's expected coverage with its bootstrap band and
// the simultaneous band of a calibrated posterior.
func tarpFigure(t diagnose.TARPResult) (*plots.Figure, error) {
	c := plots.TARPCurve{Alpha: t.Alpha, ECP: t.ECP, Lower: t.Lower, Upper: t.Upper}
	if t.BandLevel > 0 {
		c.BandLabel = fmt.Sprintf("%.0f %% bootstrap band", 100*t.BandLevel)
	}
	if e := t.ECDF; len(e.Z) > 0 {
		for i, z := range e.Z {
			c.Z = append(c.Z, z)
			c.NullLower = append(c.NullLower, min(max(z+e.Lower[i], 0), 1))
			c.NullUpper = append(c.NullUpper, min(max(z+e.Upper[i], 0), 1))
		}
	}
	return plots.TARP(c)
}

// exampleZ is PriorZ of the example posterior's medians (nil without priors).
func exampleZ(res *validation.Result) []float64 {
	if len(res.Priors) != len(res.Example.Summary) {
		return nil
	}
	med := make([]float64, len(res.Example.Summary))
	for j, s := range res.Example.Summary {
		med[j] = s.Median
	}
	return trust.PriorZ(res.Priors, med)
}

// pairsView returns the parameters, draws and truth to draw in a pairs
// plot: a parameter whose posterior median lies far outside its log-normal
// (or uniform) prior (|z| > trust.FarOutsidePriorSDs) is drawn in the flow's
// coordinates, log (or logit), where values like 7e-42 spread over a
// readable axis; the others stay in their units. Without priors or z the
// input comes back unchanged.
func pairsView(params []plots.Param, priors []neuron.Prior, z []float64, draws [][]float64, truth []float64) ([]plots.Param, [][]float64, []float64) {
	logged := transformedParams(priors, z)
	if len(logged) == 0 {
		return params, draws, truth
	}
	pp := append([]plots.Param(nil), params...)
	for _, j := range logged {
		pp[j] = plots.Param{Name: transformName(priors[j]) + " " + params[j].Name, Unit: params[j].Name + " in " + params[j].Unit}
		if params[j].Unit == "" || priors[j].Dist == neuron.DistUniform {
			pp[j].Unit = "" // logit of the position inside the support
		}
	}
	conv := func(row []float64) []float64 {
		out := append([]float64(nil), row...)
		for _, j := range logged {
			out[j] = unconstrained(priors[j], row[j])
		}
		return out
	}
	d := make([][]float64, len(draws))
	for i, row := range draws {
		d[i] = conv(row)
	}
	if truth != nil {
		truth = conv(truth)
	}
	return pp, d, truth
}

// unconstrained maps x to the flow's coordinates, clamping values on or
// beyond the support's edge to the largest finite image (as trust.PriorZ
// does).
func unconstrained(p neuron.Prior, x float64) float64 {
	return prior.UnconstrainClamped(p.Distribution(), x)
}

// transformedParams lists the parameters pairsView draws in unconstrained
// coordinates.
func transformedParams(priors []neuron.Prior, z []float64) []int {
	if len(priors) != len(z) {
		return nil
	}
	var out []int
	for j, v := range z {
		if math.Abs(v) > trust.FarOutsidePriorSDs && priors[j].Dist != neuron.DistNormal {
			out = append(out, j)
		}
	}
	return out
}

// transformName names the map to the flow's coordinates.
func transformName(p neuron.Prior) string {
	if p.Dist == neuron.DistUniform {
		return "logit"
	}
	return "ln"
}

// column returns column j of rows.
func column(rows [][]float64, j int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[j]
	}
	return out
}

// fmtG formats a number compactly for tables.
func fmtG(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3g", v)
}

// timeAxis returns times, or the sample indices 0..n-1 for a model
// without a time grid.
func timeAxis(times []float64, n int) []float64 {
	if len(times) == n {
		return times
	}
	idx := make([]float64, n)
	for i := range idx {
		idx[i] = float64(i)
	}
	return idx
}

// ObservationAxes labels the axes of a figure of a model's observations:
// the LAA neuron's defaults (time in ms, V in mV) for it or a nil model;
// for another, time in ms where it gives its sampling step, else the
// value's index, and x in the observation's unit.
func ObservationAxes(m model.Model) plots.TraceAxes {
	if m == nil || m.Kind() == neuron.Kind {
		return plots.TraceAxes{}
	}
	o := m.Observation()
	a := plots.TraceAxes{Time: "index", Trace: "x"}
	if o.StepMs > 0 {
		a.Time = "time (ms)"
	}
	if o.Unit != "" {
		a.Trace = "x (" + o.Unit + ")"
	}
	return a
}
