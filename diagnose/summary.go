package diagnose

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// DefaultLevel is the credible level Summarize uses when given 0.
const DefaultLevel = 0.9

// Summary describes the marginal posterior of one parameter.
type Summary struct {
	Param  int     `json:"param"`
	Mean   float64 `json:"mean"`
	SD     float64 `json:"sd"` // sample standard deviation, divisor S-1
	Median float64 `json:"median"`
	Q05    float64 `json:"q05"`
	Q95    float64 `json:"q95"`
	Level  float64 `json:"level"` // level of the central interval [Lower, Upper]
	Lower  float64 `json:"lower"`
	Upper  float64 `json:"upper"`
}

// Summarize returns one Summary per parameter of draws (S x P, S >= 2),
// with the central credible interval at level (0 means DefaultLevel).
func Summarize(draws [][]float64, level float64) ([]Summary, error) {
	s, p, err := checkMatrix("draws", draws)
	if err != nil {
		return nil, err
	}
	if s < 2 {
		return nil, fmt.Errorf("diagnose: summary of %d draw", s)
	}
	if level == 0 {
		level = DefaultLevel
	}
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("diagnose: credible level %v outside (0, 1)", level)
	}
	out := make([]Summary, p)
	for j := range p {
		x := column(draws, j)
		slices.Sort(x)
		mean, sd := stat.MeanStdDev(x, nil)
		lo, hi := centralSorted(x, level)
		out[j] = Summary{
			Param: j, Mean: mean, SD: sd,
			Median: QuantileSorted(x, 0.5),
			Q05:    QuantileSorted(x, 0.05),
			Q95:    QuantileSorted(x, 0.95),
			Level:  level, Lower: lo, Upper: hi,
		}
	}
	return out, nil
}

// centralSorted returns the central credible interval of ascending data at
// level: the (1-level)/2 and (1+level)/2 quantiles.
func centralSorted(sorted []float64, level float64) (lo, hi float64) {
	return QuantileSorted(sorted, (1-level)/2), QuantileSorted(sorted, (1+level)/2)
}

// QuantileSorted returns the p-quantile of ascending data by linear
// interpolation between order statistics (Hyndman and Fan type 7):
//
//	h = (n-1) p,  Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
//
// It panics if sorted is empty.
func QuantileSorted(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		panic("diagnose: quantile of empty data")
	}
	h := float64(n-1) * math.Min(math.Max(p, 0), 1)
	i := int(h)
	if i >= n-1 {
		return sorted[n-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}
