package plots

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Pairs plot settings.
const (
	pairsPanel   = 2.2 * vg.Inch // side of one panel
	pairsBins    = 30            // default histogram bins
	pairsScatter = 1000          // most draws shown in a scatter panel
	pairsXTicks  = 3             // about this many labelled x ticks, so labels fit a narrow panel
)

// Pairs draws a corner plot of one posterior's draws: draws[i][j] is
// parameter j in draw i. Histograms sit on the diagonal and pairwise
// scatter plots below it (thinned to at most 1000 evenly spaced draws).
// Each axis spans the draws (axisRange): when a few far outliers would
// squash the rest, it is clipped to the bulk, the outliers are drawn as
// orange triangles on its edge and counted above the histogram.
// truth, if not nil, holds one true value per parameter and is marked in
// red. bins <= 0 picks 30.
func Pairs(params []Param, draws [][]float64, truth []float64, bins int) (*Figure, error) {
	d := len(params)
	if err := needPanels("pairs", d); err != nil {
		return nil, err
	}
	if len(draws) < 2 {
		return nil, fmt.Errorf("plots: pairs: %d draws, need at least 2", len(draws))
	}
	if truth != nil {
		if err := series(col{"pairs truth", truth}); err != nil {
			return nil, err
		}
		if err := sameLen("pairs truth", d, truth); err != nil {
			return nil, err
		}
	}
	if bins <= 0 {
		bins = pairsBins
	}
	cols := make([][]float64, d)
	for i, row := range draws {
		if err := sameLen(fmt.Sprintf("pairs draws[%d]", i), d, row); err != nil {
			return nil, err
		}
		for j, v := range row {
			cols[j] = append(cols[j], v)
		}
	}
	lo, hi := make([]float64, d), make([]float64, d)
	off := make([]int, d) // draws beyond the axis range
	for j := range cols {
		if err := finite("pairs draws of "+params[j].Name, cols[j]); err != nil {
			return nil, err
		}
		var t []float64
		if truth != nil {
			t = truth[j : j+1]
		}
		lo[j], hi[j] = axisRange(cols[j], t)
		for _, v := range cols[j] {
			if v < lo[j] || v > hi[j] {
				off[j]++
			}
		}
	}
	stride := (len(draws) + pairsScatter - 1) / pairsScatter

	f := &Figure{Width: vg.Length(d) * pairsPanel, Height: vg.Length(d) * pairsPanel}
	for i := range d {
		row := make([]*plot.Plot, d)
		for j := 0; j <= i; j++ {
			p := newPlot("", "", "")
			if i == j {
				h := histogram(cols[j], lo[j], hi[j], bins, true)
				h.FillColor = withAlpha(colorMain, 200)
				p.Add(h)
				p.HideY()
				if off[j] > 0 {
					p.Title.Text = fmt.Sprintf("%d draws beyond the axis", off[j])
					p.Title.TextStyle.Font.Size = vg.Points(8)
				}
			} else {
				var in, out plotter.XYs
				for k := 0; k < len(draws); k += stride {
					x, y := clamp(cols[j][k], lo[j], hi[j]), clamp(cols[i][k], lo[i], hi[i])
					if x != cols[j][k] || y != cols[i][k] {
						out = append(out, plotter.XY{X: x, Y: y})
					} else {
						in = append(in, plotter.XY{X: x, Y: y})
					}
				}
				for _, pts := range []struct {
					xy    plotter.XYs
					glyph draw.GlyphStyle
				}{
					{in, draw.GlyphStyle{Color: withAlpha(colorMain, 90), Radius: vg.Points(1), Shape: draw.CircleGlyph{}}},
					{out, draw.GlyphStyle{Color: colorAlt, Radius: vg.Points(2), Shape: draw.TriangleGlyph{}}},
				} {
					if len(pts.xy) == 0 {
						continue
					}
					s, err := plotter.NewScatter(pts.xy)
					if err != nil {
						return nil, fmt.Errorf("plots: %w", err)
					}
					s.GlyphStyle = pts.glyph
					p.Add(s)
				}
				p.Y.Min, p.Y.Max = lo[i], hi[i]
				if truth != nil {
					p.Add(hLine(truth[i], colorTruth, false))
				}
			}
			if truth != nil {
				p.Add(vLine(truth[j], colorTruth, false))
			}
			p.X.Min, p.X.Max = lo[j], hi[j]
			if i == d-1 {
				p.X.Label.Text = params[j].Label()
				p.X.Tick.Marker = niceTicks{n: pairsXTicks}
			} else {
				p.X.Tick.Marker = unlabelled{n: pairsXTicks}
			}
			if j == 0 && i > 0 {
				p.Y.Label.Text = params[i].Label()
			} else if i != j {
				p.Y.Tick.Marker = unlabelled{}
			}
			row[j] = p
		}
		f.Panels = append(f.Panels, row)
	}
	f.Title = "Posterior draws"
	return f, nil
}

// Axis ranges of a pairs plot.
const (
	pairsTail = 0.005 // quantile cut on each side of a clipped axis
	pairsClip = 4     // clip when the full span exceeds this many bulk spans
	pairsPad  = 0.5   // padding of a clipped axis each side, as a share of the bulk span
)

// axisRange returns the axis range of one parameter's draws xs, taking in
// the truth (zero or one value): their full span, unless it exceeds
// pairsClip times the span of the central 99 % of the draws, in which
// case that central span, padded. A span of (nearly) zero width is widened by 5 %
// of the value either side (0.5 at zero), so that values like 7e-42 keep
// an axis on their own scale.
func axisRange(xs, truth []float64) (lo, hi float64) {
	lo, hi = span(xs, truth)
	s := slices.Clone(xs)
	slices.Sort(s)
	qlo, qhi := quantileSorted(s, pairsTail), quantileSorted(s, 1-pairsTail)
	if bulk := qhi - qlo; bulk > 0 && hi-lo > pairsClip*bulk {
		lo, hi = qlo-pairsPad*bulk, qhi+pairsPad*bulk
		for _, t := range truth {
			lo, hi = min(lo, t), max(hi, t)
		}
	}
	if hi-lo <= 1e-9*math.Max(math.Abs(lo), math.Abs(hi)) {
		pad := 0.05 * math.Abs(lo)
		if pad == 0 {
			pad = 0.5
		}
		lo, hi = lo-pad, hi+pad
	}
	return lo, hi
}

// quantileSorted is the linear-interpolation quantile of ascending s.
func quantileSorted(s []float64, q float64) float64 {
	h := q * float64(len(s)-1)
	i := int(h)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + (h-float64(i))*(s[i+1]-s[i])
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi float64) float64 { return min(max(v, lo), hi) }
