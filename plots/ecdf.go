package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// ECDFPanel holds one parameter's ECDF difference curve from
// simulation-based calibration and its simultaneous band.
type ECDFPanel struct {
	Param Param
	// X are the evaluation points, fractional ranks in [0, 1].
	X []float64
	// Diff is ECDF(X) - X for the parameter's fractional ranks.
	Diff []float64
	// Lower and Upper bound Diff under uniform ranks, simultaneously
	// over all X at the band's level.
	Lower, Upper []float64
}

// ECDF draws one ECDF difference panel per parameter; level (in (0, 1))
// is the simultaneous band's level, used for the legend.
func ECDF(panels []ECDFPanel, level float64) (*Figure, error) {
	if err := needPanels("ecdf", len(panels)); err != nil {
		return nil, err
	}
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("plots: ecdf: band level %v outside (0, 1)", level)
	}
	ps := make([]*plot.Plot, len(panels))
	for j, e := range panels {
		name := "ecdf " + e.Param.Name
		if err := series(col{name + " X", e.X}, col{name + " Diff", e.Diff},
			col{name + " Lower", e.Lower}, col{name + " Upper", e.Upper}); err != nil {
			return nil, err
		}
		if err := ordered(name+" Lower", e.Lower, name+" Upper", e.Upper); err != nil {
			return nil, err
		}
		if err := increasing(name+" X", e.X); err != nil {
			return nil, err
		}
		sh, err := band(e.X, e.Lower, e.Upper, colorBand)
		if err != nil {
			return nil, err
		}
		l, err := line(e.X, e.Diff, colorMain, vg.Points(1.5), false)
		if err != nil {
			return nil, err
		}
		p := newPlot(e.Param.Name, "fractional rank", "ECDF difference")
		p.Add(sh, hLine(0, colorRef, true), l)
		if j == 0 {
			p.Legend.Add("ECDF - uniform", l)
			p.Legend.Add(fmt.Sprintf("%g %% simultaneous band", 100*level), sh)
		}
		ps[j] = p
	}
	f := newGrid(ps)
	f.Title = "ECDF difference (simulation-based calibration)"
	return f, nil
}
