package diagnose

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Normalization selects the scale that divides the RMSE in NRMSE.
type Normalization int

const (
	// NormPriorSD divides by the prior standard deviation: RecoveryConfig.PriorSD
	// when given, else the sample standard deviation of the truths (which are
	// prior draws). It does not grow with M, and for a calibrated posterior
	// NRMSE^2 is about 1 - Contraction.
	NormPriorSD Normalization = iota
	// NormRange divides by max - min of the truths (as BayesFlow does).
	NormRange
)

// RecoveryConfig sets up Recovery. The zero value means defaults.
type RecoveryConfig struct {
	// PriorSD is the prior standard deviation of each parameter; nil: the
	// sample standard deviation of the truths. It sets the prior variance in
	// Contraction and the scale of NormPriorSD.
	PriorSD   []float64
	Normalize Normalization
}

// RecoveryResult measures, for one parameter over M simulations, how well
// posterior means recover the truths theta_m. With posterior mean mu_m and
// standard deviation sd_m (divisor S-1) of the draws:
//
//	Bias        = mean_m (mu_m - theta_m)
//	RMSE        = sqrt(mean_m (mu_m - theta_m)^2),  NRMSE = RMSE / scale
//	Contraction = mean_m (1 - sd_m^2 / var_prior)
//	Z[m]        = (mu_m - theta_m) / sd_m
//
// A calibrated posterior gives z-scores with mean 0 and standard deviation 1.
// The result carries no warning: whether a bias or contraction is good
// enough depends on the parameter.
type RecoveryResult struct {
	Param       int       `json:"param"`
	Bias        float64   `json:"bias"`
	RMSE        float64   `json:"rmse"`
	NRMSE       float64   `json:"nrmse"`
	Scale       float64   `json:"scale"` // NRMSE's divisor
	Contraction float64   `json:"contraction"`
	ZMean       float64   `json:"z_mean"`
	ZSD         float64   `json:"z_sd"`
	PostMean    []float64 `json:"post_mean"`
	PostSD      []float64 `json:"post_sd"`
	Z           []float64 `json:"z"`
}

// Recovery returns a RecoveryResult per parameter of truths (M x P) and
// draws (M x S x P). It needs S >= 2, and M >= 2 unless PriorSD is given.
func Recovery(truths [][]float64, draws [][][]float64, cfg RecoveryConfig) ([]RecoveryResult, error) {
	m, s, p, err := checkSet(truths, draws)
	if err != nil {
		return nil, err
	}
	if s < 2 {
		return nil, fmt.Errorf("diagnose: recovery needs at least 2 draws, have %d", s)
	}
	if cfg.PriorSD != nil && len(cfg.PriorSD) != p {
		return nil, fmt.Errorf("diagnose: %d prior sds for %d parameters", len(cfg.PriorSD), p)
	}
	if cfg.PriorSD == nil && m < 2 {
		return nil, fmt.Errorf("diagnose: recovery without prior sds needs at least 2 simulations")
	}
	out := make([]RecoveryResult, p)
	x := make([]float64, s)
	for j := range p {
		theta := column(truths, j)
		priorSD := stat.StdDev(theta, nil)
		if cfg.PriorSD != nil {
			priorSD = cfg.PriorSD[j]
		}
		if !(priorSD > 0) {
			return nil, fmt.Errorf("diagnose: prior sd of parameter %d is %v", j, priorSD)
		}
		r := RecoveryResult{Param: j, PostMean: make([]float64, m), PostSD: make([]float64, m), Z: make([]float64, m)}
		var sq, contr float64
		for i := range m {
			for k, d := range draws[i] {
				x[k] = d[j]
			}
			mu, sd := stat.MeanStdDev(x, nil)
			if sd == 0 {
				return nil, fmt.Errorf("diagnose: posterior of parameter %d in simulation %d has zero spread", j, i)
			}
			e := mu - theta[i]
			r.PostMean[i], r.PostSD[i], r.Z[i] = mu, sd, e/sd
			r.Bias += e / float64(m)
			sq += e * e / float64(m)
			contr += (1 - sd*sd/(priorSD*priorSD)) / float64(m)
		}
		r.RMSE, r.Contraction = math.Sqrt(sq), contr
		r.Scale = priorSD
		if cfg.Normalize == NormRange {
			lo, hi := theta[0], theta[0]
			for _, t := range theta {
				lo, hi = math.Min(lo, t), math.Max(hi, t)
			}
			r.Scale = hi - lo
		}
		if r.Scale == 0 {
			return nil, fmt.Errorf("diagnose: truths of parameter %d have zero range", j)
		}
		r.NRMSE = r.RMSE / r.Scale
		r.ZMean, r.ZSD = stat.MeanStdDev(r.Z, nil)
		out[j] = r
	}
	return out, nil
}
