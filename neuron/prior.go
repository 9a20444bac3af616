package neuron

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Prior is a one-dimensional prior distribution. Dist selects the family and
// which fields apply:
//
//	lognormal: log X ~ Normal(log Median, SigmaLog^2)
//	normal:    X ~ Normal(Mean, SD^2)
//	uniform:   X ~ Uniform(Low, High)
type Prior struct {
	Dist     string  `yaml:"dist" json:"dist"`
	Median   float64 `yaml:"median,omitempty" json:"median,omitempty"`
	SigmaLog float64 `yaml:"sigma_log,omitempty" json:"sigma_log,omitempty"`
	Mean     float64 `yaml:"mean,omitempty" json:"mean,omitempty"`
	SD       float64 `yaml:"sd,omitempty" json:"sd,omitempty"`
	Low      float64 `yaml:"low,omitempty" json:"low,omitempty"`
	High     float64 `yaml:"high,omitempty" json:"high,omitempty"`
}

// Prior families.
const (
	DistLogNormal = "lognormal"
	DistNormal    = "normal"
	DistUniform   = "uniform"
)

// LogNormal returns the prior with log X ~ Normal(log median, sigmaLog^2).
func LogNormal(median, sigmaLog float64) Prior {
	return Prior{Dist: DistLogNormal, Median: median, SigmaLog: sigmaLog}
}

// Normal returns the prior X ~ Normal(mean, sd^2).
func Normal(mean, sd float64) Prior { return Prior{Dist: DistNormal, Mean: mean, SD: sd} }

// Uniform returns the prior X ~ Uniform(low, high).
func Uniform(low, high float64) Prior { return Prior{Dist: DistUniform, Low: low, High: high} }

// MaxPriorSigmaLog is the largest sigma_log of a lognormal prior. Within 8
// sd its draws then span a factor e^40 (10^17) either side of the median;
// a wider prior says nothing about a physical quantity, and its draws and
// their squares leave the range where training's standardisation is exact.
const MaxPriorSigmaLog = 5

// Validate checks that the family is known, its fields are finite, within
// MaxMagnitude and in range (a lognormal's median at least 1/MaxMagnitude,
// its sigma_log at most MaxPriorSigmaLog), and no field of another family
// is set.
func (p Prior) Validate() error {
	finite := func(vs ...float64) bool {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
		return true
	}
	if !finite(p.Median, p.SigmaLog, p.Mean, p.SD, p.Low, p.High) {
		return fmt.Errorf("prior %s: non-finite field", p.Dist)
	}
	for i, v := range []float64{p.Median, p.SigmaLog, p.Mean, p.SD, p.Low, p.High} {
		if math.Abs(v) > MaxMagnitude {
			name := [...]string{"median", "sigma_log", "mean", "sd", "low", "high"}[i]
			return fmt.Errorf("prior %s: |%s| = %g is more than MaxMagnitude = %g", p.Dist, name, math.Abs(v), float64(MaxMagnitude))
		}
	}
	switch p.Dist {
	case DistLogNormal:
		if p.Mean != 0 || p.SD != 0 || p.Low != 0 || p.High != 0 {
			return fmt.Errorf("prior lognormal takes median and sigma_log only")
		}
		if p.Median <= 0 || p.SigmaLog <= 0 {
			return fmt.Errorf("prior lognormal needs median > 0 and sigma_log > 0 (got %g, %g)", p.Median, p.SigmaLog)
		}
		if p.Median < 1/MaxMagnitude {
			return fmt.Errorf("prior lognormal: median %g is below 1/MaxMagnitude = %g", p.Median, 1/MaxMagnitude)
		}
		if p.SigmaLog > MaxPriorSigmaLog {
			return fmt.Errorf("prior lognormal: sigma_log %g is more than MaxPriorSigmaLog = %d", p.SigmaLog, MaxPriorSigmaLog)
		}
	case DistNormal:
		if p.Median != 0 || p.SigmaLog != 0 || p.Low != 0 || p.High != 0 {
			return fmt.Errorf("prior normal takes mean and sd only")
		}
		if p.SD <= 0 {
			return fmt.Errorf("prior normal needs sd > 0 (got %g)", p.SD)
		}
	case DistUniform:
		if p.Median != 0 || p.SigmaLog != 0 || p.Mean != 0 || p.SD != 0 {
			return fmt.Errorf("prior uniform takes low and high only")
		}
		if !(p.Low < p.High) {
			return fmt.Errorf("prior uniform needs low < high (got %g, %g)", p.Low, p.High)
		}
	default:
		return fmt.Errorf("prior: unknown dist %q (want %s, %s or %s)", p.Dist, DistLogNormal, DistNormal, DistUniform)
	}
	return nil
}

