package plots_test

import (
	"bytes"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/plots"
)

// params are the model's five inferred parameters.
var params = []plots.Param{
	{Name: "C_m", Unit: "uF/cm2"}, {Name: "g_L", Unit: "mS/cm2"}, {Name: "E_L", Unit: "mV"},
	{Name: "k", Unit: "mV"}, {Name: "V_thr", Unit: "mV"},
}

// figures builds every figure from small synthetic data.
func figures(t *testing.T) map[string]func() (*plots.Figure, error) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	const nSim, nDraw, maxRank, nT = 200, 500, 99, 300
	normals := func(n int, mu, sd float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = mu + sd*rng.NormFloat64()
		}
		return xs
	}
	time := make([]float64, nT)
	stim, obs, med := make([]float64, nT), make([]float64, nT), make([]float64, nT)
	l50, u50, l90, u90 := make([]float64, nT), make([]float64, nT), make([]float64, nT), make([]float64, nT)
	for i := range time {
		time[i] = float64(i)
		if i >= 50 && i < 250 {
			stim[i] = 1
		}
		med[i] = -65 + 10*stim[i]*(1-math.Exp(-float64(i-50)/10))
		obs[i] = med[i] + rng.NormFloat64()
		l50[i], u50[i], l90[i], u90[i] = med[i]-1.5, med[i]+1.5, med[i]-3.5, med[i]+3.5
	}
	var ranks [][]int
	var ecdf []plots.ECDFPanel
	var rec []plots.RecoveryPanel
	var zc []plots.ZContractionPanel
	var cov []plots.CoveragePanel
	var marg []plots.MarginalPanel
	for j, p := range params {
		r := make([]int, nSim)
		for i := range r {
			r[i] = rng.IntN(maxRank + 1)
		}
		ranks = append(ranks, r)
		x := make([]float64, 51)
		diff, lo, hi := make([]float64, 51), make([]float64, 51), make([]float64, 51)
		for i := range x {
			x[i] = float64(i) / 50
			w := 0.1 * math.Sqrt(x[i]*(1-x[i]))
			diff[i], lo[i], hi[i] = 0.5*w*math.Sin(float64(i+j)), -w, w
		}
		ecdf = append(ecdf, plots.ECDFPanel{Param: p, X: x, Diff: diff, Lower: lo, Upper: hi})
		tr := normals(40, float64(j), 1)
		m, lw, up := make([]float64, 40), make([]float64, 40), make([]float64, 40)
		for i := range tr {
			m[i] = tr[i] + 0.3*rng.NormFloat64()
			lw[i], up[i] = m[i]-0.5, m[i]+0.5
		}
		rec = append(rec, plots.RecoveryPanel{Param: p, True: tr, Median: m, Lower: lw, Upper: up})
		c := make([]float64, 100)
		for i := range c {
			c[i] = rng.Float64()
		}
		zc = append(zc, plots.ZContractionPanel{Param: p, Contraction: c, Z: normals(100, 0, 1)})
		nom := []float64{0.1, 0.3, 0.5, 0.7, 0.9}
		emp := []float64{0.12, 0.28, 0.52, 0.69, 0.91}
		cl, cu := make([]float64, 5), make([]float64, 5)
		for i := range cl {
			cl[i], cu[i] = math.Max(0, emp[i]-0.05), math.Min(1, emp[i]+0.05)
		}
		cov = append(cov, plots.CoveragePanel{Param: p, Nominal: nom, Empirical: emp, Lower: cl, Upper: cu})
		marg = append(marg, plots.MarginalPanel{Param: p, A: normals(nDraw, 0, 1), B: normals(nDraw, 0.1, 1.1)})
	}
	draws := make([][]float64, nDraw)
	for i := range draws {
		draws[i] = normals(len(params), 0, 1)
		draws[i][1] += 0.8 * draws[i][0]
	}
	traces := make([][]float64, 4)
	for i := range traces {
		traces[i] = normals(nT, -65+float64(5*i), 0.5)
	}
	return map[string]func() (*plots.Figure, error){
		"loss": func() (*plots.Figure, error) {
			return plots.Loss([]float64{3, 2, 1.5, 1.2, 1.1}, []float64{3.1, 2.2, 1.7, 1.5, 1.6})
		},
		"loss-train-only": func() (*plots.Figure, error) { return plots.Loss([]float64{3, 2, 1}, nil) },
		"ranks":           func() (*plots.Figure, error) { return plots.RankHistograms(params, ranks, maxRank, 0) },
		"ecdf":            func() (*plots.Figure, error) { return plots.ECDF(ecdf, 0.95) },
		"recovery":        func() (*plots.Figure, error) { return plots.Recovery(rec, 0.9) },
		"zscore":          func() (*plots.Figure, error) { return plots.ZContraction(zc) },
		"coverage":        func() (*plots.Figure, error) { return plots.Coverage(cov) },
		"pairs": func() (*plots.Figure, error) {
			return plots.Pairs(params, draws, []float64{0, 0, 0, 0, 0}, 0)
		},
		"predictive": func() (*plots.Figure, error) {
			return plots.Predictive(plots.PredictiveCheck{Time: time, Observed: obs, Median: med,
				Lower50: l50, Upper50: u50, Lower90: l90, Upper90: u90, Stimulus: stim})
		},
		"typicality": func() (*plots.Figure, error) {
			return plots.Typicality(plots.TypicalityCheck{Null: normals(300, 0.01, 0.003), Observed: 0.02,
				TrainX: normals(300, 0, 1), TrainY: normals(300, 0, 1), ObsX: 2, ObsY: -1})
		},
		"typicality-null-only": func() (*plots.Figure, error) {
			return plots.Typicality(plots.TypicalityCheck{Null: normals(300, 0.01, 0.003), Observed: 0.011})
		},
		"traces": func() (*plots.Figure, error) {
			return plots.Traces(plots.TraceSet{Time: time, Traces: traces, Stimulus: stim})
		},
		"traces-no-stimulus": func() (*plots.Figure, error) {
			return plots.Traces(plots.TraceSet{Time: time, Traces: traces, Labels: []string{"a", "b", "c", "d"}})
		},
		"marginals": func() (*plots.Figure, error) {
			return plots.Marginals(marg, "", "", []float64{0, 0, 0, 0, 0})
		},
	}
}

