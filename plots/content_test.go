package plots_test

import (
	"image/color"
	"math"
	"testing"

	"github.com/laa-neuro/laa/plots"
)

// The palette of style.go, as the figures draw it.
var (
	blue   = color.NRGBA{R: 31, G: 119, B: 180, A: 255}
	orange = color.NRGBA{R: 255, G: 127, B: 14, A: 255}
	red    = color.NRGBA{R: 214, G: 39, B: 40, A: 255}
	grey   = color.NRGBA{R: 90, G: 90, B: 90, A: 255}
	band   = color.NRGBA{R: 150, G: 150, B: 150, A: 255}
)

// mustMap returns both axis maps of a panel or fails.
func mustMap(t *testing.T, p svgPanel) (axisMap, axisMap) {
	t.Helper()
	x, y, xok, yok := p.axes(t)
	if !xok || !yok {
		t.Fatalf("panel %q: axes without two labelled ticks (x %v, y %v)", p.plot.Title.Text, xok, yok)
	}
	return x, y
}

func TestLossShowsBothCurves(t *testing.T) {
	t.Parallel()
	train := []float64{3, 2, 1.5, 1.2, 1.1}
	val := []float64{3.1, 2.2, 1.7, 1.5, 1.6}
	f, err := plots.Loss(train, val)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "loss")
	s.hasTexts(t, "Training loss", "epoch", "loss", "train", "validation", "best validation (epoch 4)")
	p := s.panels[0]
	x, y := mustMap(t, p)
	epochs := []float64{1, 2, 3, 4, 5}
	if err := sameLine(oneLine(t, p, "train line", strokes(blue, len(train))), x, y, epochs, train); err != nil {
		t.Errorf("train line: %v", err)
	}
	if err := sameLine(oneLine(t, p, "validation line", strokes(orange, len(val))), x, y, epochs, val); err != nil {
		t.Errorf("validation line: %v", err)
	}
	// the ring on the best validation epoch (and its legend thumbnail)
	rings := p.paths(glyphs(orange))
	if len(rings) != 2 {
		t.Fatalf("%d orange rings, want the mark and its legend entry", len(rings))
	}
	if c := glyphCenters(rings[:1], x, y)[0]; !near(c, [2]float64{4, 1.5}, tolerance(x, y)) {
		t.Errorf("best-epoch mark at %v, want (4, 1.5)", c)
	}
}

func TestRankHistogramsCountRanks(t *testing.T) {
	t.Parallel()
	// 10 possible ranks in 5 bins of 2: bin counts 3, 4, 1, 0, 2 and 0, 0, 0, 5, 5.
	ranks := [][]int{{0, 0, 1, 2, 3, 3, 3, 5, 9, 9}, {6, 6, 6, 7, 7, 8, 8, 9, 9, 9}}
	want := [][]float64{{3, 4, 1, 0, 2}, {0, 0, 0, 5, 5}}
	f, err := plots.RankHistograms(params[:2], ranks, 9, 5)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "ranks")
	s.hasTexts(t, "Rank histograms (simulation-based calibration)", "C_m", "g_L", "rank of true value", "count", "99 % band (uniform)")
	for j, p := range s.panels {
		x, y := mustMap(t, p)
		tol := tolerance(x, y)
		bs := bars(t, p.paths(fills(blue, 200.0/255)), x, y)
		if len(bs) != 5 {
			t.Fatalf("%s: %d bars, want 5", params[j].Name, len(bs))
		}
		for b, got := range bs {
			lo, hi := float64(2*b), float64(2*b+2)
			if math.Abs(got.lo-lo) > tol[0] || math.Abs(got.hi-hi) > tol[0] {
				t.Errorf("%s bar %d spans [%.4g, %.4g], want [%g, %g]", params[j].Name, b, got.lo, got.hi, lo, hi)
			}
			// an empty bin has no height: its top is the panel's bottom
			if want[j][b] > 0 && math.Abs(got.top-want[j][b]) > tol[1] || want[j][b] == 0 && got.top > p.plot.Y.Min+tol[1] {
				t.Errorf("%s bar %d has height %.4g, want %g", params[j].Name, b, got.top, want[j][b])
			}
		}
		// the dashed mean of uniform ranks: 10 ranks x 2/10 per bin = 2
		mean := oneLine(t, p, "mean line", func(q *svgPath) bool { return q.dashed && sameColor(q.stroke, grey) })
		for _, d := range dataPts(mean, x, y) {
			if math.Abs(d[1]-2) > tol[1] {
				t.Errorf("%s: uniform mean drawn at %.4g, want 2", params[j].Name, d[1])
			}
		}
	}
}

