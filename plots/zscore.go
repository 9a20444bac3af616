package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ZContractionPanel holds, for one parameter and each held-out simulation,
// the posterior contraction (1 - posterior variance / prior variance) and
// the posterior z-score ((posterior mean - true value) / posterior sd).
type ZContractionPanel struct {
	Param          Param
	Contraction, Z []float64
}

// ZContraction draws z-score against posterior contraction, one panel per
// parameter. A calibrated, informative posterior puts the points at high
// contraction with z-scores scattered around zero.
func ZContraction(panels []ZContractionPanel) (*Figure, error) {
	if err := needPanels("z-score vs contraction", len(panels)); err != nil {
		return nil, err
	}
	ps := make([]*plot.Plot, len(panels))
	for j, z := range panels {
		name := "z-score " + z.Param.Name
		if err := series(col{name + " Contraction", z.Contraction}, col{name + " Z", z.Z}); err != nil {
			return nil, err
		}
		dots, err := plotter.NewScatter(xyOf(z.Contraction, z.Z))
		if err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		dots.GlyphStyle = draw.GlyphStyle{Color: withAlpha(colorMain, 150), Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
		p := newPlot(z.Param.Name, "posterior contraction", "posterior z-score")
		p.Add(hLine(0, colorRef, true), dots)
		lo, hi := span(z.Contraction)
		p.X.Min, p.X.Max = min(lo, 0), max(hi, 1)
		ps[j] = p
	}
	f := newGrid(ps)
	f.Title = "Posterior z-score vs contraction"
	return f, nil
}
