package plots

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DefaultDPI is the PNG resolution used when Figure.DPI is zero.
const DefaultDPI = 100

// Layout lengths shared by all figures.
const (
	panelWidth  = 4 * vg.Inch  // width of one panel in a grid
	panelHeight = 3 * vg.Inch  // height of one panel in a grid
	maxCols     = 3            // panels per row in a per-parameter grid
	figMargin   = vg.Inch / 10 // blank border around the figure
	padCol      = vg.Inch / 5  // gap between columns
	padRow      = vg.Inch / 8  // gap between rows
	titleSize   = 14           // figure title font size, points
)

// Figure is one or more plots laid out on a grid, ready to draw or save.
// Constructors return it filled in; callers may still change the title,
// the size or any panel.
type Figure struct {
	// Title, if not empty, is drawn centred above all panels.
	Title string
	// Panels holds the plots row by row; a nil plot leaves its cell blank.
	// Every row has the same number of cells.
	Panels [][]*plot.Plot
	// RowHeights gives relative row heights; nil means equal rows.
	RowHeights []float64
	// Width and Height are the size of the whole figure.
	Width, Height vg.Length
	// DPI is the PNG resolution in dots per inch; 0 means DefaultDPI.
	DPI int
}

// NewFigure wraps a single plot in a figure of one panel's size.
func NewFigure(p *plot.Plot) *Figure {
	return &Figure{Panels: [][]*plot.Plot{{p}}, Width: 1.5 * panelWidth, Height: 1.5 * panelHeight}
}

// newGrid lays out one panel per parameter, at most maxCols per row.
func newGrid(ps []*plot.Plot) *Figure {
	cols := min(len(ps), maxCols)
	rows := (len(ps) + cols - 1) / cols
	f := &Figure{Width: vg.Length(cols) * panelWidth, Height: vg.Length(rows) * panelHeight}
	for r := range rows {
		row := make([]*plot.Plot, cols)
		copy(row, ps[r*cols:])
		f.Panels = append(f.Panels, row)
	}
	return f
}

// validate reports a figure that cannot be drawn.
func (f *Figure) validate() error {
	if f == nil || len(f.Panels) == 0 || len(f.Panels[0]) == 0 {
		return errors.New("plots: empty figure")
	}
	for i, row := range f.Panels {
		if len(row) != len(f.Panels[0]) {
			return fmt.Errorf("plots: figure row %d has %d cells, row 0 has %d", i, len(row), len(f.Panels[0]))
		}
	}
	if f.RowHeights != nil && len(f.RowHeights) != len(f.Panels) {
		return fmt.Errorf("plots: %d row heights for %d rows", len(f.RowHeights), len(f.Panels))
	}
	for _, h := range f.RowHeights {
		if !(h > 0) {
			return fmt.Errorf("plots: row height %v is not positive", h)
		}
	}
	if !(f.Width > 0 && f.Height > 0) {
		return fmt.Errorf("plots: figure size %v x %v is not positive", f.Width, f.Height)
	}
	return nil
}

// Draw draws the figure onto c: a white background, the title, and the
// panels with their data areas aligned along rows and columns.
func (f *Figure) Draw(c draw.Canvas) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	c = draw.Crop(c, figMargin, -figMargin, figMargin, -figMargin)
	if f.Title != "" {
		sty := text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, vg.Points(titleSize)),
			XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.Title)
		c.Max.Y -= sty.Rectangle(f.Title).Size().Y + padRow
	}
	cells := f.cells(c)

	// Align data areas: in each column the widest left and right axis
	// space wins, in each row the tallest bottom and top space wins.
	rows, cols := len(f.Panels), len(f.Panels[0])
	left, right := make([]vg.Length, cols), make([]vg.Length, cols)
	bottom, top := make([]vg.Length, rows), make([]vg.Length, rows)
	for i, row := range f.Panels {
		for j, p := range row {
			if p == nil {
				continue
			}
			cc, dc := cells[i][j], p.DataCanvas(cells[i][j])
			left[j] = max(left[j], dc.Min.X-cc.Min.X)
			right[j] = max(right[j], cc.Max.X-dc.Max.X)
			bottom[i] = max(bottom[i], dc.Min.Y-cc.Min.Y)
			top[i] = max(top[i], cc.Max.Y-dc.Max.Y)
		}
	}
	for i, row := range f.Panels {
		for j, p := range row {
			if p == nil {
				continue
			}
			cc := cells[i][j]
			dc := p.DataCanvas(cc)
			p.Draw(draw.Crop(cc,
				left[j]-(dc.Min.X-cc.Min.X), (cc.Max.X-dc.Max.X)-right[j],
				bottom[i]-(dc.Min.Y-cc.Min.Y), (cc.Max.Y-dc.Max.Y)-top[i]))
		}
	}
}

// cells splits c into the grid's cells: equal columns, rows by RowHeights.
func (f *Figure) cells(c draw.Canvas) [][]draw.Canvas {
	rows, cols := len(f.Panels), len(f.Panels[0])
	weights := f.RowHeights
	if weights == nil {
		weights = make([]float64, rows)
		for i := range weights {
			weights[i] = 1
		}
	}
	var total float64
	for _, w := range weights {
		total += w
	}
	usableH := c.Max.Y - c.Min.Y - vg.Length(rows-1)*padRow
	cellW := (c.Max.X - c.Min.X - vg.Length(cols-1)*padCol) / vg.Length(cols)
	out := make([][]draw.Canvas, rows)
	yTop := c.Max.Y
	for i := range rows {
		h := usableH * vg.Length(weights[i]/total)
		out[i] = make([]draw.Canvas, cols)
		for j := range cols {
			cc := c
			cc.Min = vg.Point{X: c.Min.X + vg.Length(j)*(cellW+padCol), Y: yTop - h}
			cc.Max = vg.Point{X: cc.Min.X + cellW, Y: yTop}
			out[i][j] = cc
		}
		yTop -= h + padRow
	}
	return out
}

// Save writes the figure to dir/name.png and dir/name.svg. Each file is
// written to a temporary file in dir and renamed, so readers never see a
// partial figure.
func Save(f *Figure, dir, name string) error {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return fmt.Errorf("plots: bad figure name %q", name)
	}
	if err := f.validate(); err != nil {
		return err
	}
	dpi := f.DPI
	if dpi <= 0 {
		dpi = DefaultDPI
	}
	img := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(dpi))
	f.Draw(draw.New(img))
	if err := writeTo(filepath.Join(dir, name+".png"), vgimg.PngCanvas{Canvas: img}.WriteTo); err != nil {
		return err
	}
	svg := vgsvg.New(f.Width, f.Height)
	f.Draw(draw.New(svg))
	return writeTo(filepath.Join(dir, name+".svg"), svg.WriteTo)
}

// writeTo writes path atomically with a WriteTo method.
func writeTo(path string, write func(io.Writer) (int64, error)) error {
	if err := atomicfile.Write(path, func(f *os.File) error { _, err := write(f); return err }); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	return nil
}