func TestECDFShowsCurveAndBand(t *testing.T) {
	t.Parallel()
	xs := []float64{0, 0.25, 0.5, 0.75, 1}
	diff := []float64{0, 0.06, -0.02, 0.03, 0}
	lo := []float64{0, -0.08, -0.1, -0.08, 0}
	hi := []float64{0, 0.08, 0.1, 0.08, 0}
	f, err := plots.ECDF([]plots.ECDFPanel{{Param: params[3], X: xs, Diff: diff, Lower: lo, Upper: hi}}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "ecdf")
	s.hasTexts(t, "ECDF difference (simulation-based calibration)", "k", "fractional rank", "ECDF difference",
		"ECDF - uniform", "95 % simultaneous band")
	p := s.panels[0]
	x, y := mustMap(t, p)
	if err := sameLine(oneLine(t, p, "ECDF curve", strokes(blue, len(xs))), x, y, xs, diff); err != nil {
		t.Errorf("ECDF curve: %v", err)
	}
	ring := bandRing(xs, lo, hi)
	if err := sameLine(firstPath(t, p, "band", fills(band, 90.0/255)), x, y, ring[0], ring[1]); err != nil {
		t.Errorf("band: %v", err)
	}
}

// bandRing returns the vertices of a band as band() in style.go draws it:
// along the lower edge, then back along the upper one.
func bandRing(xs, lo, hi []float64) [2][]float64 {
	var rx, ry []float64
	for i := range xs {
		rx, ry = append(rx, xs[i]), append(ry, lo[i])
	}
	for i := len(xs) - 1; i >= 0; i-- {
		rx, ry = append(rx, xs[i]), append(ry, hi[i])
	}
	return [2][]float64{rx, ry}
}

func TestRecoveryPlacesEachSimulation(t *testing.T) {
	t.Parallel()
	r := plots.RecoveryPanel{Param: params[2], True: []float64{-70, -65, -60}, Median: []float64{-69, -66, -57},
		Lower: []float64{-72, -68, -61}, Upper: []float64{-67, -63, -55}}
	f, err := plots.Recovery([]plots.RecoveryPanel{r}, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "recovery")
	s.hasTexts(t, "Parameter recovery on held-out simulations", "E_L", "true E_L (mV)", "posterior median E_L (mV)",
		"median with 90 % interval", "identity")
	p := s.panels[0]
	x, y := mustMap(t, p)
	tol := tolerance(x, y)
	dots := glyphCenters(p.paths(glyphs(blue)), x, y)
	if len(dots) != 3+1 { // and the legend's
		t.Fatalf("%d dots, want 3 and a legend entry", len(dots))
	}
	for i := range r.True {
		if !near(dots[i], [2]float64{r.True[i], r.Median[i]}, tol) {
			t.Errorf("simulation %d drawn at %v, want (%g, %g)", i, dots[i], r.True[i], r.Median[i])
		}
	}
	// error bars: vertical strokes from Lower to Upper at the true value
	var bars [][2][2]float64
	for _, q := range p.paths(func(q *svgPath) bool { return sameColor(q.stroke, blue) && q.fill == "" && len(q.pts) == 2 }) {
		if d := dataPts(q, x, y); math.Abs(d[0][0]-d[1][0]) <= tol[0] && math.Abs(d[0][1]-d[1][1]) > 1 {
			bars = append(bars, [2][2]float64{d[0], d[1]})
		}
	}
	if len(bars) != 3 {
		t.Fatalf("%d error bars, want 3", len(bars))
	}
	for i, b := range bars {
		if !near(b[0], [2]float64{r.True[i], r.Lower[i]}, tol) || !near(b[1], [2]float64{r.True[i], r.Upper[i]}, tol) {
			t.Errorf("error bar %d from %v to %v, want x = %g from %g to %g", i, b[0], b[1], r.True[i], r.Lower[i], r.Upper[i])
		}
	}
	id := firstPath(t, p, "identity", func(q *svgPath) bool { return q.dashed && sameColor(q.stroke, grey) && len(q.pts) == 2 })
	for _, d := range dataPts(id, x, y) {
		if math.Abs(d[0]-d[1]) > tol[0]+tol[1] {
			t.Errorf("identity line passes (%.4g, %.4g)", d[0], d[1])
		}
	}
}

