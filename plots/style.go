package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Param names an inferred parameter and its unit, for titles and axis labels.
type Param struct {
	Name string // e.g. "C_m"
	Unit string // e.g. "uF/cm2"; empty for a dimensionless parameter
}

// Label returns "Name (Unit)", or Name alone when Unit is empty.
func (p Param) Label() string {
	if p.Unit == "" {
		return p.Name
	}
	return p.Name + " (" + p.Unit + ")"
}

// Colours shared by the figures (a colour-blind safe palette).
var (
	colorMain  = color.NRGBA{R: 31, G: 119, B: 180, A: 255}  // blue: main estimate
	colorAlt   = color.NRGBA{R: 255, G: 127, B: 14, A: 255}  // orange: comparison
	colorTruth = color.NRGBA{R: 214, G: 39, B: 40, A: 255}   // red: true or observed value
	colorRef   = color.NRGBA{R: 90, G: 90, B: 90, A: 255}    // grey: reference lines
	colorBand  = color.NRGBA{R: 150, G: 150, B: 150, A: 90}  // grey: reference bands
	colorGrid  = color.NRGBA{R: 225, G: 225, B: 225, A: 255} // light grey: grid lines
)

// withAlpha returns c with its alpha replaced by a.
func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// newPlot returns a plot with title, axis labels and light grid lines.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = colorGrid, colorGrid
	p.Add(g)
	return p
}

// line returns a solid (or dashed) line through xs, ys.
func line(xs, ys []float64, c color.Color, width vg.Length, dashed bool) (*plotter.Line, error) {
	l, err := plotter.NewLine(xyOf(xs, ys))
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	l.Color, l.Width = c, width
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	return l, nil
}

// band returns a filled polygon between lo and hi over xs.
func band(xs, lo, hi []float64, c color.Color) (*plotter.Polygon, error) {
	ring := make(plotter.XYs, 0, 2*len(xs))
	for i := range xs {
		ring = append(ring, plotter.XY{X: xs[i], Y: lo[i]})
	}
	for i := len(xs) - 1; i >= 0; i-- {
		ring = append(ring, plotter.XY{X: xs[i], Y: hi[i]})
	}
	pg, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	pg.Color, pg.LineStyle.Width = c, 0
	return pg, nil
}

// xyOf pairs xs and ys, which have equal lengths.
func xyOf(xs, ys []float64) plotter.XYs {
	out := make(plotter.XYs, len(xs))
	for i := range xs {
		out[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	return out
}

// refLine is a vertical (or horizontal) line across the whole data area.
// It does not change the axis range along its length.
type refLine struct {
	vertical bool
	at       float64
	draw.LineStyle
}

// vLine returns a vertical reference line at x.
func vLine(x float64, c color.Color, dashed bool) *refLine {
	l := &refLine{vertical: true, at: x, LineStyle: plotter.DefaultLineStyle}
	l.Color, l.Width = c, vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	return l
}

// hLine returns a horizontal reference line at y.
func hLine(y float64, c color.Color, dashed bool) *refLine {
	l := vLine(y, c, dashed)
	l.vertical = false
	return l
}

// Plot implements plot.Plotter.
func (l *refLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if l.vertical {
		x := trX(l.at)
		c.StrokeLines(l.LineStyle, c.ClipLinesX([]vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: c.Max.Y}})...)
		return
	}
	y := trY(l.at)
	c.StrokeLines(l.LineStyle, c.ClipLinesY([]vg.Point{{X: c.Min.X, Y: y}, {X: c.Max.X, Y: y}})...)
}

// DataRange implements plot.DataRanger: only the crossing coordinate counts.
func (l *refLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	inf := math.Inf(1)
	if l.vertical {
		return l.at, l.at, inf, -inf
	}
	return inf, -inf, l.at, l.at
}

// Thumbnail implements plot.Thumbnailer for legends.
func (l *refLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}

// legendRoom raises the top of p's y axis so that a legend at the top
// does not cover the data; call it after adding the data.
func legendRoom(p *plot.Plot) {
	p.Legend.Top = true
	p.Y.Max += 0.3 * (p.Y.Max - p.Y.Min)
}

