package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// CoveragePanel holds one parameter's coverage curve: for each nominal
// credible level, the fraction of held-out simulations whose interval
// held the true value. Lower and Upper, both nil or both set, bound the
// empirical coverage (e.g. 2 Monte Carlo standard errors either side);
// the band is clipped to [0, 1].
type CoveragePanel struct {
	Param              Param
	Nominal, Empirical []float64
	Lower, Upper       []float64
}

// Coverage draws empirical against nominal coverage, one panel per
// parameter, with the diagonal of perfect calibration. Curves above the
// diagonal mean conservative intervals, below it overconfident ones.
func Coverage(panels []CoveragePanel) (*Figure, error) {
	if err := needPanels("coverage", len(panels)); err != nil {
		return nil, err
	}
	ps := make([]*plot.Plot, len(panels))
	for j, c := range panels {
		name := "coverage " + c.Param.Name
		cols := []col{{name + " Nominal", c.Nominal}, {name + " Empirical", c.Empirical}}
		hasBand := c.Lower != nil || c.Upper != nil
		if hasBand {
			cols = append(cols, col{name + " Lower", c.Lower}, col{name + " Upper", c.Upper})
		}
		if err := series(cols...); err != nil {
			return nil, err
		}
		for _, cl := range cols[:2] {
			if lo, hi := span(cl.xs); lo < 0 || hi > 1 {
				return nil, fmt.Errorf("plots: %s outside [0, 1]", cl.name)
			}
		}
		if err := increasing(name+" Nominal", c.Nominal); err != nil {
			return nil, err
		}
		p := newPlot(c.Param.Name, "nominal coverage", "empirical coverage")
		diag, err := line([]float64{0, 1}, []float64{0, 1}, colorRef, vg.Points(1), true)
		if err != nil {
			return nil, err
		}
		p.Add(diag)
		if hasBand {
			if err := ordered(name+" Lower", c.Lower, name+" Upper", c.Upper); err != nil {
				return nil, err
			}
			sh, err := band(c.Nominal, c.Lower, c.Upper, withAlpha(colorMain, 60))
			if err != nil {
				return nil, err
			}
			p.Add(sh)
			if j == 0 {
				p.Legend.Add("uncertainty band", sh)
			}
		}
		l, err := line(c.Nominal, c.Empirical, colorMain, vg.Points(1.5), false)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
		p.Legend.Top, p.Legend.Left = true, true
		if j == 0 {
			p.Legend.Add("empirical", l)
			p.Legend.Add("ideal", diag)
		}
		ps[j] = p
	}
	f := newGrid(ps)
	f.Title = "Coverage of central credible intervals"
	return f, nil
}