func TestZContractionPlacesPoints(t *testing.T) {
	t.Parallel()
	z := plots.ZContractionPanel{Param: params[0], Contraction: []float64{0.1, 0.5, 0.9, 0.95}, Z: []float64{-2, 0.5, 1, -0.3}}
	f, err := plots.ZContraction([]plots.ZContractionPanel{z})
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "zscore")
	s.hasTexts(t, "Posterior z-score vs contraction", "C_m", "posterior contraction", "posterior z-score")
	p := s.panels[0]
	x, y := mustMap(t, p)
	dots := glyphCenters(p.paths(glyphs(blue)), x, y)
	if len(dots) != 4 {
		t.Fatalf("%d points, want 4", len(dots))
	}
	for i, d := range dots {
		if !near(d, [2]float64{z.Contraction[i], z.Z[i]}, tolerance(x, y)) {
			t.Errorf("point %d at %v, want (%g, %g)", i, d, z.Contraction[i], z.Z[i])
		}
	}
}

func TestCoverageShowsCurveBandAndDiagonal(t *testing.T) {
	t.Parallel()
	c := plots.CoveragePanel{Param: params[4], Nominal: []float64{0.1, 0.5, 0.9}, Empirical: []float64{0.05, 0.4, 0.8},
		Lower: []float64{0.02, 0.35, 0.75}, Upper: []float64{0.08, 0.45, 0.85}}
	f, err := plots.Coverage([]plots.CoveragePanel{c})
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "coverage")
	s.hasTexts(t, "Coverage of central credible intervals", "V_thr", "nominal coverage", "empirical coverage",
		"uncertainty band", "empirical", "ideal")
	p := s.panels[0]
	x, y := mustMap(t, p)
	if err := sameLine(oneLine(t, p, "coverage curve", strokes(blue, 3)), x, y, c.Nominal, c.Empirical); err != nil {
		t.Errorf("coverage curve: %v", err)
	}
	ring := bandRing(c.Nominal, c.Lower, c.Upper)
	if err := sameLine(firstPath(t, p, "band", fills(blue, 60.0/255)), x, y, ring[0], ring[1]); err != nil {
		t.Errorf("band: %v", err)
	}
	diag := firstPath(t, p, "diagonal", func(q *svgPath) bool { return q.dashed && sameColor(q.stroke, grey) && len(q.pts) == 2 })
	if err := sameLine(diag, x, y, []float64{0, 1}, []float64{0, 1}); err != nil {
		t.Errorf("diagonal: %v", err)
	}
}

