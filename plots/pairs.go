package plots

import (
	"fmt"

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
)

// Pairs draws a corner plot of one posterior's draws: draws[i][j] is
// parameter j in draw i. Histograms sit on the diagonal and pairwise
// scatter plots below it (thinned to at most 1000 evenly spaced draws).
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
	for j := range cols {
		if err := finite("pairs draws of "+params[j].Name, cols[j]); err != nil {
			return nil, err
		}
		lo[j], hi[j] = span(cols[j])
		if truth != nil {
			lo[j], hi[j] = min(lo[j], truth[j]), max(hi[j], truth[j])
		}
		if lo[j] == hi[j] {
			lo[j], hi[j] = lo[j]-0.5, hi[j]+0.5
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
			} else {
				var xy plotter.XYs
				for k := 0; k < len(draws); k += stride {
					xy = append(xy, plotter.XY{X: cols[j][k], Y: cols[i][k]})
				}
				s, err := plotter.NewScatter(xy)
				if err != nil {
					return nil, fmt.Errorf("plots: %w", err)
				}
				s.GlyphStyle = draw.GlyphStyle{Color: withAlpha(colorMain, 90), Radius: vg.Points(1), Shape: draw.CircleGlyph{}}
				p.Add(s)
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
			} else {
				p.X.Tick.Marker = unlabelled{}
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
