package plots

import (
	"slices"

	"gonum.org/v1/plot"
)

// marginalBins is the number of histogram bins per marginal.
const marginalBins = 30

// MarginalPanel holds one parameter's draws from two posteriors of the
// same data, e.g. the neural posterior (A) and a reference MCMC (B).
// B may be nil to draw A alone.
type MarginalPanel struct {
	Param Param
	A, B  []float64
}

// Marginals overlays the 1-D marginal densities of two posteriors, one
// panel per parameter, on shared bins. nameA and nameB label them in the
// legend; empty means "neural" and "reference". truth, if not nil, holds
// one true value per panel, drawn as a red line. The x axis is chosen as in
// Pairs (axisRange): far outliers are left off the histograms rather than
// squashing them.
func Marginals(panels []MarginalPanel, nameA, nameB string, truth []float64) (*Figure, error) {
	if err := needPanels("marginals", len(panels)); err != nil {
		return nil, err
	}
	if truth != nil {
		if err := series(col{"marginals truth", truth}); err != nil {
			return nil, err
		}
		if err := sameLen("marginals truth", len(panels), truth); err != nil {
			return nil, err
		}
	}
	if nameA == "" {
		nameA = "neural"
	}
	if nameB == "" {
		nameB = "reference"
	}
	ps := make([]*plot.Plot, len(panels))
	for j, m := range panels {
		if err := finite("marginals "+m.Param.Name+" A", m.A); err != nil {
			return nil, err
		}
		if m.B != nil {
			if err := finite("marginals "+m.Param.Name+" B", m.B); err != nil {
				return nil, err
			}
		}
		var t []float64
		if truth != nil {
			t = truth[j : j+1]
		}
		lo, hi := axisRange(append(slices.Clone(m.A), m.B...), t)
		p := newPlot(m.Param.Name, m.Param.Label(), "density")
		ha := histogram(m.A, lo, hi, marginalBins, true)
		ha.FillColor, ha.LineStyle.Color = withAlpha(colorMain, 110), colorMain
		p.Add(ha)
		if j == 0 {
			p.Legend.Add(nameA, ha)
		}
		if m.B != nil {
			hb := histogram(m.B, lo, hi, marginalBins, true)
			hb.FillColor, hb.LineStyle.Color = withAlpha(colorAlt, 110), colorAlt
			p.Add(hb)
			if j == 0 {
				p.Legend.Add(nameB, hb)
			}
		}
		if truth != nil {
			t := vLine(truth[j], colorTruth, true)
			p.Add(t)
			if j == 0 {
				p.Legend.Add("true value", t)
			}
		}
		legendRoom(p)
		ps[j] = p
	}
	f := newGrid(ps)
	f.Title = "Posterior marginals"
	return f, nil
}