func TestTracesDrawsEachTrace(t *testing.T) {
	t.Parallel()
	time := []float64{0, 10, 20, 30, 40}
	traces := [][]float64{{-65, -60, -55, -60, -65}, {-70, -72, -50, -52, -71}}
	stim := []float64{0, 1, 1, 0.5, 0}
	f, err := plots.Traces(plots.TraceSet{Time: time, Traces: traces, Labels: []string{"first", "second"}, Stimulus: stim})
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "traces")
	s.hasTexts(t, "2 simulated traces", "first", "second", "time (ms)", "V (mV)", "I_ext (uA/cm2)")
	top, bottom := s.panels[0], s.panels[1]
	// the top panel's time ticks are unlabelled: its time axis is the bottom one's
	x, ys := mustMap(t, bottom)
	_, y, _, yok := top.axes(t)
	if !yok {
		t.Fatal("trace panel without labelled voltage ticks")
	}
	for i, tr := range traces {
		lines := top.paths(func(q *svgPath) bool {
			return q.fill == "" && len(q.pts) == len(time) && q.stroke != hexColor(gridColor)
		})
		if len(lines) != len(traces) {
			t.Fatalf("%d trace lines, want %d", len(lines), len(traces))
		}
		if err := sameLine(lines[i], x, y, time, tr); err != nil {
			t.Errorf("trace %d: %v", i, err)
		}
	}
	if err := sameLine(oneLine(t, bottom, "stimulus", strokes(grey, len(time))), x, ys, time, stim); err != nil {
		t.Errorf("stimulus: %v", err)
	}
}

func TestTypicalityHistogramAndObserved(t *testing.T) {
	t.Parallel()
	// 30 bins over [0, 3]: values 0.05, 0.15, ... fall one per bin; 1.05 twice more.
	null := []float64{1.05, 1.05}
	for b := range 30 {
		null = append(null, 0.05+0.1*float64(b))
	}
	null = append(null, 0, 3) // pin the range to [0, 3]
	f, err := plots.Typicality(plots.TypicalityCheck{Null: null, Observed: 2.5, TrainX: []float64{0, 1, 2}, TrainY: []float64{1, 0, -1},
		ObsX: 4, ObsY: 3})
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "typicality")
	s.hasTexts(t, "Typicality", "Statistic under the null", "observed = 2.5", "null (bootstrap)", "Summary space",
		"PC 1", "PC 2", "training summaries")
	h := s.panels[0]
	x, y := mustMap(t, h)
	tol := tolerance(x, y)
	bs := bars(t, h.paths(fills(blue, 200.0/255)), x, y)
	if len(bs) != 30+1 { // and the legend's
		t.Fatalf("%d bars, want 30 and a legend entry", len(bs))
	}
	for b, got := range bs[:30] {
		want := 1.0
		switch b {
		case 0, 29:
			want = 2 // 0 and 3 land in the first and last bins
		case 10:
			want = 3
		}
		if math.Abs(got.top-want) > tol[1] || math.Abs(got.lo-0.1*float64(b)) > tol[0] {
			t.Errorf("bin %d: [%.4g, ...] count %.4g, want [%.4g, ...] count %g", b, got.lo, got.top, 0.1*float64(b), want)
		}
	}
	obs := h.paths(strokes(red, 2))
	if len(obs) == 0 {
		t.Fatal("no observed line")
	}
	if d := dataPts(obs[0], x, y); math.Abs(d[0][0]-2.5) > tol[0] || math.Abs(d[1][0]-2.5) > tol[0] {
		t.Errorf("observed line at x = %.4g..%.4g, want 2.5", d[0][0], d[1][0])
	}
	sp := s.panels[1]
	sx, sy := mustMap(t, sp)
	pts := glyphCenters(sp.paths(glyphs(blue)), sx, sy)
	if len(pts) != 3+1 {
		t.Fatalf("%d training points, want 3 and a legend entry", len(pts))
	}
	for i, want := range [][2]float64{{0, 1}, {1, 0}, {2, -1}} {
		if !near(pts[i], want, tolerance(sx, sy)) {
			t.Errorf("training point %d at %v, want %v", i, pts[i], want)
		}
	}
}

