package report_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/report"
)

// TestSampleReport draws every figure of package plots from synthetic
// data, gathers them into a report and, where Chromium is installed,
// checks that the browser loads every image. Set LAA_SAMPLE_REPORT to a
// directory to keep the report (and a screenshot) there.
func TestSampleReport(t *testing.T) {
	dir := os.Getenv("LAA_SAMPLE_REPORT")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	params := []plots.Param{{Name: "C_m", Unit: "uF/cm2"}, {Name: "g_L", Unit: "mS/cm2"},
		{Name: "E_L", Unit: "mV"}, {Name: "k", Unit: "mV"}, {Name: "V_thr", Unit: "mV"}}
	prior := [][2]float64{{1, 0.3}, {0.1, 0.03}, {-65, 3}, {6, 3}, {-50, 4}} // mean, sd
	normals := func(n int, mu, sd float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = mu + sd*rng.NormFloat64()
		}
		return xs
	}

	figs := map[string]func() (*plots.Figure, error){}
	train, val := make([]float64, 60), make([]float64, 60)
	for i := range train {
		train[i] = 5*math.Exp(-float64(i)/12) - 2 + 0.05*rng.NormFloat64()
		val[i] = train[i] + 0.1 + 0.004*float64(i)
	}
	figs["loss"] = func() (*plots.Figure, error) { return plots.Loss(train, val) }

	const nSim, maxRank = 300, 99
	var ranks [][]int
	var rec []plots.RecoveryPanel
	var zc []plots.ZContractionPanel
	var cov []plots.CoveragePanel
	var ecdf []plots.ECDFPanel
	var marg []plots.MarginalPanel
	for j, p := range params {
		mu, sd := prior[j][0], prior[j][1]
		r := make([]int, nSim)
		u := make([]float64, nSim)
		for i := range r {
			r[i] = rng.IntN(maxRank + 1)
			u[i] = (float64(r[i]) + 0.5) / (maxRank + 1)
		}
		ranks = append(ranks, r)
		xs, diff, lo, hi := make([]float64, 101), make([]float64, 101), make([]float64, 101), make([]float64, 101)
		for i := range xs {
			xs[i] = float64(i) / 100
			var below int
			for _, v := range u {
				if v <= xs[i] {
					below++
				}
			}
			w := 3.0 * math.Sqrt(xs[i]*(1-xs[i])/nSim)
			diff[i], lo[i], hi[i] = float64(below)/nSim-xs[i], -w, w
		}
		ecdf = append(ecdf, plots.ECDFPanel{Param: p, X: xs, Diff: diff, Lower: lo, Upper: hi})
		truth := normals(80, mu, sd)
		med, l, h := make([]float64, 80), make([]float64, 80), make([]float64, 80)
		for i := range truth {
			med[i] = truth[i] + 0.3*sd*rng.NormFloat64()
			l[i], h[i] = med[i]-0.5*sd, med[i]+0.5*sd
		}
		rec = append(rec, plots.RecoveryPanel{Param: p, True: truth, Median: med, Lower: l, Upper: h})
		c := make([]float64, 200)
		for i := range c {
			c[i] = 0.6 + 0.35*rng.Float64()
		}
		zc = append(zc, plots.ZContractionPanel{Param: p, Contraction: c, Z: normals(200, 0, 1)})
		nom := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95}
		emp, cl, cu := make([]float64, len(nom)), make([]float64, len(nom)), make([]float64, len(nom))
		for i, n := range nom {
			emp[i] = math.Min(1, n*(1-0.05*float64(j-2)))
			w := 2 * math.Sqrt(emp[i]*(1-emp[i])/nSim)
			cl[i], cu[i] = math.Max(0, emp[i]-w), math.Min(1, emp[i]+w)
		}
		cov = append(cov, plots.CoveragePanel{Param: p, Nominal: nom, Empirical: emp, Lower: cl, Upper: cu})
		marg = append(marg, plots.MarginalPanel{Param: p, A: normals(2000, mu, 0.2*sd), B: normals(2000, mu+0.02*sd, 0.22*sd)})
	}
	figs["ranks"] = func() (*plots.Figure, error) { return plots.RankHistograms(params, ranks, maxRank, 0) }
	figs["ecdf"] = func() (*plots.Figure, error) { return plots.ECDF(ecdf, 0.95) }
	figs["recovery"] = func() (*plots.Figure, error) { return plots.Recovery(rec, 0.9) }
	figs["zscore"] = func() (*plots.Figure, error) { return plots.ZContraction(zc) }
	figs["coverage"] = func() (*plots.Figure, error) { return plots.Coverage(cov) }
	truth := []float64{1, 0.1, -65, 6, -50}
	figs["marginals"] = func() (*plots.Figure, error) { return plots.Marginals(marg, "", "", truth) }
	draws := make([][]float64, 3000)
	for i := range draws {
		draws[i] = make([]float64, len(params))
		for j := range params {
			draws[i][j] = truth[j] + 0.2*prior[j][1]*rng.NormFloat64()
		}
		draws[i][1] += 0.1 * (draws[i][0] - 1) // C_m and g_L trade off
	}
	figs["pairs"] = func() (*plots.Figure, error) { return plots.Pairs(params, draws, truth, 0) }

	time, stim := make([]float64, 600), make([]float64, 600)
	for i := range time {
		time[i] = float64(i)
		switch {
		case i >= 50 && i < 200:
			stim[i] = 0.5
		case i >= 200 && i < 350:
			stim[i] = 1
		case i >= 350 && i < 500:
			stim[i] = 1.5
		}
	}
	trace := func(el, tau, gain float64) []float64 { // a leaky integrator, Euler steps of 1 ms
		v := make([]float64, len(time))
		v[0] = el
		for i := 1; i < len(v); i++ {
			v[i] = v[i-1] + (el-v[i-1]+gain*stim[i-1])/tau
		}
		return v
	}
	ppc := plots.PredictiveCheck{Time: time, Stimulus: stim, Median: trace(-65, 10, 10)}
	ppc.Observed = make([]float64, len(time))
	for i, m := range ppc.Median {
		ppc.Observed[i] = m + rng.NormFloat64()
	}
	for _, b := range []struct {
		dst *[]float64
		d   float64
	}{{&ppc.Lower90, -2.2}, {&ppc.Lower50, -0.9}, {&ppc.Upper50, 0.9}, {&ppc.Upper90, 2.2}} {
		*b.dst = make([]float64, len(time))
		for i, m := range ppc.Median {
			(*b.dst)[i] = m + b.d*(1+0.5*stim[i])
		}
	}
	figs["predictive"] = func() (*plots.Figure, error) { return plots.Predictive(ppc) }
	var prior8 [][]float64
	for range 8 {
		prior8 = append(prior8, trace(-65+3*rng.NormFloat64(), 10*math.Exp(0.3*rng.NormFloat64()), 10+5*rng.NormFloat64()))
	}
	figs["prior-predictive"] = func() (*plots.Figure, error) {
		return plots.Traces(plots.TraceSet{Time: time, Traces: prior8, Stimulus: stim})
	}
	figs["typicality"] = func() (*plots.Figure, error) {
		return plots.Typicality(plots.TypicalityCheck{Null: normals(500, 0.01, 0.003), Observed: 0.013,
			TrainX: normals(1000, 0, 2), TrainY: normals(1000, 0, 1), ObsX: 1.2, ObsY: 0.4})
	}

	for name, build := range figs {
		f, err := build()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := plots.Save(f, dir, name); err != nil {
			t.Fatal(err)
		}
	}

	r := report.New("Sample report: synthetic LAA run")
	r.Subtitle = "Synthetic data from report/sample_test.go; every figure of package plots."
	r.Warn("This report is built from synthetic numbers, not from a trained network.")
	r.Section("Run").
		KeyValues("Versions", report.KV{Key: "go", Value: runtime.Version()}, report.KV{Key: "laa", Value: "(devel)"}).
		JSON("Configuration", map[string]any{"epochs": 60, "batch": 256, "lr": 1e-4, "flow": map[string]int{"couplings": 6}})
	r.Section("Training").Figure("loss.png", "Training and validation loss per epoch.")
	r.Section("Prior predictive").Figure("prior-predictive.png", "Eight traces simulated from prior draws.")
	cal := r.Section("Simulation-based calibration").
		Figure("ranks.png", "Rank histograms with the 99 % band of uniform ranks.").
		Figure("ecdf.png", "ECDF difference with 95 % simultaneous bands.")
	var vs []report.Verdict
	rows := [][]string{}
	for j, p := range params {
		pass := j != 1
		label := map[bool]string{true: "calibrated", false: "not calibrated"}[pass]
		vs = append(vs, report.Verdict{Name: p.Name, Pass: pass, Label: label})
		rows = append(rows, []string{p.Name, p.Unit, fmt.Sprintf("%.3f", 0.5-0.1*float64(j)), label})
	}
	cal.Verdicts(vs...).
		Table(report.Table{Name: "sbc", Caption: "Calibration per parameter", Header: []string{"parameter", "unit", "KS p", "verdict"}, Rows: rows}).
		Warn("g_L: rank histogram outside the band in 2 bins.")
	r.Section("Held-out simulations").
		Figure("recovery.png", "Posterior median and 90 % interval against the true value.").
		Figure("zscore.png", "Posterior z-score against contraction.").
		Figure("coverage.png", "Empirical against nominal coverage.")
	r.Section("Observed trace").
		Figure("pairs.png", "Posterior draws for the observed trace; red: true values.").
		Figure("marginals.png", "Neural posterior against the reference MCMC posterior.").
		Figure("predictive.png", "Posterior predictive check.").
		Figure("typicality.png", "Typicality of the observed trace in summary space.")
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	srcs, _ := parse(t, page)
	if len(srcs) != len(figs) {
		t.Errorf("%d images in the page, want %d", len(srcs), len(figs))
	}
	out, code := checkReport(t, dir, filepath.Join(dir, "screenshot.png"))
	if code != 0 || !strings.Contains(out, fmt.Sprintf("all %d images loaded", len(figs))) {
		t.Fatalf("check-report: exit %d, output:\n%s", code, out)
	}
}
