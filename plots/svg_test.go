package plots_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/plots"
	"gonum.org/v1/plot"
)

// This file reads back the SVG that plots.Save writes, so that tests can
// check what a figure shows: its texts, and where its lines, bands, bars and
// glyphs lie in data coordinates. gonum/plot draws each panel as a white
// background followed by its title, axes, plotters and legend; newPlot adds
// a light grid line at every labelled tick, which ties SVG coordinates to
// data values.

// svgPath is one <path> element: its vertices, in points with y upwards.
type svgPath struct {
	pts    [][2]float64 // the end point of every M, L and A command
	arcR   float64      // radius of the first arc (glyphs), 0 without arcs
	fill   string       // "#RRGGBB", or "" when not filled
	stroke string       // "#RRGGBB", or "" when not stroked
	alpha  float64      // fill-opacity (1 when not given)
	dashed bool
}

// svgElem is a <path> or a <text>.
type svgElem struct {
	path *svgPath
	text string
}

// svgPanel is the part of the figure that one panel drew.
type svgPanel struct {
	elems []svgElem
	plot  *plot.Plot
}

// svgFigure is a saved figure read back.
type svgFigure struct {
	texts  []string   // every text, in drawing order
	panels []svgPanel // the figure's non-nil panels, row by row
}

// renderSVG saves f under name in a temporary directory and reads the SVG back.
func renderSVG(t *testing.T, f *plots.Figure, name string) *svgFigure {
	t.Helper()
	dir := t.TempDir()
	if err := plots.Save(f, dir, name); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, name+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	elems, err := parseSVG(string(b))
	if err != nil {
		t.Fatal(err)
	}
	var plotsInOrder []*plot.Plot
	for _, row := range f.Panels {
		for _, p := range row {
			if p != nil {
				plotsInOrder = append(plotsInOrder, p)
			}
		}
	}
	out := &svgFigure{}
	backgrounds := 0
	for _, e := range elems {
		if e.path == nil {
			out.texts = append(out.texts, e.text)
		}
		if e.path != nil && e.path.fill == "#FFFFFF" && len(e.path.pts) == 4 {
			backgrounds++
			if backgrounds == 1 {
				continue // the figure's own background
			}
			out.panels = append(out.panels, svgPanel{})
			continue
		}
		if len(out.panels) > 0 {
			out.panels[len(out.panels)-1].elems = append(out.panels[len(out.panels)-1].elems, e)
		}
	}
	if len(out.panels) != len(plotsInOrder) {
		t.Fatalf("%s.svg: %d panel backgrounds, the figure has %d panels", name, len(out.panels), len(plotsInOrder))
	}
	for i := range out.panels {
		out.panels[i].plot = plotsInOrder[i]
	}
	return out
}

var (
	svgNumber = regexp.MustCompile(`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`)
	svgCmd    = regexp.MustCompile(`[MLAZ]`)
)

// parseSVG returns the paths and texts of an SVG document in order.
func parseSVG(doc string) ([]svgElem, error) {
	dec := xml.NewDecoder(strings.NewReader(doc))
	var out []svgElem
	inText := false
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "path":
				p, err := parsePath(attr(el, "d"), attr(el, "style"))
				if err != nil {
					return nil, err
				}
				out = append(out, svgElem{path: p})
			case "text":
				inText = true
				out = append(out, svgElem{})
			}
		case xml.CharData:
			if inText {
				out[len(out)-1].text += string(el)
			}
		case xml.EndElement:
			if el.Name.Local == "text" {
				inText = false
			}
		}
	}
}