func TestMarginalsDensitiesAndTruth(t *testing.T) {
	t.Parallel()
	// A: 30 bins over [0, 3] (the span of A, B and the truth), 4 draws:
	// densities 1/(4*0.1) = 2.5 per draw per bin.
	a := []float64{0.05, 0.05, 1.55, 3}
	b := []float64{0, 1.55, 1.55, 1.55}
	f, err := plots.Marginals([]plots.MarginalPanel{{Param: params[1], A: a, B: b}}, "mine", "theirs", []float64{2})
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "marginals")
	s.hasTexts(t, "Posterior marginals", "g_L", "g_L (mS/cm2)", "density", "mine", "theirs", "true value")
	p := s.panels[0]
	x, y := mustMap(t, p)
	tol := tolerance(x, y)
	for _, c := range []struct {
		name  string
		col   color.NRGBA
		dense map[int]float64
	}{{"A", blue, map[int]float64{0: 5, 15: 2.5, 29: 2.5}}, {"B", orange, map[int]float64{0: 2.5, 15: 7.5}}} {
		bs := bars(t, p.paths(fills(c.col, 110.0/255)), x, y)
		if len(bs) != 30+1 {
			t.Fatalf("%s: %d bars, want 30 and a legend entry", c.name, len(bs))
		}
		for i, got := range bs[:30] {
			want := c.dense[i]
			if want > 0 && math.Abs(got.top-want) > tol[1] || want == 0 && got.top > p.plot.Y.Min+tol[1] {
				t.Errorf("%s bin %d: density %.4g, want %g", c.name, i, got.top, want)
			}
		}
	}
	truth := p.paths(func(q *svgPath) bool { return q.dashed && sameColor(q.stroke, red) })
	if len(truth) == 0 {
		t.Fatal("no truth line")
	}
	if d := dataPts(truth[0], x, y); math.Abs(d[0][0]-2) > tol[0] || math.Abs(d[1][0]-2) > tol[0] {
		t.Errorf("truth line at x = %.4g, want 2", d[0][0])
	}
}

func TestTARPShowsCurveAndNullBand(t *testing.T) {
	t.Parallel()
	c := plots.TARPCurve{Alpha: []float64{0, 0.3, 0.6, 1}, ECP: []float64{0, 0.2, 0.5, 1},
		Z: []float64{0.5}, NullLower: []float64{0.4}, NullUpper: []float64{0.6}}
	f, err := plots.TARP(c)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "tarp")
	s.hasTexts(t, "TARP: joint expected coverage of all parameters", "credibility level", "expected coverage",
		"expected coverage (TARP)", "ideal", "95 % band of a calibrated posterior")
	p := s.panels[0]
	x, y := mustMap(t, p)
	if err := sameLine(oneLine(t, p, "ECP curve", strokes(blue, 4)), x, y, c.Alpha, c.ECP); err != nil {
		t.Errorf("ECP curve: %v", err)
	}
	ring := bandRing([]float64{0, 0.5, 1}, []float64{0, 0.4, 1}, []float64{0, 0.6, 1})
	if err := sameLine(firstPath(t, p, "band", fills(band, 90.0/255)), x, y, ring[0], ring[1]); err != nil {
		t.Errorf("null band: %v", err)
	}
}

