package validation

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// The posterior predictive coverage rule. When the model explains a trace
// of T points with Gaussian observation noise, each observed point falls
// inside the central q band of the posterior predictive with probability
// about q, so the share of points inside is q give or take its binomial
// standard error sqrt(q (1 - q) / T). Residuals of a fitted trace are
// autocorrelated (the smooth part of a misfit persists over many samples),
// which shrinks the number of independent points: an AR(1) residual with
// lag-1 correlation rho leaves T (1 - rho) / (1 + rho), 225 of 600 points
// at rho = 0.45. The rule accepts the share inside the q band when
//
//	|share - q| <= PPCCoverageZ sqrt(q (1 - q) / PPCEffectivePoints),
//
// 0.10 at q = 0.5 and 0.06 at q = 0.9: three standard errors of a trace with
// 225 independent points, whatever its length (more samples of the same
// recording do not make a smooth misfit more independent). Too many points
// inside (a predictive far wider than the noise) fails as well as too few.
const (
	PPCCoverageZ       = 3
	PPCEffectivePoints = 225
)

// FarOutsidePriorSDs is how many prior standard deviations (in the flow's
// unconstrained coordinates, where the prior is Gaussian) a posterior
// median may lie from the prior's centre before the posterior is called
// far outside the prior: the prior puts 6e-7 of its mass beyond 5 sds, so
// such a posterior is the network extrapolating, not the data speaking.
const FarOutsidePriorSDs = 5

// PPCTolerance is the largest |share inside - q| the coverage rule accepts
// at level q.
func PPCTolerance(q float64) float64 {
	return PPCCoverageZ * math.Sqrt(q*(1-q)/PPCEffectivePoints)
}

// PredictiveCoverage applies the coverage rule to a posterior predictive
// check at the 50 % and 90 % levels; it returns one sentence per level
// that fails (none when the coverage is close to nominal).
func PredictiveCoverage(p diagnose.PPC) []string {
	var fails []string
	for _, c := range []struct{ q, inside float64 }{{0.5, p.Inside50}, {0.9, p.Inside90}} {
		if tol := PPCTolerance(c.q); math.Abs(c.inside-c.q) > tol {
			fails = append(fails, fmt.Sprintf("%.0f %% of the points lie inside the %.0f %% predictive band (nominal %.0f %% +- %.0f)",
				100*c.inside, 100*c.q, 100*c.q, 100*tol))
		}
	}
	return fails
}

// PriorZ returns, per parameter, how many prior standard deviations the
// posterior median lies from the prior's centre, in the coordinates the
// flow models (log for a log-normal prior, logit for a uniform one), where
// the median is the image of the median. Medians on or beyond the
// support's edge give large finite values.
func PriorZ(priors []neuron.Prior, medians []float64) []float64 {
	z := make([]float64, len(medians))
	for j, med := range medians {
		z[j] = (unconstrained(priors[j], med) - priorCentre(priors[j])) / npe.UnconstrainedSD(priors[j])
	}
	return z
}

// unconstrained maps x to the flow's coordinates, clamping values on or
// beyond the support's edge to the largest finite image.
func unconstrained(p neuron.Prior, x float64) float64 {
	const tiny = 1e-300
	switch p.Dist {
	case neuron.DistLogNormal:
		return math.Log(max(x, tiny))
	case neuron.DistUniform:
		u := min(max((x-p.Low)/(p.High-p.Low), tiny), 1-1e-16)
		return math.Log(u / (1 - u))
	}
	return x
}

// priorCentre is the prior's median in unconstrained coordinates.
func priorCentre(p neuron.Prior) float64 {
	switch p.Dist {
	case neuron.DistLogNormal:
		return math.Log(p.Median)
	case neuron.DistNormal:
		return p.Mean
	}
	return 0
}

// farOutside returns a sentence per parameter whose |z| exceeds
// FarOutsidePriorSDs.
func farOutside(names []string, priors []neuron.Prior, summary []diagnose.Summary, z []float64) []string {
	var out []string
	for j, v := range z {
		if math.Abs(v) <= FarOutsidePriorSDs {
			continue
		}
		where := map[bool]string{true: "above", false: "below"}[v > 0]
		coords := ""
		if priors[j].Dist != neuron.DistNormal {
			coords = " in the flow's coordinates (" + map[bool]string{true: "log", false: "logit"}[priors[j].Dist == neuron.DistLogNormal] + ")"
		}
		out = append(out, fmt.Sprintf("%s: posterior median %.3g %s is %.0f prior sds %s the prior's centre%s: far outside the prior",
			names[j], summary[j].Median, neuron.Units[names[j]], math.Abs(v), where, coords))
	}
	return out
}