// attr returns the attribute name of el.
func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parsePath reads the commands M, L, A and Z of d and the colours of style.
func parsePath(d, style string) (*svgPath, error) {
	p := &svgPath{alpha: 1}
	for _, kv := range strings.Split(style, ";") {
		k, v, _ := strings.Cut(kv, ":")
		switch k {
		case "fill":
			if v != "none" {
				p.fill = v
			}
		case "stroke":
			p.stroke = v
		case "fill-opacity":
			a, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, err
			}
			p.alpha = a
		case "stroke-dasharray":
			p.dashed = true
		}
	}
	idx := svgCmd.FindAllStringIndex(d, -1)
	for i, loc := range idx {
		end := len(d)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		var nums []float64
		for _, s := range svgNumber.FindAllString(d[loc[1]:end], -1) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, err
			}
			nums = append(nums, v)
		}
		switch c := d[loc[0]]; {
		case c == 'Z':
		case c == 'A' && len(nums) == 7:
			if p.arcR == 0 {
				p.arcR = nums[0]
			}
			p.pts = append(p.pts, [2]float64{nums[5], nums[6]})
		case (c == 'M' || c == 'L') && len(nums) == 2:
			p.pts = append(p.pts, [2]float64{nums[0], nums[1]})
		default:
			return nil, fmt.Errorf("path %q: command %c with %d numbers", d, c, len(nums))
		}
	}
	return p, nil
}

// hexColor formats c as SVG does, without alpha.
func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }

// colorTolerance is how far a channel of a drawn colour may lie from the
// palette's: gonum writes a colour with alpha after premultiplying it,
// which moves a channel by up to 255/alpha.
const colorTolerance = 6

// sameColor reports whether the SVG colour s is c, within colorTolerance.
func sameColor(s string, c color.NRGBA) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return false
	}
	d := func(a uint64, b uint8) bool { return math.Abs(float64(a)-float64(b)) <= colorTolerance }
	return d(v>>16, c.R) && d(v>>8&0xff, c.G) && d(v&0xff, c.B)
}

// hasTexts reports the texts of want that the figure does not show.
func (f *svgFigure) hasTexts(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, s := range f.texts {
			found = found || s == w
		}
		if !found {
			t.Errorf("no text %q among %q", w, f.texts)
		}
	}
}

// paths returns the panel's paths that pass keep.
func (p svgPanel) paths(keep func(*svgPath) bool) []*svgPath {
	var out []*svgPath
	for _, e := range p.elems {
		if e.path != nil && keep(e.path) {
			out = append(out, e.path)
		}
	}
	return out
}

// strokes keeps unfilled paths stroked in c with n vertices (any number when n = 0).
func strokes(c color.NRGBA, n int) func(*svgPath) bool {
	return func(p *svgPath) bool {
		return p.fill == "" && sameColor(p.stroke, c) && (n == 0 || len(p.pts) == n)
	}
}

// fills keeps paths filled in c with opacity a (within 0.01) and no arcs.
func fills(c color.NRGBA, a float64) func(*svgPath) bool {
	return func(p *svgPath) bool {
		return sameColor(p.fill, c) && math.Abs(p.alpha-a) < 0.01 && p.arcR == 0
	}
}

// glyphs keeps arc paths (circles, rings) in c, filled or stroked.
func glyphs(c color.NRGBA) func(*svgPath) bool {
	return func(p *svgPath) bool {
		return p.arcR > 0 && (sameColor(p.fill, c) || sameColor(p.stroke, c))
	}
}

// gridColor is the colour of newPlot's grid lines.
var gridColor = color.NRGBA{R: 225, G: 225, B: 225, A: 255}

// axisMap is a linear map from data values (or their logarithm) to points.
type axisMap struct {
	offset, scale float64
	log           bool
}

func (m axisMap) toData(pt float64) float64 {
	v := (pt - m.offset) / m.scale
	if m.log {
		return math.Exp(v)
	}
	return v
}