func TestGrowthLinesOnLogAxis(t *testing.T) {
	t.Parallel()
	lengths := []float64{100, 200, 400, 800}
	lines := []plots.GrowthLine{
		{Param: params[0], Contraction: []float64{0.2, 0.5, 0.7, 0.9}, NRMSE: []float64{0.9, 0.7, 0.5, 0.3}},
		{Param: params[2], Contraction: []float64{0.6, 0.7, 0.8, 0.85}, NRMSE: []float64{0.6, 0.5, 0.4, 0.35}},
	}
	f, err := plots.Growth(lengths, lines)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "growth")
	s.hasTexts(t, "Posterior contraction as the recording grows", "Posterior contraction", "NRMSE of the posterior mean",
		"recording length (ms)", "contraction", "NRMSE", "C_m", "E_L", "100", "200", "400", "800")
	// lengths that double are equally spaced on the log axis
	var grid []float64
	for _, g := range s.panels[0].paths(strokes(gridColor, 2)) {
		if g.pts[0][0] == g.pts[1][0] {
			grid = append(grid, g.pts[0][0])
		}
	}
	if len(grid) != len(lengths) {
		t.Fatalf("%d vertical grid lines, want one per length", len(grid))
	}
	for i := 2; i < len(grid); i++ {
		if d0, d := grid[1]-grid[0], grid[i]-grid[i-1]; math.Abs(d-d0) > pixelTolerance {
			t.Errorf("length %g is %.4g pt from the previous, length %g %.4g pt: the axis is not logarithmic",
				lengths[i], d, lengths[1], d0)
		}
	}
	for k, get := range []func(plots.GrowthLine) []float64{
		func(l plots.GrowthLine) []float64 { return l.Contraction },
		func(l plots.GrowthLine) []float64 { return l.NRMSE },
	} {
		p := s.panels[k]
		x, y := mustMap(t, p)
		for j, l := range lines {
			c := blue
			if j == 1 {
				c = orange
			}
			if err := sameLine(firstPath(t, p, l.Param.Name, strokes(c, len(lengths))), x, y, lengths, get(l)); err != nil {
				t.Errorf("panel %d, %s: %v", k, l.Param.Name, err)
			}
		}
	}
}

func TestPairsScatterAndHistograms(t *testing.T) {
	t.Parallel()
	// Two parameters, 10 draws; the first spans [0, 3] and fills bins
	// 0 (three draws), 5 (two), 15 (one) and 29 (four) of 30.
	first := []float64{0, 0.05, 0.08, 0.55, 0.58, 1.55, 3, 3, 2.95, 2.95}
	second := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	draws := make([][]float64, len(first))
	for i := range draws {
		draws[i] = []float64{first[i], second[i]}
	}
	f, err := plots.Pairs(params[:2], draws, []float64{1, 5}, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "pairs")
	s.hasTexts(t, "Posterior draws", "C_m (uF/cm2)", "g_L (mS/cm2)")
	if len(s.panels) != 3 {
		t.Fatalf("%d panels, want 3", len(s.panels))
	}
	diag, scatter := s.panels[0], s.panels[1]
	x, y := mustMap(t, scatter)
	tol := tolerance(x, y)
	pts := glyphCenters(scatter.paths(glyphs(blue)), x, y)
	if len(pts) != len(draws) {
		t.Fatalf("%d scatter points, want %d", len(pts), len(draws))
	}
	for i, d := range draws {
		if !near(pts[i], [2]float64{d[0], d[1]}, tol) {
			t.Errorf("draw %d at %v, want %v", i, pts[i], d)
		}
	}
	// the truth's cross-hair: a vertical line at 1 and a horizontal one at 5
	var vx, hy []float64
	for _, q := range scatter.paths(strokes(red, 2)) {
		d := dataPts(q, x, y)
		if math.Abs(d[0][0]-d[1][0]) <= tol[0] {
			vx = append(vx, d[0][0])
		} else {
			hy = append(hy, d[0][1])
		}
	}
	if len(vx) != 1 || len(hy) != 1 || math.Abs(vx[0]-1) > tol[0] || math.Abs(hy[0]-5) > tol[1] {
		t.Errorf("truth lines at x %v, y %v; want x 1, y 5", vx, hy)
	}
	// The diagonal histogram hides its y axis, and shares the column's x
	// axis: bar heights are proportional to the counts.
	bs := bars(t, diag.paths(fills(blue, 200.0/255)), x, y)
	if len(bs) != 30 {
		t.Fatalf("%d bars, want 30", len(bs))
	}
	base := diag.paths(fills(blue, 200.0/255))[0].pts[0][1]
	unit := (bs[5].top - y.toData(base)) / 2 // bin 5 holds two draws
	want := map[int]float64{0: 3, 5: 2, 15: 1, 29: 4}
	for i, b := range bs {
		if math.Abs(b.lo-0.1*float64(i)) > tol[0] {
			t.Errorf("bar %d starts at %.4g, want %.4g", i, b.lo, 0.1*float64(i))
		}
		if h := (b.top - y.toData(base)) / unit; math.Abs(h-want[i]) > 0.01 {
			t.Errorf("bar %d holds %.3g draws, want %g", i, h, want[i])
		}
	}
}

