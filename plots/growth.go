package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// GrowthLine holds one parameter's metrics at each recording length:
// posterior contraction (1 - posterior variance / prior variance, averaged
// over held-out simulations) and, optionally, NRMSE of the posterior mean.
type GrowthLine struct {
	Param       Param
	Contraction []float64 // one per length, at most 1
	NRMSE       []float64 // nil, or one per length, not negative
}

// growthColors tell up to ten parameters apart (the Tableau 10 palette,
// starting with the colours of style.go); glyph shapes repeat with a
// different period so that lines stay distinct beyond ten.
var growthColors = []color.Color{
	colorMain, colorAlt, color.NRGBA{R: 44, G: 160, B: 44, A: 255}, colorTruth,
	color.NRGBA{R: 148, G: 103, B: 189, A: 255}, color.NRGBA{R: 140, G: 86, B: 75, A: 255},
	color.NRGBA{R: 227, G: 119, B: 194, A: 255}, color.NRGBA{R: 127, G: 127, B: 127, A: 255},
	color.NRGBA{R: 188, G: 189, B: 34, A: 255}, color.NRGBA{R: 23, G: 190, B: 207, A: 255},
}

var growthGlyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.CrossGlyph{}}

// Growth draws posterior contraction against recording length (ms, log
// scale, a tick at each length), one line per parameter, and beside it the
// NRMSE when every line has it. Lengths must be positive and increasing.
// Contraction rising towards 1 (and NRMSE falling) shows the posterior
// narrowing as data grow.
func Growth(lengths []float64, lines []GrowthLine) (*Figure, error) {
	if err := needPanels("growth", len(lines)); err != nil {
		return nil, err
	}
	if err := finite("growth lengths", lengths); err != nil {
		return nil, err
	}
	for i, x := range lengths {
		if !(x > 0) || i > 0 && !(x > lengths[i-1]) {
			return nil, fmt.Errorf("plots: growth lengths must be positive and increasing (index %d: %v)", i, x)
		}
	}
	withNRMSE := lines[0].NRMSE != nil
	for _, l := range lines {
		name := "growth " + l.Param.Name
		if err := series(col{name + " lengths", lengths}, col{name + " Contraction", l.Contraction}); err != nil {
			return nil, err
		}
		if _, hi := span(l.Contraction); hi > 1 {
			return nil, fmt.Errorf("plots: %s Contraction exceeds 1", name)
		}
		if (l.NRMSE != nil) != withNRMSE {
			return nil, fmt.Errorf("plots: %s: NRMSE must be given for every line or none", name)
		}
		if withNRMSE {
			if err := series(col{name + " lengths", lengths}, col{name + " NRMSE", l.NRMSE}); err != nil {
				return nil, err
			}
			if lo, _ := span(l.NRMSE); lo < 0 {
				return nil, fmt.Errorf("plots: %s NRMSE is negative", name)
			}
		}
	}
	contraction := make([][]float64, len(lines))
	nrmse := make([][]float64, len(lines))
	for j, l := range lines {
		contraction[j], nrmse[j] = l.Contraction, l.NRMSE
	}
	cp, err := growthPanel("Posterior contraction", "contraction", lengths, lines, contraction)
	if err != nil {
		return nil, err
	}
	// Room above contraction 1 for the legend, about a tenth of the range
	// per parameter, so that it covers no line.
	lo, _ := span(contraction...)
	cp.Y.Min = min(lo, 0)
	cp.Y.Max = 1 + (0.1+0.08*float64(len(lines)))*(1-cp.Y.Min)
	cp.Add(hLine(1, colorRef, true)) // a posterior collapsed to a point
	cp.Legend.Top, cp.Legend.Left = true, true
	ps := []*plot.Plot{cp}
	if withNRMSE {
		np, err := growthPanel("NRMSE of the posterior mean", "NRMSE", lengths, nil, nrmse)
		if err != nil {
			return nil, err
		}
		np.Y.Min = 0
		ps = append(ps, np)
	}
	f := newGrid(ps)
	f.Width, f.Height = f.Width*1.25, f.Height*1.5
	f.Title = "Posterior contraction as the recording grows"
	return f, nil
}

// growthPanel draws one metric per line against lengths; with named lines
// it also fills the legend.
func growthPanel(title, yLabel string, lengths []float64, named []GrowthLine, ys [][]float64) (*plot.Plot, error) {
	p := newPlot(title, "recording length (ms)", yLabel)
	p.X.Scale = plot.LogScale{}
	ticks := make(plot.ConstantTicks, len(lengths))
	for i, x := range lengths {
		ticks[i] = plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', 6, 64)}
	}
	p.X.Tick.Marker = ticks
	for j, y := range ys {
		l, pts, err := plotter.NewLinePoints(xyOf(lengths, y))
		if err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		c := growthColors[j%len(growthColors)]
		l.Color, l.Width = c, vg.Points(1.5)
		pts.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(3), Shape: growthGlyphs[j%len(growthGlyphs)]}
		p.Add(l, pts)
		if named != nil {
			p.Legend.Add(named[j].Param.Name, l, pts)
		}
	}
	// Pad the log axis a quarter of the way to the next doubling, so the
	// end points do not sit on the frame (and one length still has a range).
	p.X.Min, p.X.Max = lengths[0]/math.Pow(2, 0.25), lengths[len(lengths)-1]*math.Pow(2, 0.25)
	return p, nil
}
