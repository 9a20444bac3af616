package prior

import (
	"fmt"
	"math"
	"math/rand/v2"

	"go.yaml.in/yaml/v3"
)

// Family names, as a Spec's dist field writes them.
const (
	FamilyLogNormal  = "lognormal"
	FamilyNormal     = "normal"
	FamilyUniform    = "uniform"
	FamilyLogUniform = "loguniform"
)

// MaxMagnitude bounds every number of a Spec (and 1/MaxMagnitude the
// smallest lognormal median or loguniform bound), so that draws and their
// squares stay where standardization is exact.
const MaxMagnitude = 1e9

// MaxSigmaLog is the largest sigma_log of a lognormal prior. Within 8 sd
// its draws then span a factor e^40 (10^17) either side of the median; a
// wider prior says nothing about a physical quantity.
const MaxSigmaLog = 5

// Spec is a prior as a configuration file writes it. Dist selects the
// family and which fields apply:
//
//	lognormal:  median, sigma_log
//	normal:     mean, sd
//	uniform:    low, high
//	loguniform: low, high (0 < low < high)
//
// Its methods take the family's mathematics from Distribution; a Spec
// that does not Validate gives NaN densities and draws.
type Spec struct {
	Dist     string  `yaml:"dist" json:"dist"`
	Median   float64 `yaml:"median,omitempty" json:"median,omitempty"`
	SigmaLog float64 `yaml:"sigma_log,omitempty" json:"sigma_log,omitempty"`
	Mean     float64 `yaml:"mean,omitempty" json:"mean,omitempty"`
	SD       float64 `yaml:"sd,omitempty" json:"sd,omitempty"`
	Low      float64 `yaml:"low,omitempty" json:"low,omitempty"`
	High     float64 `yaml:"high,omitempty" json:"high,omitempty"`
}

// NewLogNormal returns the Spec of LogNormal{median, sigmaLog}.
func NewLogNormal(median, sigmaLog float64) Spec {
	return Spec{Dist: FamilyLogNormal, Median: median, SigmaLog: sigmaLog}
}

// NewNormal returns the Spec of Normal{mean, sd}.
func NewNormal(mean, sd float64) Spec { return Spec{Dist: FamilyNormal, Mean: mean, SD: sd} }

// NewUniform returns the Spec of Uniform{low, high}.
func NewUniform(low, high float64) Spec { return Spec{Dist: FamilyUniform, Low: low, High: high} }

// NewLogUniform returns the Spec of LogUniform{low, high}.
func NewLogUniform(low, high float64) Spec {
	return Spec{Dist: FamilyLogUniform, Low: low, High: high}
}

// SpecOf returns the Spec that writes d (an unknown family gives a Spec
// that does not Validate).
func SpecOf(d Distribution) Spec {
	switch d := d.(type) {
	case LogNormal:
		return NewLogNormal(d.Median, d.SigmaLog)
	case Normal:
		return NewNormal(d.Mu, d.Sigma)
	case Uniform:
		return NewUniform(d.Low, d.High)
	case LogUniform:
		return NewLogUniform(d.Low, d.High)
	}
	return Spec{Dist: d.Family()}
}

// Distributions returns the distribution of each spec.
func Distributions(specs []Spec) []Distribution {
	out := make([]Distribution, len(specs))
	for i, s := range specs {
		out[i] = s.Distribution()
	}
	return out
}

// CheckWidenFactor reports whether factor can widen a prior: a finite
// number of at least 1 (1 leaves the prior as it is). Narrowing a prior
// to fit a recording would let the data choose the prior.
func CheckWidenFactor(factor float64) error {
	if math.IsNaN(factor) || math.IsInf(factor, 0) || factor < 1 {
		return fmt.Errorf("prior widening factor %g must be a finite number of at least 1", factor)
	}
	return nil
}

// Distribution returns s's distribution. It does not validate s (Validate
// does): a Spec of unknown family gives a distribution that is NaN
// everywhere and supports nothing.
func (s Spec) Distribution() Distribution {
	switch s.Dist {
	case FamilyLogNormal:
		return LogNormal{s.Median, s.SigmaLog}
	case FamilyNormal:
		return Normal{s.Mean, s.SD}
	case FamilyUniform:
		return Uniform{s.Low, s.High}
	case FamilyLogUniform:
		return LogUniform{s.Low, s.High}
	}
	return invalid{s.Dist}
}

