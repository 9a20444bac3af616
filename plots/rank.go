package plots

import (
	"fmt"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// rankBandLevel is the probability that one bin count falls in the shaded
// band when ranks are uniform.
const rankBandLevel = 0.99

// maxRankBins is the default number of histogram bins.
const maxRankBins = 20

// RankHistograms draws one simulation-based calibration rank histogram
// per parameter. ranks[j][i] is the rank of parameter j's true value
// among maxRank posterior draws for simulation i, so it lies in
// 0..maxRank. bins <= 0 picks min(20, maxRank+1).
//
// The shaded band is the central 99 % interval of each bin's count when
// ranks are uniform: Binomial(n, share of the maxRank+1 possible ranks
// that fall in the bin); the dashed line is its mean.
func RankHistograms(params []Param, ranks [][]int, maxRank, bins int) (*Figure, error) {
	if err := needPanels("rank histograms", len(params)); err != nil {
		return nil, err
	}
	if len(ranks) != len(params) {
		return nil, fmt.Errorf("plots: rank histograms: %d rank sets for %d parameters", len(ranks), len(params))
	}
	if maxRank < 1 {
		return nil, fmt.Errorf("plots: rank histograms: maxRank %d < 1", maxRank)
	}
	if bins <= 0 {
		bins = min(maxRankBins, maxRank+1)
	}
	if bins > maxRank+1 {
		return nil, fmt.Errorf("plots: rank histograms: %d bins for %d possible ranks", bins, maxRank+1)
	}
	// Bin b holds ranks [edges[b], edges[b+1]).
	edges := make([]float64, bins+1)
	for r := maxRank; r >= 0; r-- {
		edges[r*bins/(maxRank+1)] = float64(r)
	}
	edges[bins] = float64(maxRank + 1)

	ps := make([]*plot.Plot, len(params))
	for j, par := range params {
		if len(ranks[j]) == 0 {
			return nil, fmt.Errorf("plots: rank histograms: no ranks for %s", par.Name)
		}
		h := &plotter.Histogram{Bins: make([]plotter.HistogramBin, bins), LineStyle: plotter.DefaultLineStyle}
		h.FillColor, h.LineStyle.Width = withAlpha(colorMain, 200), vg.Points(0.5)
		for b := range h.Bins {
			h.Bins[b].Min, h.Bins[b].Max = edges[b], edges[b+1]
		}
		for i, r := range ranks[j] {
			if r < 0 || r > maxRank {
				return nil, fmt.Errorf("plots: rank histograms: %s rank[%d] = %d outside 0..%d", par.Name, i, r, maxRank)
			}
			h.Bins[r*bins/(maxRank+1)].Weight++
		}
		sh, mean, err := rankBand(edges, len(ranks[j]), maxRank+1)
		if err != nil {
			return nil, err
		}
		p := newPlot(par.Name, "rank of true value", "count")
		p.Add(sh, h, mean)
		p.X.Min, p.X.Max = 0, float64(maxRank+1)
		legendRoom(p)
		if j == 0 {
			p.Legend.Add(fmt.Sprintf("%g %% band (uniform)", 100*rankBandLevel), sh)
		}
		ps[j] = p
	}
	f := newGrid(ps)
	f.Title = "Rank histograms (simulation-based calibration)"
	return f, nil
}

// rankBand returns the step-shaped binomial band and its mean line for n
// uniform ranks over nRanks possible values binned at edges.
func rankBand(edges []float64, n, nRanks int) (*plotter.Polygon, *plotter.Line, error) {
	var xs, lo, hi, mid []float64
	for b := 0; b+1 < len(edges); b++ {
		p := (edges[b+1] - edges[b]) / float64(nRanks)
		d := distuv.Binomial{N: float64(n), P: p}
		l := binomQuantile(d, n, (1-rankBandLevel)/2)
		u := binomQuantile(d, n, (1+rankBandLevel)/2)
		xs = append(xs, edges[b], edges[b+1])
		lo = append(lo, l, l)
		hi = append(hi, u, u)
		mid = append(mid, float64(n)*p, float64(n)*p)
	}
	sh, err := band(xs, lo, hi, colorBand)
	if err != nil {
		return nil, nil, err
	}
	mean, err := line(xs, mid, colorRef, vg.Points(1), true)
	return sh, mean, err
}

// binomQuantile returns the smallest k in 0..n with CDF(k) >= q.
func binomQuantile(d distuv.Binomial, n int, q float64) float64 {
	return float64(sort.Search(n+1, func(k int) bool { return d.CDF(float64(k)) >= q }))
}
