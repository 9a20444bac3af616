package trust

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/prior"
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
		z[j] = (unconstrained(priors[j], med) - priorCentre(priors[j])) / priors[j].Distribution().UnconstrainedSD()
	}
	return z
}

// unconstrained maps x to the flow's coordinates, clamping values on or
// beyond the support's edge to the largest finite image.
func unconstrained(p neuron.Prior, x float64) float64 {
	return prior.UnconstrainClamped(p.Distribution(), x)
}

// priorCentre is the prior's median in unconstrained coordinates.
func priorCentre(p neuron.Prior) float64 {
	d := p.Distribution()
	return prior.UnconstrainClamped(d, d.Centre())
}

// PosteriorConflictSDs is how many prior standard deviations (as PriorZ)
// a posterior median may lie from the prior's centre before the data are
// said to conflict with the prior: the prior puts 0.27 % of its mass
// beyond 3 sds. Beyond FarOutsidePriorSDs the posterior is moreover far
// outside the prior, and a recording's posterior is not trusted.
const PosteriorConflictSDs = 3

// PosteriorConflict returns, after inference, a warning per parameter
// whose posterior median (of draws, S x P, columns as names and priors)
// lies more than PosteriorConflictSDs prior sds from the prior's centre in
// the prior's unconstrained coordinates (PriorZ), saying how far, which
// way and what to do; none when the posterior agrees with the prior.
func PosteriorConflict(names []string, priors []neuron.Prior, draws [][]float64) []string {
	if len(draws) == 0 {
		return nil
	}
	medians := make([]float64, len(priors))
	col := make([]float64, len(draws))
	for j := range medians {
		for i, d := range draws {
			col[i] = d[j]
		}
		slices.Sort(col)
		medians[j] = diagnose.QuantileSorted(col, 0.5)
	}
	return conflicts(names, priors, medians, PriorZ(priors, medians), PosteriorConflictSDs)
}

// conflicts is the one rule behind PosteriorConflict and farOutside: a
// sentence per parameter whose prior z (PriorZ of medians) exceeds limit
// in absolute value, saying "far outside the prior" beyond
// FarOutsidePriorSDs.
func conflicts(names []string, priors []neuron.Prior, medians, z []float64, limit float64) []string {
	var out []string
	for j, v := range z {
		if !(math.Abs(v) > limit) {
			continue
		}
		where := map[bool]string{true: "above", false: "below"}[v > 0]
		coords := ""
		if priors[j].Dist != neuron.DistNormal {
			coords = " in the flow's coordinates (" + map[bool]string{true: "log", false: "logit"}[priors[j].Dist == neuron.DistLogNormal] + ")"
		}
		verdict := "the data conflict with the prior"
		if math.Abs(v) > FarOutsidePriorSDs {
			verdict += ": far outside the prior, where the network extrapolates"
		}
		sds := fmt.Sprintf("%.1f", math.Abs(v))
		if math.Abs(v) >= 10 {
			sds = fmt.Sprintf("%.0f", math.Abs(v))
		}
		out = append(out, fmt.Sprintf("%s: posterior median %s %s lies %s prior sds %s the prior's centre%s; %s; widen the priors (laa fit --widen-priors 2) or check the recording's units and protocol",
			names[j], strconv.FormatFloat(medians[j], 'g', 3, 64), neuron.Units[names[j]], sds, where, coords, verdict))
	}
	return out
}

// farOutside returns the sentence of conflicts per parameter whose |z|
// exceeds FarOutsidePriorSDs: the parameters that make a recording's
// posterior untrustworthy.
func farOutside(names []string, priors []neuron.Prior, summary []diagnose.Summary, z []float64) []string {
	medians := make([]float64, len(summary))
	for j, sm := range summary {
		medians[j] = sm.Median
	}
	return conflicts(names, priors, medians, z, FarOutsidePriorSDs)
}
