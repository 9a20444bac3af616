package plots_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/plots"
)

// maxTickLabel is the longest tick label counted as readable.
const maxTickLabel = 8

// TestPairsTinyValues: draws around 7e-42 in natural units keep an axis on
// their own scale with short labels (exponent notation), not forty zeros.
func TestPairsTinyValues(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	draws := make([][]float64, 300)
	for i := range draws {
		draws[i] = []float64{7e-42 * math.Exp(0.3*rng.NormFloat64()), rng.NormFloat64()}
	}
	f, err := plots.Pairs(params[:2], draws, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := f.Panels[1][0].X
	if !(x.Min > 0 && x.Max < 1e-40 && x.Max > x.Min) {
		t.Fatalf("axis [%g, %g], want a finite range around 7e-42", x.Min, x.Max)
	}
	labelled := 0
	for _, tk := range x.Tick.Marker.Ticks(x.Min, x.Max) {
		if tk.Label != "" {
			labelled++
		}
		if len(tk.Label) > maxTickLabel {
			t.Errorf("tick label %q", tk.Label)
		}
	}
	if labelled < 2 {
		t.Errorf("%d labelled ticks", labelled)
	}
	// every draw equal: the axis still has width, on the value's scale
	same := [][]float64{{7e-42, 1}, {7e-42, 2}}
	if f, err = plots.Pairs(params[:2], same, nil, 0); err != nil {
		t.Fatal(err)
	}
	if x := f.Panels[1][0].X; !(x.Min < 7e-42 && x.Max > 7e-42 && x.Max < 1e-40) {
		t.Errorf("constant draws: axis [%g, %g]", x.Min, x.Max)
	}
}

// TestPairsClipsOutliers: one draw a million sds away does not squash the
// others; it is counted above the histogram.
func TestPairsClipsOutliers(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	draws := make([][]float64, 1000)
	for i := range draws {
		draws[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
	}
	draws[7][0] = 1e6
	f, err := plots.Pairs(params[:2], draws, []float64{0.5, -0.5}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if x := f.Panels[1][0].X; !(x.Max < 10 && x.Min > -10 && x.Max > 2) {
		t.Fatalf("axis [%g, %g], want the bulk of the draws", x.Min, x.Max)
	}
	if title := f.Panels[0][0].Title.Text; !strings.HasPrefix(title, "1 draws beyond") {
		t.Errorf("diagonal title %q", title)
	}
	if err := plots.Save(f, t.TempDir(), "pairs"); err != nil {
		t.Fatal(err)
	}
}

func TestTARPFigure(t *testing.T) {
	t.Parallel()
	a := []float64{0, 0.25, 0.5, 0.75, 1}
	ecp := []float64{0, 0.2, 0.45, 0.72, 1}
	lo, hi := []float64{0, 0.15, 0.4, 0.68, 1}, []float64{0, 0.25, 0.5, 0.77, 1}
	c := plots.TARPCurve{Alpha: a, ECP: ecp, Lower: lo, Upper: hi, Z: []float64{0.5}, NullLower: []float64{0.45}, NullUpper: []float64{0.55}}
	f, err := plots.TARP(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := plots.Save(f, t.TempDir(), "tarp"); err != nil {
		t.Fatal(err)
	}
	bad := c
	bad.ECP = []float64{0, 0.2, 1.5, 0.72, 1}
	if _, err := plots.TARP(bad); err == nil {
		t.Error("ECP above 1 accepted")
	}
	bad = c
	bad.Lower = hi
	bad.Upper = lo
	if _, err := plots.TARP(bad); err == nil {
		t.Error("lower band above upper accepted")
	}
	bad = c
	bad.NullUpper = nil
	if _, err := plots.TARP(bad); err == nil {
		t.Error("null band without upper edge accepted")
	}
}
