package diagnose

import (
	"fmt"
	"math"
	"slices"
)

// MinInside90 is the fraction of observed points inside the 90 % predictive
// band below which PredictiveCheck warns.
const MinInside90 = 0.75

// PPC is a posterior predictive check of one observed series y (n points)
// against S simulations from posterior draws. Q05..Q95 are pointwise
// predictive quantiles (QuantileSorted); Inside50 and Inside90 are the
// fractions of points with Q25 <= y <= Q75 and Q05 <= y <= Q95.
//
// The score is the mean over points of the continuous ranked probability
// score of the predictive sample X_1..X_S at y (lower is better, in the
// units of y, 0 for a point mass on y):
//
//	CRPS = (1/S) sum_s |X_s - y| - 1/(2 S^2) sum_s sum_t |X_s - X_t|.
//
// RMSE is the root mean square distance from y to the predictive median.
//
// Draws and Excluded are set by callers that simulate the predictive
// sample: how many posterior draws were simulated and how many of them
// were left out (a failed or unphysical simulation), so S = Draws -
// Excluded.
type PPC struct {
	Q05      []float64 `json:"q05"`
	Q25      []float64 `json:"q25"`
	Q50      []float64 `json:"q50"`
	Q75      []float64 `json:"q75"`
	Q95      []float64 `json:"q95"`
	Inside50 float64   `json:"inside50"`
	Inside90 float64   `json:"inside90"`
	CRPS     float64   `json:"crps"`
	RMSE     float64   `json:"rmse"`
	Draws    int       `json:"draws"`
	Excluded int       `json:"excluded"`
	Warning  string    `json:"warning,omitempty"`
}

// PredictiveCheck compares observed (n) with sims (S x n).
func PredictiveCheck(observed []float64, sims [][]float64) (PPC, error) {
	if err := checkVector("observed", observed); err != nil {
		return PPC{}, err
	}
	_, n, err := checkMatrix("sims", sims)
	if err != nil {
		return PPC{}, err
	}
	if n != len(observed) {
		return PPC{}, fmt.Errorf("diagnose: %d observed points but simulations of %d", len(observed), n)
	}
	r := PPC{Q05: make([]float64, n), Q25: make([]float64, n), Q50: make([]float64, n), Q75: make([]float64, n), Q95: make([]float64, n)}
	var in50, in90, sq float64
	for i, y := range observed {
		x := column(sims, i)
		slices.Sort(x)
		r.Q05[i], r.Q25[i], r.Q50[i] = QuantileSorted(x, 0.05), QuantileSorted(x, 0.25), QuantileSorted(x, 0.5)
		r.Q75[i], r.Q95[i] = QuantileSorted(x, 0.75), QuantileSorted(x, 0.95)
		if r.Q25[i] <= y && y <= r.Q75[i] {
			in50++
		}
		if r.Q05[i] <= y && y <= r.Q95[i] {
			in90++
		}
		sq += (y - r.Q50[i]) * (y - r.Q50[i])
		r.CRPS += CRPSSorted(x, y) / float64(n)
	}
	r.Inside50, r.Inside90, r.RMSE = in50/float64(n), in90/float64(n), math.Sqrt(sq/float64(n))
	if r.Inside90 < MinInside90 {
		r.Warning = fmt.Sprintf("observed series inside the 90 %% predictive band at only %.0f %% of points", 100*r.Inside90)
	}
	return r, nil
}

// CRPSSorted returns the CRPS of the ascending sample x at y, using
//
//	sum_s sum_t |x_s - x_t| = 2 sum_i (2i - S - 1) x_(i),  i = 1..S.
func CRPSSorted(x []float64, y float64) float64 {
	s := float64(len(x))
	var abs, spread float64
	for i, v := range x {
		abs += math.Abs(v - y)
		spread += (2*float64(i+1) - s - 1) * v
	}
	return abs/s - spread/(s*s)
}
