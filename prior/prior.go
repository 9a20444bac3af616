// Package prior holds the one-dimensional prior distributions of laa's
// parameters, one type per family, each owning its mathematics: drawing,
// the log density, and the bijection between its support and the real
// line (the unconstrained coordinates the flow and the samplers work in)
// with its log-Jacobian. Spec is the form a configuration file writes.
//
// The families and their unconstrained coordinates:
//
//	LogNormal  log X ~ Normal(log Median, SigmaLog^2)   u = log x
//	Normal     X ~ Normal(Mu, Sigma^2)                   u = x
//	Uniform    X ~ Uniform(Low, High)                    u = logit((x - Low) / (High - Low))
//	LogUniform log X ~ Uniform(log Low, log High)        u = logit((log x - log Low) / (log High - log Low))
package prior

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Distribution is a one-dimensional prior.
type Distribution interface {
	// Family names the distribution as a Spec writes it ("lognormal", ...).
	Family() string
	// Sample draws one value from rng.
	Sample(rng *rand.Rand) float64
	// LogDensity is the log density at x, -Inf outside the support.
	LogDensity(x float64) float64
	// InSupport reports whether x has positive density.
	InSupport(x float64) bool
	// Support returns the bounds of the support (open or closed).
	Support() (low, high float64)
	// Unconstrain maps x inside the open support to the real line.
	Unconstrain(x float64) (float64, error)
	// Constrain is the inverse of Unconstrain.
	Constrain(u float64) float64
	// LogJacobian is log |dx/du| of Constrain at u.
	LogJacobian(u float64) float64
	// Centre is the distribution's median.
	Centre() float64
	// Mean and Variance are the distribution's moments.
	Mean() float64
	Variance() float64
	// UnconstrainedSD is the standard deviation of Unconstrain(X).
	UnconstrainedSD() float64
	// String formats the distribution, e.g. "LogNormal(ln 1, 0.3)".
	String() string
}

const logSqrt2Pi = 0.91893853320467274178

// LogNormal is log X ~ Normal(log Median, SigmaLog^2).
type LogNormal struct{ Median, SigmaLog float64 }

// Family returns "lognormal".
func (LogNormal) Family() string { return FamilyLogNormal }

// Sample draws Median * exp(SigmaLog * z), z standard normal.
func (d LogNormal) Sample(rng *rand.Rand) float64 {
	return d.Median * math.Exp(d.SigmaLog*rng.NormFloat64())
}

// LogDensity returns the log density at x.
func (d LogNormal) LogDensity(x float64) float64 {
	if x <= 0 {
		return math.Inf(-1)
	}
	z := (math.Log(x) - math.Log(d.Median)) / d.SigmaLog
	return -0.5*z*z - logSqrt2Pi - math.Log(d.SigmaLog) - math.Log(x)
}

// InSupport reports whether x > 0.
func (d LogNormal) InSupport(x float64) bool { return hasDensity(x, d.LogDensity(x)) }

// Support returns (0, +Inf).
func (LogNormal) Support() (float64, float64) { return 0, math.Inf(1) }

// Unconstrain returns log x.
func (d LogNormal) Unconstrain(x float64) (float64, error) {
	if !(x > 0) || math.IsInf(x, 1) {
		return 0, fmt.Errorf("value %g outside the support (0, inf) of %v", x, d)
	}
	return math.Log(x), nil
}

// Constrain returns exp(u).
func (LogNormal) Constrain(u float64) float64 { return math.Exp(u) }

// LogJacobian returns u, the log of d exp(u)/du.
func (LogNormal) LogJacobian(u float64) float64 { return u }

// Centre returns the median.
func (d LogNormal) Centre() float64 { return d.Median }

// Mean returns Median * exp(SigmaLog^2 / 2).
func (d LogNormal) Mean() float64 { return d.Median * math.Exp(d.SigmaLog*d.SigmaLog/2) }

// Variance returns (exp(s^2) - 1) Median^2 exp(s^2).
func (d LogNormal) Variance() float64 {
	s2 := d.SigmaLog * d.SigmaLog
	return (math.Exp(s2) - 1) * d.Median * d.Median * math.Exp(s2)
}

// UnconstrainedSD returns SigmaLog.
func (d LogNormal) UnconstrainedSD() float64 { return d.SigmaLog }

func (d LogNormal) String() string { return fmt.Sprintf("LogNormal(ln %g, %g)", d.Median, d.SigmaLog) }

