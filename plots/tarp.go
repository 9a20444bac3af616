package plots

import (
	"fmt"

	"gonum.org/v1/plot/vg"
)

// TARPCurve is the expected coverage of a TARP test (diagnose.TARP): ECP
// at each credibility level Alpha. Lower and Upper, both nil or both set,
// are a band around ECP (e.g. bootstrap); Z, NullLower and NullUpper, all
// nil or all set, are the band inside which the curve of a calibrated
// posterior stays (e.g. the simultaneous 95 % band), on the ECP scale.
type TARPCurve struct {
	Alpha, ECP              []float64
	Lower, Upper            []float64
	Z, NullLower, NullUpper []float64
	BandLabel               string // legend of Lower/Upper; empty: "bootstrap band"
}

// TARP draws the expected coverage probability against the credibility
// level with the diagonal of a calibrated posterior: below it the
// posteriors are overconfident (too narrow or biased), above it too wide.
func TARP(c TARPCurve) (*Figure, error) {
	cols := []col{{"TARP Alpha", c.Alpha}, {"TARP ECP", c.ECP}}
	hasBand := c.Lower != nil || c.Upper != nil
	if hasBand {
		cols = append(cols, col{"TARP Lower", c.Lower}, col{"TARP Upper", c.Upper})
	}
	if err := series(cols...); err != nil {
		return nil, err
	}
	for _, cl := range cols {
		if lo, hi := span(cl.xs); lo < 0 || hi > 1 {
			return nil, fmt.Errorf("plots: %s outside [0, 1]", cl.name)
		}
	}
	if err := increasing("TARP Alpha", c.Alpha); err != nil {
		return nil, err
	}
	p := newPlot("", "credibility level", "expected coverage")
	if c.Z != nil || c.NullLower != nil || c.NullUpper != nil {
		if err := series(col{"TARP Z", c.Z}, col{"TARP NullLower", c.NullLower}, col{"TARP NullUpper", c.NullUpper}); err != nil {
			return nil, err
		}
		if err := ordered("TARP NullLower", c.NullLower, "TARP NullUpper", c.NullUpper); err != nil {
			return nil, err
		}
		// the band is pinned to the corners, where every curve starts and ends
		z := append(append([]float64{0}, c.Z...), 1)
		lo := append(append([]float64{0}, c.NullLower...), 1)
		hi := append(append([]float64{0}, c.NullUpper...), 1)
		nb, err := band(z, lo, hi, colorBand)
		if err != nil {
			return nil, err
		}
		p.Add(nb)
		p.Legend.Add("95 % band of a calibrated posterior", nb)
	}
	diag, err := line([]float64{0, 1}, []float64{0, 1}, colorRef, vg.Points(1), true)
	if err != nil {
		return nil, err
	}
	p.Add(diag)
	p.Legend.Add("ideal", diag)
	if hasBand {
		if err := ordered("TARP Lower", c.Lower, "TARP Upper", c.Upper); err != nil {
			return nil, err
		}
		sh, err := band(c.Alpha, c.Lower, c.Upper, withAlpha(colorMain, 70))
		if err != nil {
			return nil, err
		}
		p.Add(sh)
		label := c.BandLabel
		if label == "" {
			label = "bootstrap band"
		}
		p.Legend.Add(label, sh)
	}
	l, err := line(c.Alpha, c.ECP, colorMain, vg.Points(1.5), false)
	if err != nil {
		return nil, err
	}
	p.Add(l)
	p.Legend.Add("expected coverage (TARP)", l)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Legend.Top, p.Legend.Left = true, true
	f := NewFigure(p)
	f.Title = "TARP: joint expected coverage of all parameters"
	return f, nil
}
