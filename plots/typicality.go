package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// typicalityBins is the number of bins of the null histogram.
const typicalityBins = 30

// TypicalityCheck holds a typicality test of observed data against the
// training data in summary space.
type TypicalityCheck struct {
	// Null holds the test statistic (e.g. MMD) under the null hypothesis
	// that the observation is typical, e.g. from a bootstrap.
	Null []float64
	// Observed is the statistic for the observed data.
	Observed float64
	// TrainX and TrainY, both nil or both set, place the training
	// summaries in a 2-D view (e.g. the first two principal components);
	// ObsX, ObsY place the observation in the same view.
	TrainX, TrainY []float64
	ObsX, ObsY     float64
	// XLabel and YLabel name the 2-D view's axes; empty means "PC 1"
	// and "PC 2".
	XLabel, YLabel string
}

// Typicality draws the histogram of the null statistic with the observed
// value as a vertical line and, when training summaries are given, a
// scatter of them with the observation beside it.
func Typicality(in TypicalityCheck) (*Figure, error) {
	if err := finite("typicality Null", in.Null); err != nil {
		return nil, err
	}
	if err := finite("typicality Observed", []float64{in.Observed}); err != nil {
		return nil, err
	}
	nullLo, nullHi := span(in.Null)
	h := histogram(in.Null, nullLo, nullHi, typicalityBins, false)
	lo, hi := min(nullLo, in.Observed), max(nullHi, in.Observed)
	pad := 0.05 * (hi - lo)
	h.FillColor = withAlpha(colorMain, 200)
	obs := vLine(in.Observed, colorTruth, false)
	hp := newPlot("Statistic under the null", "statistic", "count")
	hp.Add(h, obs)
	hp.X.Min, hp.X.Max = lo-pad, hi+pad
	legendRoom(hp)
	hp.Legend.Add("null (bootstrap)", h)
	hp.Legend.Add(fmt.Sprintf("observed = %.3g", in.Observed), obs)
	if in.TrainX == nil && in.TrainY == nil {
		f := NewFigure(hp)
		f.Title = "Typicality"
		return f, nil
	}
	if err := series(col{"typicality TrainX", in.TrainX}, col{"typicality TrainY", in.TrainY}); err != nil {
		return nil, err
	}
	if err := finite("typicality observed point", []float64{in.ObsX, in.ObsY}); err != nil {
		return nil, err
	}
	xl, yl := in.XLabel, in.YLabel
	if xl == "" {
		xl = "PC 1"
	}
	if yl == "" {
		yl = "PC 2"
	}
	train, err := plotter.NewScatter(xyOf(in.TrainX, in.TrainY))
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	train.GlyphStyle = draw.GlyphStyle{Color: withAlpha(colorMain, 80), Radius: vg.Points(1.2), Shape: draw.CircleGlyph{}}
	pt, err := plotter.NewScatter(plotter.XYs{{X: in.ObsX, Y: in.ObsY}})
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	pt.GlyphStyle = draw.GlyphStyle{Color: colorTruth, Radius: vg.Points(5), Shape: draw.CrossGlyph{}}
	sp := newPlot("Summary space", xl, yl)
	sp.Add(train, pt)
	legendRoom(sp)
	sp.Legend.Add("training summaries", train)
	sp.Legend.Add("observed", pt)
	f := &Figure{
		Title:  "Typicality",
		Panels: [][]*plot.Plot{{hp, sp}},
		Width:  2 * 1.25 * panelWidth, Height: 1.25 * panelHeight,
	}
	return f, nil
}
