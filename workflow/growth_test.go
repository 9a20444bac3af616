package workflow_test

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/workflow"
)

// stimulusOf returns the current at the sample times of cfg.
func stimulusOf(t *testing.T, cfg neuron.Config) []float64 {
	t.Helper()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sim.StimulusAtSamples()
}

// checkRepeats checks that the k-sweep experiment's current at the samples
// is the one-sweep current repeated k times.
func checkRepeats(t *testing.T, one, many neuron.Config, k int) {
	t.Helper()
	a, b := stimulusOf(t, one), stimulusOf(t, many)
	if len(b) != k*len(a) {
		t.Fatalf("%d sweeps: %d samples, want %d", k, len(b), k*len(a))
	}
	for i, v := range b {
		if v != a[i%len(a)] {
			t.Fatalf("%d sweeps: current %g at sample %d, want %g", k, v, i, a[i%len(a)])
		}
	}
}

func TestSweepsDefault(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	two, err := workflow.Sweeps(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantT := []float64{50, 200, 350, 500, 650, 800, 950, 1100}
	wantL := []float64{0.5, 1, 1.5, 0, 0.5, 1, 1.5, 0}
	if s := two.Stimulus; s.Kind != neuron.StimStaircase || !slices.Equal(s.Times, wantT) || !slices.Equal(s.Levels, wantL) {
		t.Errorf("2 sweeps: stimulus %+v, want staircase times %v levels %v", s, wantT, wantL)
	}
	if two.DurationMs != 1200 || two.NumSamples() != 1200 {
		t.Errorf("2 sweeps: duration %g ms, %d samples, want 1200", two.DurationMs, two.NumSamples())
	}
	if !slices.Equal(cfg.Stimulus.Times, []float64{50, 200, 350, 500}) {
		t.Errorf("Sweeps changed its input: %v", cfg.Stimulus.Times)
	}
	for _, k := range []int{2, 3, 4} {
		many, err := workflow.Sweeps(cfg, k)
		if err != nil {
			t.Fatal(err)
		}
		checkRepeats(t, cfg, many, k)
	}
	one, err := workflow.Sweeps(cfg, 1)
	if err != nil || one.DurationMs != 600 || !slices.Equal(one.Stimulus.Times, cfg.Stimulus.Times) {
		t.Errorf("1 sweep: %+v, %v; want the input", one.Stimulus, err)
	}
	for _, k := range []int{0, -1} {
		if _, err := workflow.Sweeps(cfg, k); err == nil {
			t.Errorf("Sweeps accepted k = %d", k)
		}
	}
	// The feature layout grows with the protocol's epochs: rest (2), 4
	// features per step epoch, post level (1) and 4 moments.
	for k, want := range map[int]int{1: 23, 2: 39, 4: 71} {
		c, err := workflow.Sweeps(cfg, k)
		if err != nil {
			t.Fatal(err)
		}
		sim, err := neuron.NewSimulator(c)
		if err != nil {
			t.Fatal(err)
		}
		l, err := sim.FeatureLayout()
		if err != nil {
			t.Fatal(err)
		}
		if l.Len() != want {
			t.Errorf("%d sweeps: %d features, want %d", k, l.Len(), want)
		}
	}
}

func TestSweepsOtherProtocols(t *testing.T) {
	t.Parallel()
	base := neuron.Default()
	// A count past the samples limit is refused before any breakpoint is copied.
	if _, err := workflow.Sweeps(base, 1<<40); err == nil || !strings.Contains(err.Error(), "MaxSamplesPerTrace") {
		t.Errorf("2^40 sweeps: error %v, want one naming MaxSamplesPerTrace", err)
	}
	for name, s := range map[string]neuron.Stimulus{
		"step inside":        {Kind: neuron.StimStep, Start: 100, End: 300, Amplitude: 1},
		"step to the end":    {Kind: neuron.StimStep, Start: 100, End: 600, Amplitude: 1},
		"step beyond":        {Kind: neuron.StimStep, Start: 100, End: 900, Amplitude: 1},
		"staircase at zero":  {Kind: neuron.StimStaircase, Times: []float64{0, 300}, Levels: []float64{1, 2}},
		"staircase held up":  {Kind: neuron.StimStaircase, Times: []float64{50, 300}, Levels: []float64{1, 2}},
		"staircase ends low": {Kind: neuron.StimStaircase, Times: []float64{50, 300}, Levels: []float64{1, 0}},
	} {
		cfg := base
		cfg.Stimulus = s
		many, err := workflow.Sweeps(cfg, 3)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkRepeats(t, cfg, many, 3)
	}

	file := filepath.Join(t.TempDir(), "stim.csv")
	if err := os.WriteFile(file, []byte("time_ms,current\n10,1\n400,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := base
	var err error
	if cfg.Stimulus, err = neuron.StimulusFromFile(file); err != nil {
		t.Fatal(err)
	}
	many, err := workflow.Sweeps(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{10, 400, 610, 1000}; !slices.Equal(many.Stimulus.Times, want) {
		t.Errorf("file: times %v, want %v", many.Stimulus.Times, want)
	}
	checkRepeats(t, cfg, many, 2)

	for name, s := range map[string]neuron.Stimulus{
		"ramp":           {Kind: neuron.StimRamp, Start: 0, End: 600, Amplitude: 3},
		"time after end": {Kind: neuron.StimStaircase, Times: []float64{50, 700}, Levels: []float64{1, 0}},
	} {
		cfg := base
		cfg.Stimulus = s
		if _, err := workflow.Sweeps(cfg, 2); err == nil || !strings.HasPrefix(err.Error(), "workflow: ") {
			t.Errorf("%s: error %v, want a workflow error", name, err)
		}
	}
}

// point is a synthetic growth point for three parameters.
func point(k int, contraction ...float64) workflow.GrowthPoint {
	return workflow.GrowthPoint{Sweeps: k, DurationMs: 600 * float64(k), Contraction: contraction,
		NRMSE: []float64{0.5, 0.4, 0.3}, CalibrationError: []float64{0.01, 0.02, 0.03}}
}

func TestGrowthWarnings(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c"}
	// a rises, b falls by 0.1 from 2 to 4 sweeps, c dips within the tolerance.
	points := []workflow.GrowthPoint{point(4, 0.9, 0.5, 0.795), point(1, 0.5, 0.4, 0.8), point(2, 0.7, 0.6, 0.8)}
	res, err := workflow.GrowthOf(names, points)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, g := range res.Points {
		got = append(got, g.Sweeps)
	}
	if !slices.Equal(got, []int{1, 2, 4}) {
		t.Errorf("points in order %v, want [1 2 4]", got)
	}
	if points[0].Sweeps != 4 {
		t.Error("Growth reordered its input")
	}
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "b: contraction falls from 0.600 at 2 sweeps") {
		t.Errorf("warnings %q, want one for b from 2 to 4 sweeps", res.Warnings)
	}
	rising := []workflow.GrowthPoint{point(1, 0.1, 0.2, 0.3), point(2, 0.2, 0.3, 0.4)}
	if res, err := workflow.GrowthOf(names, rising); err != nil || len(res.Warnings) != 0 {
		t.Errorf("rising contraction: warnings %q, error %v", res.Warnings, err)
	}
	if res, err := workflow.GrowthOf(names, points[:1]); err != nil || len(res.Warnings) != 0 {
		t.Errorf("one point: warnings %q, error %v", res.Warnings, err)
	}

	var buf bytes.Buffer
	if err := res.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+3*3 || rows[1][0] != "1" || rows[1][2] != "a" || rows[9][0] != "4" || rows[9][3] != "0.795" {
		t.Errorf("csv rows %q", rows)
	}
}

func TestGrowthRejects(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c"}
	nanPoint := point(2, 0.1, math.NaN(), 0.2)
	short := point(2, 0.1, 0.2)
	slower := point(2, 0.1, 0.2, 0.3)
	slower.DurationMs = 600
	for name, pts := range map[string][]workflow.GrowthPoint{
		"none":              nil,
		"duplicate sweeps":  {point(2, 0.1, 0.2, 0.3), point(2, 0.2, 0.3, 0.4)},
		"nan":               {point(1, 0.1, 0.2, 0.3), nanPoint},
		"too few values":    {short},
		"above one":         {point(1, 0.1, 1.2, 0.3)},
		"zero sweeps":       {point(0, 0.1, 0.2, 0.3)},
		"duration too long": {point(1, 0.1, 0.2, 0.3), slower},
	} {
		if _, err := workflow.GrowthOf(names, pts); err == nil || !strings.HasPrefix(err.Error(), "workflow: growth: ") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func TestGrowthFigure(t *testing.T) {
	t.Parallel()
	names := []string{"C_m", "g_L", "E_L", "k", "V_thr"}
	var pts []workflow.GrowthPoint
	for i, k := range []int{1, 2, 4, 8} {
		g := workflow.GrowthPoint{Sweeps: k, DurationMs: 600 * float64(k)}
		for j := range names {
			c := 1 - (0.6-0.1*float64(j))/math.Sqrt(float64(k))
			g.Contraction = append(g.Contraction, c)
			g.NRMSE = append(g.NRMSE, math.Sqrt(1-c))
			g.CalibrationError = append(g.CalibrationError, 0.01*float64(i))
		}
		pts = append(pts, g)
	}
	res, err := workflow.GrowthOf(names, pts)
	if err != nil {
		t.Fatal(err)
	}
	f, err := res.Figure()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := plots.Save(f, dir, "growth"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "growth.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	wantW := int(float64(f.Width)/72*plots.DefaultDPI + 0.5)
	wantH := int(float64(f.Height)/72*plots.DefaultDPI + 0.5)
	if got := img.Bounds().Size(); got.X != wantW || got.Y != wantH {
		t.Errorf("png size %v, want %dx%d", got, wantW, wantH)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "growth.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("V_thr")) {
		t.Errorf("svg lacks the document or the legend (%d bytes)", len(svg))
	}
	if keep := os.Getenv("LAA_PLOTS_DIR"); keep != "" {
		if err := plots.Save(f, keep, "growth"); err != nil {
			t.Fatal(err)
		}
	}
	// One length and no NRMSE draw too.
	if _, err := plots.Growth([]float64{600}, []plots.GrowthLine{{Param: plots.Param{Name: "a"}, Contraction: []float64{0.3}}}); err != nil {
		t.Errorf("one length: %v", err)
	}
}

func TestGrowthFigureRejects(t *testing.T) {
	t.Parallel()
	p := plots.Param{Name: "a"}
	x := []float64{600, 1200}
	for name, c := range map[string]struct {
		lengths []float64
		lines   []plots.GrowthLine
	}{
		"no lines":            {x, nil},
		"no lengths":          {nil, []plots.GrowthLine{{Param: p}}},
		"lengths decrease":    {[]float64{1200, 600}, []plots.GrowthLine{{Param: p, Contraction: []float64{0.1, 0.2}}}},
		"length zero":         {[]float64{0, 600}, []plots.GrowthLine{{Param: p, Contraction: []float64{0.1, 0.2}}}},
		"contraction short":   {x, []plots.GrowthLine{{Param: p, Contraction: []float64{0.1}}}},
		"contraction nan":     {x, []plots.GrowthLine{{Param: p, Contraction: []float64{0.1, math.NaN()}}}},
		"contraction above 1": {x, []plots.GrowthLine{{Param: p, Contraction: []float64{0.1, 1.5}}}},
		"nrmse negative":      {x, []plots.GrowthLine{{Param: p, Contraction: []float64{0.1, 0.2}, NRMSE: []float64{0.1, -1}}}},
		"nrmse on some lines": {x, []plots.GrowthLine{{Param: p, Contraction: []float64{0.1, 0.2}, NRMSE: []float64{1, 1}},
			{Param: p, Contraction: []float64{0.1, 0.2}}}},
	} {
		f, err := plots.Growth(c.lengths, c.lines)
		if err == nil {
			t.Errorf("%s: no error, got a figure with %d rows", name, len(f.Panels))
		} else if !strings.HasPrefix(err.Error(), "plots: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
}
