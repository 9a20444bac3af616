package diagnose

import (
	"fmt"
	"math"
	"slices"
)

// DefaultCoverageTolerance is the calibration error above which Coverage warns.
const DefaultCoverageTolerance = 0.05

// CoverageConfig sets up Coverage. The zero value means defaults.
type CoverageConfig struct {
	Levels    []float64 // nominal levels in (0, 1); nil: 0.01, 0.02, ..., 0.99
	Tolerance float64   // warn above this calibration error; 0: DefaultCoverageTolerance
}

// CoverageResult compares, for one parameter, the empirical coverage of
// central credible intervals with their nominal level. The interval at level
// q is [Q((1-q)/2), Q((1+q)/2)] of the S draws (QuantileSorted); Empirical[l]
// is the fraction of the M truths inside it. MCSE[l] = sqrt(q (1-q) / M) is
// the Monte Carlo standard error of a calibrated Empirical[l].
//
//	CalibrationError = median_l |Empirical[l] - Levels[l]|.
type CoverageResult struct {
	Param            int       `json:"param"`
	Levels           []float64 `json:"levels"`
	Empirical        []float64 `json:"empirical"`
	MCSE             []float64 `json:"mcse"`
	CalibrationError float64   `json:"calibration_error"`
	Warning          string    `json:"warning,omitempty"`
}

// DefaultLevels returns 0.01, 0.02, ..., 0.99.
func DefaultLevels() []float64 {
	l := make([]float64, 99)
	for i := range l {
		l[i] = float64(i+1) / 100
	}
	return l
}

// Coverage returns a CoverageResult per parameter of truths (M x P) and
// draws (M x S x P).
func Coverage(truths [][]float64, draws [][][]float64, cfg CoverageConfig) ([]CoverageResult, error) {
	m, s, p, err := checkSet(truths, draws)
	if err != nil {
		return nil, err
	}
	levels := cfg.Levels
	if levels == nil {
		levels = DefaultLevels()
	}
	for _, q := range levels {
		if !(q > 0 && q < 1) {
			return nil, fmt.Errorf("diagnose: coverage level %v outside (0, 1)", q)
		}
	}
	tol := cfg.Tolerance
	if tol == 0 {
		tol = DefaultCoverageTolerance
	}
	out := make([]CoverageResult, p)
	inside := make([][]int, p)
	for j := range p {
		inside[j] = make([]int, len(levels))
	}
	x := make([]float64, s)
	for i := range m {
		for j := range p {
			for k, d := range draws[i] {
				x[k] = d[j]
			}
			slices.Sort(x)
			for l, q := range levels {
				lo, hi := centralSorted(x, q)
				if lo <= truths[i][j] && truths[i][j] <= hi {
					inside[j][l]++
				}
			}
		}
	}
	for j := range p {
		r := CoverageResult{Param: j, Levels: slices.Clone(levels)}
		r.Empirical, r.MCSE = make([]float64, len(levels)), make([]float64, len(levels))
		dev := make([]float64, len(levels))
		for l, q := range levels {
			r.Empirical[l] = float64(inside[j][l]) / float64(m)
			r.MCSE[l] = math.Sqrt(q * (1 - q) / float64(m))
			dev[l] = math.Abs(r.Empirical[l] - q)
		}
		slices.Sort(dev)
		r.CalibrationError = QuantileSorted(dev, 0.5)
		if r.CalibrationError > tol {
			r.Warning = fmt.Sprintf("calibration error %.3g exceeds %g", r.CalibrationError, tol)
		}
		out[j] = r
	}
	return out, nil
}