func TestPredictiveBandsAndObservedTrace(t *testing.T) {
	t.Parallel()
	// flat bands around a median of -65 mV; the observed trace runs
	// outside them at -57 mV; the stimulus steps to 1 from 20 to 80 ms
	const n = 101
	in := plots.PredictiveCheck{}
	for i := range n {
		in.Time = append(in.Time, float64(i))
		in.Median = append(in.Median, -65)
		in.Lower50, in.Upper50 = append(in.Lower50, -67), append(in.Upper50, -63)
		in.Lower90, in.Upper90 = append(in.Lower90, -70), append(in.Upper90, -60)
		in.Observed = append(in.Observed, -57)
		stim := 0.0
		if i >= 20 && i < 80 {
			stim = 1
		}
		in.Stimulus = append(in.Stimulus, stim)
	}
	f, err := plots.Predictive(in)
	if err != nil {
		t.Fatal(err)
	}
	s := renderSVG(t, f, "predictive")
	s.hasTexts(t, "Posterior predictive check", "observed", "predictive median", "50 % predictive band",
		"90 % predictive band", "time (ms)", "V (mV)", "I_ext (uA/cm2)")
	top, bottom := s.panels[0], s.panels[1]
	x, ys := mustMap(t, bottom)
	_, y, _, yok := top.axes(t)
	if !yok {
		t.Fatal("predictive panel without labelled voltage ticks")
	}
	if err := sameLine(oneLine(t, top, "observed", strokes(red, n)), x, y, in.Time, in.Observed); err != nil {
		t.Errorf("observed: %v", err)
	}
	if err := sameLine(oneLine(t, top, "median", strokes(blue, n)), x, y, in.Time, in.Median); err != nil {
		t.Errorf("median: %v", err)
	}
	for _, b := range []struct {
		name   string
		alpha  float64
		lo, hi []float64
	}{{"50 % band", 110.0 / 255, in.Lower50, in.Upper50}, {"90 % band", 55.0 / 255, in.Lower90, in.Upper90}} {
		ring := bandRing(in.Time, b.lo, b.hi)
		if err := sameLine(firstPath(t, top, b.name, fills(blue, b.alpha)), x, y, ring[0], ring[1]); err != nil {
			t.Errorf("%s: %v", b.name, err)
		}
	}
	if err := sameLine(oneLine(t, bottom, "stimulus", strokes(grey, n)), x, ys, in.Time, in.Stimulus); err != nil {
		t.Errorf("stimulus: %v", err)
	}

	// The PNG of the same figure shows the same: at 10 and 50 ms, the
	// 90 % band's colour at -61.5 mV, both bands' at -64 mV, white between
	// the band and the observed trace, and red on the trace.
	img := renderPNG(t, f, "predictive")
	white := color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	in90 := over(withAlpha(blue, 55), white)
	in50 := over(withAlpha(blue, 110), in90)
	for _, tm := range []float64{10, 50} {
		for _, c := range []struct {
			v    float64
			want color.NRGBA
			tol  float64
		}{{-61.5, in90, pixelColorTolerance}, {-64, in50, pixelColorTolerance}, {-58.5, white, pixelColorTolerance},
			{-57, red, lineColorTolerance}} {
			got := pixelAt(img, f, x.offset+x.scale*tm, y.offset+y.scale*c.v)
			if !closeColor(got, c.want, c.tol) {
				t.Errorf("pixel at %g ms, %g mV is %v, want %v", tm, c.v, got, c.want)
			}
		}
	}
}