// Normal is X ~ Normal(Mu, Sigma^2).
type Normal struct{ Mu, Sigma float64 }

// Family returns "normal".
func (Normal) Family() string { return FamilyNormal }

// Sample draws Mu + Sigma * z, z standard normal.
func (d Normal) Sample(rng *rand.Rand) float64 { return d.Mu + d.Sigma*rng.NormFloat64() }

// LogDensity returns the log density at x.
func (d Normal) LogDensity(x float64) float64 {
	z := (x - d.Mu) / d.Sigma
	return -0.5*z*z - logSqrt2Pi - math.Log(d.Sigma)
}

// InSupport reports whether x is finite.
func (d Normal) InSupport(x float64) bool { return hasDensity(x, d.LogDensity(x)) }

// Support returns (-Inf, +Inf).
func (Normal) Support() (float64, float64) { return math.Inf(-1), math.Inf(1) }

// Unconstrain returns x itself.
func (Normal) Unconstrain(x float64) (float64, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("value %g is not finite", x)
	}
	return x, nil
}

// Constrain returns u itself.
func (Normal) Constrain(u float64) float64 { return u }

// LogJacobian returns 0.
func (Normal) LogJacobian(float64) float64 { return 0 }

// Centre returns Mu.
func (d Normal) Centre() float64 { return d.Mu }

// Mean returns Mu.
func (d Normal) Mean() float64 { return d.Mu }

// Variance returns Sigma^2.
func (d Normal) Variance() float64 { return d.Sigma * d.Sigma }

// UnconstrainedSD returns Sigma.
func (d Normal) UnconstrainedSD() float64 { return d.Sigma }

func (d Normal) String() string { return fmt.Sprintf("Normal(%g, %g)", d.Mu, d.Sigma) }

// Uniform is X ~ Uniform(Low, High).
type Uniform struct{ Low, High float64 }

// Family returns "uniform".
func (Uniform) Family() string { return FamilyUniform }

// Sample draws Low + (High - Low) * v, v uniform on [0, 1).
func (d Uniform) Sample(rng *rand.Rand) float64 { return d.Low + (d.High-d.Low)*rng.Float64() }

// LogDensity returns -log(High - Low) inside [Low, High].
func (d Uniform) LogDensity(x float64) float64 {
	if x < d.Low || x > d.High {
		return math.Inf(-1)
	}
	return -math.Log(d.High - d.Low)
}

// InSupport reports whether Low <= x <= High.
func (d Uniform) InSupport(x float64) bool { return hasDensity(x, d.LogDensity(x)) }

// Support returns [Low, High].
func (d Uniform) Support() (float64, float64) { return d.Low, d.High }

// Unconstrain returns the logit of (x - Low) / (High - Low).
func (d Uniform) Unconstrain(x float64) (float64, error) {
	if !(x > d.Low && x < d.High) {
		return 0, fmt.Errorf("value %g outside the support (%g, %g) of %v", x, d.Low, d.High, d)
	}
	return logit((x - d.Low) / (d.High - d.Low)), nil
}

// Constrain returns Low + (High - Low) sigmoid(u).
func (d Uniform) Constrain(u float64) float64 { return d.Low + (d.High-d.Low)/(1+math.Exp(-u)) }

// LogJacobian returns log((High - Low) sigmoid(u) (1 - sigmoid(u))).
func (d Uniform) LogJacobian(u float64) float64 {
	return math.Log(d.High-d.Low) - softplus(-u) - softplus(u)
}

// Centre returns the midpoint.
func (d Uniform) Centre() float64 { return d.Low/2 + d.High/2 }

// Mean returns the midpoint.
func (d Uniform) Mean() float64 { return (d.Low + d.High) / 2 }

// Variance returns (High - Low)^2 / 12.
func (d Uniform) Variance() float64 {
	w := d.High - d.Low
	return w * w / 12
}

// UnconstrainedSD returns pi / sqrt(3), the standard logistic distribution's.
func (Uniform) UnconstrainedSD() float64 { return math.Pi / math.Sqrt(3) }

func (d Uniform) String() string { return fmt.Sprintf("Uniform(%g, %g)", d.Low, d.High) }

// LogUniform is log X ~ Uniform(log Low, log High), 0 < Low < High: a
// scale parameter known only to its order of magnitude.
type LogUniform struct{ Low, High float64 }

