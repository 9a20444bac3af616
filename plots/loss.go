package plots

import (
	"fmt"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Loss draws training and validation loss per epoch (epochs count from 1)
// and marks the epoch with the lowest validation loss. val may be nil;
// otherwise it has one value per epoch, like train.
func Loss(train, val []float64) (*Figure, error) {
	if err := finite("loss: train", train); err != nil {
		return nil, err
	}
	if val != nil {
		if err := series(col{"loss: train", train}, col{"loss: validation", val}); err != nil {
			return nil, err
		}
	}
	epochs := make([]float64, len(train))
	for i := range epochs {
		epochs[i] = float64(i + 1)
	}
	p := newPlot("Training loss", "epoch", "loss")
	tl, err := line(epochs, train, colorMain, vg.Points(1.5), false)
	if err != nil {
		return nil, err
	}
	p.Add(tl)
	p.Legend.Top = true
	p.Legend.Add("train", tl)
	if val != nil {
		vl, err := line(epochs, val, colorAlt, vg.Points(1.5), false)
		if err != nil {
			return nil, err
		}
		best := 0
		for i, v := range val {
			if v < val[best] {
				best = i
			}
		}
		mark, err := plotter.NewScatter(plotter.XYs{{X: epochs[best], Y: val[best]}})
		if err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		mark.GlyphStyle = draw.GlyphStyle{Color: colorAlt, Radius: vg.Points(4), Shape: draw.RingGlyph{}}
		p.Add(vl, mark)
		p.Legend.Add("validation", vl)
		p.Legend.Add(fmt.Sprintf("best validation (epoch %d)", best+1), mark)
	}
	return NewFigure(p), nil
}