// TestFiguresRender saves every figure from random data and checks the
// files' sizes and completeness; what the figures show is checked against
// known input in content_test.go. Set LAA_PLOTS_DIR to keep copies there
// for inspection.
func TestFiguresRender(t *testing.T) {
	keep := os.Getenv("LAA_PLOTS_DIR")
	for name, build := range figures(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, err := build()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := plots.Save(f, dir, name); err != nil {
				t.Fatal(err)
			}
			if keep != "" {
				if err := plots.Save(f, keep, name); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(filepath.Join(dir, name+".png"))
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
			svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(svg, []byte("<svg")) || !bytes.HasSuffix(bytes.TrimSpace(svg), []byte("</svg>")) {
				t.Errorf("svg is not a complete svg document (%d bytes)", len(svg))
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
			if len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	nan := math.NaN()
	p := params[:1]
	cases := map[string]func() (*plots.Figure, error){
		"loss empty":      func() (*plots.Figure, error) { return plots.Loss(nil, nil) },
		"loss nan":        func() (*plots.Figure, error) { return plots.Loss([]float64{1, nan}, nil) },
		"loss mismatched": func() (*plots.Figure, error) { return plots.Loss([]float64{1, 2}, []float64{1}) },
		"ranks out of range": func() (*plots.Figure, error) {
			return plots.RankHistograms(p, [][]int{{0, 11}}, 10, 0)
		},
		"ranks missing set": func() (*plots.Figure, error) { return plots.RankHistograms(params, [][]int{{0}}, 10, 0) },
		"ranks too many bins": func() (*plots.Figure, error) {
			return plots.RankHistograms(p, [][]int{{0}}, 10, 12)
		},
		"ecdf mismatched": func() (*plots.Figure, error) {
			return plots.ECDF([]plots.ECDFPanel{{Param: p[0], X: []float64{0, 1}, Diff: []float64{0},
				Lower: []float64{0, 0}, Upper: []float64{0, 0}}}, 0.95)
		},
		"ecdf no panels": func() (*plots.Figure, error) { return plots.ECDF(nil, 0.95) },
		"ecdf bad level": func() (*plots.Figure, error) {
			x := []float64{0, 1}
			return plots.ECDF([]plots.ECDFPanel{{Param: p[0], X: x, Diff: x, Lower: x, Upper: x}}, 95)
		},
		"recovery median outside": func() (*plots.Figure, error) {
			return plots.Recovery([]plots.RecoveryPanel{{Param: p[0], True: []float64{1}, Median: []float64{3},
				Lower: []float64{0}, Upper: []float64{2}}}, 0.9)
		},
		"zscore inf": func() (*plots.Figure, error) {
			return plots.ZContraction([]plots.ZContractionPanel{{Param: p[0], Contraction: []float64{0.5},
				Z: []float64{math.Inf(1)}}})
		},
		"coverage above one": func() (*plots.Figure, error) {
			return plots.Coverage([]plots.CoveragePanel{{Param: p[0], Nominal: []float64{0.5},
				Empirical: []float64{1.5}}})
		},
		"pairs ragged": func() (*plots.Figure, error) {
			return plots.Pairs(params[:2], [][]float64{{1, 2}, {1}}, nil, 0)
		},
		"pairs nan truth": func() (*plots.Figure, error) {
			return plots.Pairs(params[:2], [][]float64{{1, 2}, {2, 1}}, []float64{nan, 0}, 0)
		},
		"predictive mismatched": func() (*plots.Figure, error) {
			x := []float64{0, 1}
			return plots.Predictive(plots.PredictiveCheck{Time: x, Observed: x, Median: x,
				Lower50: x, Upper50: x, Lower90: x, Upper90: []float64{1}})
		},
		"predictive band inverted": func() (*plots.Figure, error) {
			x, y := []float64{0, 1}, []float64{2, 2}
			return plots.Predictive(plots.PredictiveCheck{Time: x, Observed: x, Median: x,
				Lower50: y, Upper50: x, Lower90: x, Upper90: x})
		},
		"typicality empty": func() (*plots.Figure, error) { return plots.Typicality(plots.TypicalityCheck{}) },
		"typicality half view": func() (*plots.Figure, error) {
			return plots.Typicality(plots.TypicalityCheck{Null: []float64{1}, TrainX: []float64{1}})
		},
		"traces none": func() (*plots.Figure, error) {
			return plots.Traces(plots.TraceSet{Time: []float64{0, 1}})
		},
		"traces time backwards": func() (*plots.Figure, error) {
			return plots.Traces(plots.TraceSet{Time: []float64{1, 0}, Traces: [][]float64{{0, 0}}})
		},
		"traces short stimulus": func() (*plots.Figure, error) {
			return plots.Traces(plots.TraceSet{Time: []float64{0, 1}, Traces: [][]float64{{0, 0}}, Stimulus: []float64{0}})
		},
		"marginals empty draws": func() (*plots.Figure, error) {
			return plots.Marginals([]plots.MarginalPanel{{Param: p[0]}}, "", "", nil)
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, err := build()
			if err == nil {
				t.Fatalf("no error, got a figure with %d rows", len(f.Panels))
			}
			if !strings.HasPrefix(err.Error(), "plots: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestSaveRejects(t *testing.T) {
	f, err := plots.Loss([]float64{1, 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"", "a/b", ".."} {
		if err := plots.Save(f, dir, name); err == nil {
			t.Errorf("Save accepted name %q", name)
		}
	}
	if err := plots.Save(&plots.Figure{}, dir, "empty"); err == nil {
		t.Error("Save accepted an empty figure")
	}
	if err := plots.Save(f, filepath.Join(dir, "missing"), "loss"); err == nil {
		t.Error("Save wrote into a missing directory")
	}
}