// Family returns "loguniform".
func (LogUniform) Family() string { return FamilyLogUniform }

func (d LogUniform) logs() Uniform { return Uniform{math.Log(d.Low), math.Log(d.High)} }

// Sample draws exp of a uniform draw between log Low and log High.
func (d LogUniform) Sample(rng *rand.Rand) float64 { return math.Exp(d.logs().Sample(rng)) }

// LogDensity returns -log x - log(log High - log Low) inside [Low, High].
func (d LogUniform) LogDensity(x float64) float64 {
	if !(x >= d.Low && x <= d.High) {
		return math.Inf(-1)
	}
	return -math.Log(x) - math.Log(math.Log(d.High)-math.Log(d.Low))
}

// InSupport reports whether Low <= x <= High.
func (d LogUniform) InSupport(x float64) bool { return hasDensity(x, d.LogDensity(x)) }

// Support returns [Low, High].
func (d LogUniform) Support() (float64, float64) { return d.Low, d.High }

// Unconstrain returns the logit of log x's place between log Low and log High.
func (d LogUniform) Unconstrain(x float64) (float64, error) {
	if !(x > d.Low && x < d.High) {
		return 0, fmt.Errorf("value %g outside the support (%g, %g) of %v", x, d.Low, d.High, d)
	}
	return d.logs().Unconstrain(math.Log(x))
}

// Constrain is the inverse of Unconstrain.
func (d LogUniform) Constrain(u float64) float64 { return math.Exp(d.logs().Constrain(u)) }

// LogJacobian returns log |dx/du| = log x + the log-Jacobian of the logit.
func (d LogUniform) LogJacobian(u float64) float64 {
	l := d.logs()
	return l.Constrain(u) + l.LogJacobian(u)
}

// Centre returns sqrt(Low High).
func (d LogUniform) Centre() float64 { return math.Sqrt(d.Low) * math.Sqrt(d.High) }

// Mean returns (High - Low) / log(High / Low).
func (d LogUniform) Mean() float64 { return (d.High - d.Low) / (math.Log(d.High) - math.Log(d.Low)) }

// Variance returns E[X^2] - E[X]^2.
func (d LogUniform) Variance() float64 {
	r := math.Log(d.High) - math.Log(d.Low)
	m := d.Mean()
	return (d.High*d.High-d.Low*d.Low)/(2*r) - m*m
}

// UnconstrainedSD returns pi / sqrt(3), the standard logistic distribution's.
func (LogUniform) UnconstrainedSD() float64 { return math.Pi / math.Sqrt(3) }

func (d LogUniform) String() string { return fmt.Sprintf("LogUniform(%g, %g)", d.Low, d.High) }

// hasDensity reports whether x, of log-density logDensity, is a number
// with positive density. (Each InSupport calls its own LogDensity and
// passes the value: passing the distribution as a Distribution would box
// it, one allocation per check, 5,000 for 1,000 draws of 5 parameters.)
func hasDensity(x, logDensity float64) bool {
	return !math.IsNaN(x) && !math.IsInf(logDensity, -1)
}

// logit returns log(q / (1 - q)), accurate near both ends.
func logit(q float64) float64 { return math.Log(q) - math.Log1p(-q) }

// softplus returns log(1 + exp(x)) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// UnconstrainClamped maps x to d's unconstrained coordinates; a value on
// or beyond an edge of the support (whose image is not finite) takes the
// image of the nearest point inside that has a finite one, so that a
// summary of draws (a median, say) always has an image. NaN gives NaN.
func UnconstrainClamped(d Distribution, x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	if u, err := d.Unconstrain(x); err == nil && !math.IsInf(u, 0) {
		return u
	}
	lo, hi := d.Support()
	lo, hi = max(lo, -math.MaxFloat64), min(hi, math.MaxFloat64)
	edge, inward := hi, lo
	if x <= lo || math.Abs(x-lo) < math.Abs(x-hi) {
		edge, inward = lo, hi
	}
	step := math.Abs(math.Nextafter(edge, inward) - edge)
	for range 2200 { // doubling from one float spacing crosses any finite range
		y := edge + math.Copysign(step, inward-edge)
		if u, err := d.Unconstrain(y); err == nil && !math.IsInf(u, 0) {
			return u
		}
		step *= 2
		if math.IsInf(step, 0) {
			break
		}
	}
	return math.NaN()
}