// Validate checks that the family is known, its fields are finite, within
// MaxMagnitude and in range (a lognormal's median and a loguniform's low
// at least 1/MaxMagnitude, sigma_log at most MaxSigmaLog), and no field of
// another family is set.
func (s Spec) Validate() error {
	fields := []float64{s.Median, s.SigmaLog, s.Mean, s.SD, s.Low, s.High}
	names := [...]string{"median", "sigma_log", "mean", "sd", "low", "high"}
	for i, v := range fields {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("prior %s: non-finite %s", s.Dist, names[i])
		}
		if math.Abs(v) > MaxMagnitude {
			return fmt.Errorf("prior %s: |%s| = %g is more than MaxMagnitude = %g", s.Dist, names[i], math.Abs(v), float64(MaxMagnitude))
		}
	}
	only := func(allowed ...int) error {
		for i, v := range fields {
			if v != 0 && i != allowed[0] && i != allowed[1] {
				return fmt.Errorf("prior %s takes %s and %s only (%s is set)", s.Dist, names[allowed[0]], names[allowed[1]], names[i])
			}
		}
		return nil
	}
	switch s.Dist {
	case FamilyLogNormal:
		if err := only(0, 1); err != nil {
			return err
		}
		if s.Median <= 0 || s.SigmaLog <= 0 {
			return fmt.Errorf("prior lognormal needs median > 0 and sigma_log > 0 (got %g, %g)", s.Median, s.SigmaLog)
		}
		if s.Median < 1/MaxMagnitude {
			return fmt.Errorf("prior lognormal: median %g is below 1/MaxMagnitude = %g", s.Median, 1/MaxMagnitude)
		}
		if s.SigmaLog > MaxSigmaLog {
			return fmt.Errorf("prior lognormal: sigma_log %g is more than MaxSigmaLog = %d", s.SigmaLog, MaxSigmaLog)
		}
	case FamilyNormal:
		if err := only(2, 3); err != nil {
			return err
		}
		if s.SD <= 0 {
			return fmt.Errorf("prior normal needs sd > 0 (got %g)", s.SD)
		}
	case FamilyUniform, FamilyLogUniform:
		if err := only(4, 5); err != nil {
			return err
		}
		if !(s.Low < s.High) {
			return fmt.Errorf("prior %s needs low < high (got %g, %g)", s.Dist, s.Low, s.High)
		}
		if s.Dist == FamilyLogUniform && s.Low < 1/MaxMagnitude {
			return fmt.Errorf("prior loguniform needs low >= 1/MaxMagnitude = %g (got %g)", 1/MaxMagnitude, s.Low)
		}
	default:
		return fmt.Errorf("prior: unknown dist %q (want %s, %s, %s or %s)", s.Dist, FamilyLogNormal, FamilyNormal, FamilyUniform, FamilyLogUniform)
	}
	return nil
}

// Sample draws one value.
func (s Spec) Sample(rng *rand.Rand) float64 { return s.Distribution().Sample(rng) }

// LogPdf returns the log density at x (-Inf outside the support).
func (s Spec) LogPdf(x float64) float64 { return s.Distribution().LogDensity(x) }

// InSupport reports whether x has positive prior density.
func (s Spec) InSupport(x float64) bool { return s.Distribution().InSupport(x) }

// MeanValue returns the prior mean.
func (s Spec) MeanValue() float64 { return s.Distribution().Mean() }

// Variance returns the prior variance.
func (s Spec) Variance() float64 { return s.Distribution().Variance() }

// String formats the prior, e.g. "LogNormal(ln 1, 0.3)".
func (s Spec) String() string { return s.Distribution().String() }

// Widen returns the prior made factor times wider about the same centre:
// a lognormal's sigma_log, a normal's sd and a uniform's half-width (a
// loguniform's in log coordinates) times factor. The result keeps
// Validate's limits. A factor CheckWidenFactor refuses returns s unchanged.
func (s Spec) Widen(factor float64) Spec {
	if CheckWidenFactor(factor) != nil {
		return s
	}
	switch s.Dist {
	case FamilyLogNormal:
		s.SigmaLog = min(s.SigmaLog*factor, MaxSigmaLog)
	case FamilyNormal:
		s.SD = min(s.SD*factor, MaxMagnitude)
	case FamilyUniform:
		mid, half := s.Low/2+s.High/2, (s.High/2-s.Low/2)*factor
		s.Low, s.High = max(mid-half, -MaxMagnitude), min(mid+half, MaxMagnitude)
	case FamilyLogUniform:
		l, h := math.Log(s.Low), math.Log(s.High)
		mid, half := (l+h)/2, (h-l)/2*factor
		s.Low, s.High = max(math.Exp(mid-half), 1/MaxMagnitude), min(math.Exp(mid+half), MaxMagnitude)
	}
	return s
}

// invalid is the distribution of a Spec of unknown family: NaN everywhere.
type invalid struct{ family string }

func (d invalid) Family() string            { return d.family }
func (invalid) Sample(*rand.Rand) float64   { return math.NaN() }
func (invalid) LogDensity(float64) float64  { return math.NaN() }
func (invalid) InSupport(float64) bool      { return false }
func (invalid) Support() (float64, float64) { return math.NaN(), math.NaN() }
func (d invalid) Unconstrain(float64) (float64, error) {
	return 0, fmt.Errorf("prior: unknown dist %q", d.family)
}
func (invalid) Constrain(float64) float64   { return math.NaN() }
func (invalid) LogJacobian(float64) float64 { return math.NaN() }
func (invalid) Centre() float64             { return math.NaN() }
func (invalid) Mean() float64               { return math.NaN() }
func (invalid) Variance() float64           { return math.NaN() }
func (invalid) UnconstrainedSD() float64    { return math.NaN() }
func (d invalid) String() string            { return fmt.Sprintf("Prior(%q)", d.family) }

// UnmarshalYAML decodes a prior from scratch, refusing keys that are not
// fields of Spec (a custom unmarshaler does not inherit the decoder's
// KnownFields setting).
func (s *Spec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			switch k := n.Content[i].Value; k {
			case "dist", "median", "sigma_log", "mean", "sd", "low", "high":
			default:
				return fmt.Errorf("line %d: unknown key %q in prior", n.Content[i].Line, k)
			}
		}
	}
	type plain Spec
	var q plain
	if err := n.Decode(&q); err != nil {
		return err
	}
	*s = Spec(q)
	return nil
}