// Sample draws one value.
func (p Prior) Sample(rng *rand.Rand) float64 { return p.sample(rng) }

// normalSource is the part of *rand.Rand that sampling needs.
type normalSource interface {
	NormFloat64() float64
	Float64() float64
}

func (p Prior) sample(rng normalSource) float64 {
	switch p.Dist {
	case DistLogNormal:
		return p.Median * math.Exp(p.SigmaLog*rng.NormFloat64())
	case DistNormal:
		return p.Mean + p.SD*rng.NormFloat64()
	default:
		return p.Low + (p.High-p.Low)*rng.Float64()
	}
}

// LogPdf returns the log density at x (-Inf outside the support).
func (p Prior) LogPdf(x float64) float64 {
	const logSqrt2Pi = 0.91893853320467274178
	switch p.Dist {
	case DistLogNormal:
		if x <= 0 {
			return math.Inf(-1)
		}
		z := (math.Log(x) - math.Log(p.Median)) / p.SigmaLog
		return -0.5*z*z - logSqrt2Pi - math.Log(p.SigmaLog) - math.Log(x)
	case DistNormal:
		z := (x - p.Mean) / p.SD
		return -0.5*z*z - logSqrt2Pi - math.Log(p.SD)
	default:
		if x < p.Low || x > p.High {
			return math.Inf(-1)
		}
		return -math.Log(p.High - p.Low)
	}
}

// InSupport reports whether x has positive prior density.
func (p Prior) InSupport(x float64) bool { return !math.IsInf(p.LogPdf(x), -1) && !math.IsNaN(x) }

// MeanValue returns the prior mean.
func (p Prior) MeanValue() float64 {
	switch p.Dist {
	case DistLogNormal:
		return p.Median * math.Exp(p.SigmaLog*p.SigmaLog/2)
	case DistNormal:
		return p.Mean
	default:
		return (p.Low + p.High) / 2
	}
}

// Variance returns the prior variance.
func (p Prior) Variance() float64 {
	switch p.Dist {
	case DistLogNormal:
		s2 := p.SigmaLog * p.SigmaLog
		return (math.Exp(s2) - 1) * p.Median * p.Median * math.Exp(s2)
	case DistNormal:
		return p.SD * p.SD
	default:
		d := p.High - p.Low
		return d * d / 12
	}
}

// String formats the prior as in model.md, e.g. "LogNormal(ln 1, 0.3)".
func (p Prior) String() string {
	switch p.Dist {
	case DistLogNormal:
		return fmt.Sprintf("LogNormal(ln %g, %g)", p.Median, p.SigmaLog)
	case DistNormal:
		return fmt.Sprintf("Normal(%g, %g)", p.Mean, p.SD)
	case DistUniform:
		return fmt.Sprintf("Uniform(%g, %g)", p.Low, p.High)
	}
	return fmt.Sprintf("Prior(%q)", p.Dist)
}

// Widen returns the prior made factor times wider about the same centre:
// a lognormal's sigma_log, a normal's sd and a uniform's half-width times
// factor (the median, mean and midpoint stay). The result keeps Validate's
// limits: sigma_log at most MaxPriorSigmaLog, every field within
// MaxMagnitude. A uniform prior knows no support but its own bounds;
// WidenPriors clips a parameter's widened uniform to its physical
// support. A factor below 1 or not finite (CheckWidenFactor) returns p
// unchanged.
func (p Prior) Widen(factor float64) Prior {
	if CheckWidenFactor(factor) != nil {
		return p
	}
	switch p.Dist {
	case DistLogNormal:
		p.SigmaLog = min(p.SigmaLog*factor, MaxPriorSigmaLog)
	case DistNormal:
		p.SD = min(p.SD*factor, MaxMagnitude)
	case DistUniform:
		mid, half := p.Low/2+p.High/2, (p.High/2-p.Low/2)*factor
		p.Low, p.High = max(mid-half, -MaxMagnitude), min(mid+half, MaxMagnitude)
	}
	return p
}