// niceTicks puts about n (default 6) labelled ticks at multiples of 1, 2
// or 5 times a power of ten, with unlabelled ticks between, and prints
// labels with as many decimals as the step needs. When a small n leaves
// fewer than two labels, it asks for more ticks until there are two.
type niceTicks struct{ n int }

// Ticks implements plot.Ticker.
func (nt niceTicks) Ticks(lo, hi float64) []plot.Tick {
	want := nt.n
	if want <= 0 {
		want = 6
	}
	for ; ; want++ {
		ts := ticksFor(lo, hi, want)
		labelled := 0
		for _, t := range ts {
			if t.Label != "" {
				labelled++
			}
		}
		if labelled >= 2 || want >= 6 {
			return ts
		}
	}
}

// ticksFor puts about want labelled ticks between lo and hi.
func ticksFor(lo, hi float64, want int) []plot.Tick {
	raw := (hi - lo) / float64(want)
	if !(raw > 0) || math.IsInf(raw, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, perMajor := 10*mag, 5
	switch {
	case raw <= mag:
		step = mag
	case raw <= 2*mag:
		step, perMajor = 2*mag, 2
	case raw <= 5*mag:
		step = 5 * mag
	}
	minor := step / float64(perMajor)
	label := tickLabeller(lo, hi, step)
	var ts []plot.Tick
	for k := math.Ceil(lo/minor - 1e-9); k*minor <= hi+1e-9*minor; k++ {
		t := plot.Tick{Value: k * minor}
		if math.Mod(k, float64(perMajor)) == 0 {
			t.Label = label(k * minor)
		}
		ts = append(ts, t)
	}
	return ts
}

// Tick label formats: fixed decimals unless the step is below
// minFixedStep or the values reach maxFixedValue, where exponent notation
// keeps labels short (7e-42, not forty zeros).
const (
	minFixedStep  = 1e-4
	maxFixedValue = 1e6
)

// tickLabeller returns a formatter for tick values between lo and hi spaced
// by step, with as many digits as the step needs.
func tickLabeller(lo, hi, step float64) func(float64) string {
	stepExp := int(math.Floor(math.Log10(step) + 1e-9))
	if big := math.Max(math.Abs(lo), math.Abs(hi)); step >= minFixedStep && big < maxFixedValue {
		dec := max(0, -stepExp)
		return func(v float64) string {
			l := strconv.FormatFloat(v, 'f', dec, 64)
			if strings.Trim(l, "-0.") == "" {
				l = strings.TrimPrefix(l, "-")
			}
			return l
		}
	}
	return func(v float64) string {
		if math.Abs(v) < step/2 {
			return "0"
		}
		// significant digits down to the step's decade
		sig := max(1, int(math.Floor(math.Log10(math.Abs(v))+1e-9))-stepExp+1)
		return strconv.FormatFloat(v, 'g', sig, 64)
	}
}

// unlabelled keeps default tick marks but drops their labels, for panels
// that share an axis with a neighbour; n is niceTicks' (0: its default).
type unlabelled struct{ n int }

// Ticks implements plot.Ticker.
func (u unlabelled) Ticks(min, max float64) []plot.Tick {
	ts := niceTicks{n: u.n}.Ticks(min, max)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
}

// histogram bins xs into n equal bins over [lo, hi]; with density the bar
// areas sum to one. Values outside [lo, hi] are dropped.
func histogram(xs []float64, lo, hi float64, n int, density bool) *plotter.Histogram {
	if hi <= lo {
		pad := math.Max(math.Abs(lo)*0.05, 0.5)
		lo, hi = lo-pad, hi+pad
	}
	w := (hi - lo) / float64(n)
	bins := make([]plotter.HistogramBin, n)
	for i := range bins {
		bins[i].Min, bins[i].Max = lo+float64(i)*w, lo+float64(i+1)*w
	}
	for _, x := range xs {
		if x < lo || x > hi {
			continue
		}
		bins[min(int((x-lo)/w), n-1)].Weight++
	}
	if density {
		for i := range bins {
			bins[i].Weight /= float64(len(xs)) * w
		}
	}
	h := &plotter.Histogram{Bins: bins, Width: w, LineStyle: plotter.DefaultLineStyle}
	h.LineStyle.Width = vg.Points(0.5)
	return h
}

// span returns the smallest and largest value over all slices.
func span(xss ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, xs := range xss {
		for _, x := range xs {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	return lo, hi
}
