package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// RecoveryPanel holds, for one parameter and each held-out simulation,
// the true value and the posterior median with a central credible interval.
type RecoveryPanel struct {
	Param                      Param
	True, Median, Lower, Upper []float64
}

// Recovery draws posterior median against true value with interval error
// bars, one panel per parameter, and the identity line. level (in (0, 1))
// is the credible intervals' level, used for the legend.
func Recovery(panels []RecoveryPanel, level float64) (*Figure, error) {
	if err := needPanels("recovery", len(panels)); err != nil {
		return nil, err
	}
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("plots: recovery: interval level %v outside (0, 1)", level)
	}
	ps := make([]*plot.Plot, len(panels))
	for j, r := range panels {
		name := "recovery " + r.Param.Name
		if err := series(col{name + " True", r.True}, col{name + " Median", r.Median},
			col{name + " Lower", r.Lower}, col{name + " Upper", r.Upper}); err != nil {
			return nil, err
		}
		if err := ordered(name+" Lower", r.Lower, name+" Median", r.Median); err != nil {
			return nil, err
		}
		if err := ordered(name+" Median", r.Median, name+" Upper", r.Upper); err != nil {
			return nil, err
		}
		pts := struct {
			plotter.XYs
			plotter.YErrors
		}{xyOf(r.True, r.Median), make(plotter.YErrors, len(r.True))}
		for i := range r.True {
			pts.YErrors[i].Low, pts.YErrors[i].High = r.Median[i]-r.Lower[i], r.Upper[i]-r.Median[i]
		}
		bars, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		bars.Color, bars.Width, bars.CapWidth = withAlpha(colorMain, 110), vg.Points(0.8), 0
		dots, err := plotter.NewScatter(pts.XYs)
		if err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		dots.GlyphStyle = draw.GlyphStyle{Color: colorMain, Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
		lo, hi := span(r.True, r.Lower, r.Upper)
		if lo == hi {
			lo, hi = lo-0.5, hi+0.5
		}
		pad := 0.03 * (hi - lo)
		lo, hi = lo-pad, hi+pad
		id, err := line([]float64{lo, hi}, []float64{lo, hi}, colorRef, vg.Points(1), true)
		if err != nil {
			return nil, err
		}
		p := newPlot(r.Param.Name, "true "+r.Param.Label(), "posterior median "+r.Param.Label())
		p.Add(bars, id, dots)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
		p.Legend.Top, p.Legend.Left = true, true
		if j == 0 {
			p.Legend.Add(fmt.Sprintf("median with %g %% interval", math.Round(1000*level)/10), dots)
			p.Legend.Add("identity", id)
		}
		ps[j] = p
	}
	f := newGrid(ps)
	f.Title = "Parameter recovery on held-out simulations"
	return f, nil
}