// axes returns the panel's maps from data to points, read off its grid:
// one line per labelled tick, in the order of the axis's ticks. An axis
// with fewer than two labelled ticks gets a zero map (ok false).
func (p svgPanel) axes(t *testing.T) (x, y axisMap, xok, yok bool) {
	t.Helper()
	var vert, horiz []float64
	for _, g := range p.paths(strokes(gridColor, 2)) {
		switch {
		case g.pts[0][0] == g.pts[1][0]:
			vert = append(vert, g.pts[0][0])
		case g.pts[0][1] == g.pts[1][1]:
			horiz = append(horiz, g.pts[0][1])
		}
	}
	_, isLog := p.plot.X.Scale.(plot.LogScale)
	x, xok = fitAxis(t, "x", labelled(p.plot.X), vert, isLog)
	y, yok = fitAxis(t, "y", labelled(p.plot.Y), horiz, false)
	return x, y, xok, yok
}

// labelled returns the values of the axis's labelled ticks.
func labelled(a plot.Axis) []float64 {
	var vs []float64
	for _, tk := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if !tk.IsMinor() {
			vs = append(vs, tk.Value)
		}
	}
	return vs
}

// gridTolerance is how far (points) a grid line may lie from the straight
// line through all of them: SVG coordinates have five significant digits.
const gridTolerance = 0.02

// fitAxis fits pts = offset + scale * value by least squares.
func fitAxis(t *testing.T, name string, values, pts []float64, log bool) (axisMap, bool) {
	t.Helper()
	if len(values) != len(pts) {
		t.Fatalf("%s axis: %d grid lines for %d labelled ticks", name, len(pts), len(values))
	}
	if len(values) < 2 {
		return axisMap{}, false
	}
	vs := values
	if log {
		vs = make([]float64, len(values))
		for i, v := range values {
			vs[i] = math.Log(v)
		}
	}
	var mv, mp float64
	for i := range vs {
		mv += vs[i] / float64(len(vs))
		mp += pts[i] / float64(len(vs))
	}
	var sxy, sxx float64
	for i := range vs {
		sxy += (vs[i] - mv) * (pts[i] - mp)
		sxx += (vs[i] - mv) * (vs[i] - mv)
	}
	m := axisMap{scale: sxy / sxx, log: log}
	m.offset = mp - m.scale*mv
	for i := range vs {
		if r := pts[i] - (m.offset + m.scale*vs[i]); math.Abs(r) > gridTolerance {
			t.Fatalf("%s axis: grid line of tick %g is %.3g pt off the axis's scale", name, values[i], r)
		}
	}
	return m, true
}

// dataPts maps a path's vertices to data coordinates.
func dataPts(p *svgPath, x, y axisMap) [][2]float64 {
	out := make([][2]float64, len(p.pts))
	for i, pt := range p.pts {
		out[i] = [2]float64{x.toData(pt[0]), y.toData(pt[1])}
	}
	return out
}

// near reports whether got and want differ by at most tol in each coordinate.
func near(got, want [2]float64, tol [2]float64) bool {
	return math.Abs(got[0]-want[0]) <= tol[0] && math.Abs(got[1]-want[1]) <= tol[1]
}

// pixelTolerance is how far (in points) a drawn vertex may lie from where
// its data value maps; SVG rounds coordinates to about 0.01 pt.
const pixelTolerance = 0.05

// tolerance returns pixelTolerance in data units of each axis.
func tolerance(x, y axisMap) [2]float64 {
	return [2]float64{pixelTolerance / math.Abs(x.scale), pixelTolerance / math.Abs(y.scale)}
}

// sameLine reports the first vertex of p (in data coordinates) that is not
// at xs[i], ys[i]; the path must have exactly len(xs) vertices.
func sameLine(p *svgPath, x, y axisMap, xs, ys []float64) error {
	if len(p.pts) != len(xs) {
		return fmt.Errorf("%d vertices, want %d", len(p.pts), len(xs))
	}
	tol := tolerance(x, y)
	if x.log {
		tol[0] = 0 // checked in points below
	}
	for i, d := range dataPts(p, x, y) {
		want := [2]float64{xs[i], ys[i]}
		if x.log {
			if math.Abs(p.pts[i][0]-(x.offset+x.scale*math.Log(xs[i]))) > pixelTolerance {
				return fmt.Errorf("vertex %d at x = %.6g, want %.6g", i, d[0], xs[i])
			}
			want[0] = d[0]
		}
		if !near(d, want, tol) {
			return fmt.Errorf("vertex %d at (%.6g, %.6g), want (%.6g, %.6g)", i, d[0], d[1], xs[i], ys[i])
		}
	}
	return nil
}

// oneLine returns the single path of the panel that keep selects.
func oneLine(t *testing.T, p svgPanel, what string, keep func(*svgPath) bool) *svgPath {
	t.Helper()
	ps := p.paths(keep)
	if len(ps) != 1 {
		t.Fatalf("%s: %d matching paths, want 1", what, len(ps))
	}
	return ps[0]
}

// firstPath returns the first path of the panel that keep selects: the
// data's, drawn before its legend entry.
func firstPath(t *testing.T, p svgPanel, what string, keep func(*svgPath) bool) *svgPath {
	t.Helper()
	ps := p.paths(keep)
	if len(ps) == 0 {
		t.Fatalf("%s: no matching path", what)
	}
	return ps[0]
}

// glyphCenters returns the centres of circle glyphs in data coordinates:
// gonum starts a circle at its rightmost point.
func glyphCenters(ps []*svgPath, x, y axisMap) [][2]float64 {
	out := make([][2]float64, len(ps))
	for i, p := range ps {
		out[i] = [2]float64{x.toData(p.pts[0][0] - p.arcR), y.toData(p.pts[0][1])}
	}
	return out
}

// bar is a histogram bar in data coordinates.
type bar struct{ lo, hi, top float64 }

// bars returns the bars among ps (rectangles), in drawing order.
func bars(t *testing.T, ps []*svgPath, x, y axisMap) []bar {
	t.Helper()
	var out []bar
	for _, p := range ps {
		if len(p.pts) != 4 {
			t.Fatalf("bar with %d vertices", len(p.pts))
		}
		d := dataPts(p, x, y)
		out = append(out, bar{lo: d[0][0], hi: d[1][0], top: d[2][1]})
	}
	return out
}

// renderPNG saves f under name and decodes its PNG.
func renderPNG(t *testing.T, f *plots.Figure, name string) image.Image {
	t.Helper()
	dir := t.TempDir()
	if err := plots.Save(f, dir, name); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// pixelAt returns the PNG's colour at the SVG point (x, y) (y upwards).
func pixelAt(img image.Image, f *plots.Figure, x, y float64) color.NRGBA {
	dpi := float64(f.DPI)
	if dpi == 0 {
		dpi = plots.DefaultDPI
	}
	scale := dpi / 72
	px := int(x * scale)
	py := int((f.Height.Points() - y) * scale)
	return color.NRGBAModel.Convert(img.At(px, py)).(color.NRGBA)
}

// pixelColorTolerance is how far a channel of a PNG pixel inside a filled
// area may lie from the colour computed by alpha blending.
const pixelColorTolerance = 8

// lineColorTolerance is the same for a pixel on a line 1 pt wide, which
// covers the pixel only in part (1 pt is 1.4 pixels at 100 dpi).
const lineColorTolerance = 24

// closeColor reports whether a and b differ by at most tol per channel.
func closeColor(a, b color.NRGBA, tol float64) bool {
	d := func(p, q uint8) bool { return math.Abs(float64(p)-float64(q)) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// over blends src (with alpha) over the opaque dst.
func over(src, dst color.NRGBA) color.NRGBA {
	a := float64(src.A) / 255
	mix := func(s, d uint8) uint8 { return uint8(math.Round(a*float64(s) + (1-a)*float64(d))) }
	return color.NRGBA{R: mix(src.R, dst.R), G: mix(src.G, dst.G), B: mix(src.B, dst.B), A: 255}
}

// withAlpha returns c with alpha a.
func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }
