// Package model is what laa's core knows of a model: its parameters with
// their priors, the shape of one simulated observation, and optional
// abilities (simulating a batch, a tractable likelihood, hand-made
// features) that diagnostics use when a model has them. The LAA neuron
// (package neuron) is the first model; package external reads one from a
// YAML file, simulated by any program; a Go program brings its own by
// implementing Model and registering a decoder so saved files find it.
//
// A minimal model in Go:
//
//	type coin struct{}
//
//	func (coin) Kind() string { return "coin" }
//	func (coin) Parameters() []model.Parameter {
//		return []model.Parameter{{Name: "p", Prior: prior.Uniform{Low: 0, High: 1}}}
//	}
//	func (coin) Observation() model.Observation { return model.Observation{Length: 20} }
//	func (coin) Spec() ([]byte, error)          { return []byte("{}"), nil }
//
//	func init() {
//		model.Register("coin", func([]byte) (model.Model, error) { return coin{}, nil })
//	}
//
// See Example for one that also simulates.
package model

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/laa-neuro/laa/prior"
)

// Parameter is one inferred parameter.
type Parameter struct {
	Name  string             // unique within the model, e.g. "C_m"
	Unit  string             // e.g. "uF/cm2"; may be empty
	Prior prior.Distribution // its prior
}

// Observation describes one simulated (or recorded) observation x.
type Observation struct {
	Length int     // D values per observation
	Series bool    // the values are samples in time order (a trace), not a vector
	StepMs float64 // sampling step of a series, ms (0 when not known)
	Unit   string  // unit of the values, e.g. "mV"; may be empty
	// Input is a known input at each sample (LAA's injected current), nil
	// when the model has none; InputUnit is its unit.
	Input     []float64
	InputUnit string
}

// Model is a model laa can learn the posterior of.
type Model interface {
	// Kind names the model's type in files, the key of Register.
	Kind() string
	// Parameters lists the inferred parameters in column order.
	Parameters() []Parameter
	// Observation describes one observation.
	Observation() Observation
	// Spec is JSON that Decode(Kind(), spec) turns back into an equal model.
	Spec() ([]byte, error)
}

// Simulator is a Model that simulates: data sets, posterior predictive
// checks, the typicality of new data and the exact correction use it.
type Simulator interface {
	Model
	// Simulate fills x (n x D, row-major) for the n parameter rows of
	// theta (n x P). Row i draws its randomness from rngs[i] only, so a
	// row's result depends on its own stream alone.
	Simulate(theta []float64, rngs []*rand.Rand, x []float64) error
}

// Likelihood is a Model whose likelihood is tractable.
type Likelihood interface {
	Model
	// LogLikelihood returns log p(x | theta).
	LogLikelihood(theta, x []float64) (float64, error)
}

// Featurer is a Model with hand-made features (summary statistics) of an
// observation.
type Featurer interface {
	Model
	// FeatureNames names the features in order.
	FeatureNames() []string
	// Features fills out (len(FeatureNames())) with the features of x.
	Features(x []float64, out []float64) error
}

var (
	registryMu sync.RWMutex
	registry   = map[string]func(spec []byte) (Model, error){}
)

// Register makes Decode turn specs of kind into models. Registering a
// kind twice replaces the decoder.
func Register(kind string, decode func(spec []byte) (Model, error)) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[kind] = decode
}

// Decode returns the model of kind described by spec.
func Decode(kind string, spec []byte) (Model, error) {
	registryMu.RLock()
	decode, ok := registry[kind]
	var kinds []string
	for k := range registry {
		kinds = append(kinds, k)
	}
	registryMu.RUnlock()
	if !ok {
		sort.Strings(kinds)
		return nil, fmt.Errorf("model: unknown kind %q (known: %s); a Go model must be registered with model.Register", kind, strings.Join(kinds, ", "))
	}
	m, err := decode(spec)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", kind, err)
	}
	return m, nil
}

// Stored is a model as files keep it: its kind and its Spec.
type Stored struct {
	Kind string          `json:"kind"`
	Spec json.RawMessage `json:"spec"`
}

// Store returns m as files keep it.
func Store(m Model) (Stored, error) {
	spec, err := m.Spec()
	if err != nil {
		return Stored{}, fmt.Errorf("model %s: %w", m.Kind(), err)
	}
	return Stored{Kind: m.Kind(), Spec: spec}, nil
}

// Load decodes a stored model.
func (s Stored) Load() (Model, error) { return Decode(s.Kind, s.Spec) }

// Names returns the parameter names in column order.
func Names(m Model) []string {
	ps := m.Parameters()
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

// Priors returns the parameters' priors in column order.
func Priors(m Model) []prior.Distribution {
	ps := m.Parameters()
	out := make([]prior.Distribution, len(ps))
	for i, p := range ps {
		out[i] = p.Prior
	}
	return out
}

// SamplePrior draws one parameter vector from the priors.
func SamplePrior(m Model, rng *rand.Rand, theta []float64) {
	for i, p := range m.Parameters() {
		theta[i] = p.Prior.Sample(rng)
	}
}

// LogPrior returns the joint log prior density of theta (-Inf outside the
// support): the parameters are independent a priori.
func LogPrior(m Model, theta []float64) float64 {
	lp := 0.0
	for i, p := range m.Parameters() {
		lp += p.Prior.LogDensity(theta[i])
	}
	return lp
}

// Stream returns the random stream of simulation i of a run under seed.
// Each simulation draws its parameters and then its noise from its own
// stream, so results do not depend on how simulations are spread over
// workers, and shards of a run equal the matching rows of the whole.
func Stream(seed, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed^0x6c61612d6c6161), splitmix(splitmix(seed)+i)))
}

// splitmix is the SplitMix64 finalizer, a bijective 64-bit mixer.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Limits on what a model may declare, checked by Check.
const (
	MaxParameters = 256        // inferred parameters
	MaxLength     = 10_000_000 // values per observation
)

var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$`)

// Check validates what a model declares: 1 to MaxParameters parameters
// with unique names of letters, digits, '_', '.' and '-' (at most 64,
// starting with a letter or '_'), each with a prior, and an observation
// of 1 to MaxLength values whose input, if any, has one value per sample.
func Check(m Model) error {
	ps := m.Parameters()
	if len(ps) == 0 || len(ps) > MaxParameters {
		return fmt.Errorf("model %s: %d parameters (want 1 to %d)", m.Kind(), len(ps), MaxParameters)
	}
	seen := map[string]bool{}
	for i, p := range ps {
		switch {
		case !namePattern.MatchString(p.Name):
			return fmt.Errorf("model %s: parameter %d: name %q must match %s", m.Kind(), i, p.Name, namePattern)
		case seen[p.Name]:
			return fmt.Errorf("model %s: parameter name %q given twice", m.Kind(), p.Name)
		case p.Prior == nil:
			return fmt.Errorf("model %s: parameter %s has no prior", m.Kind(), p.Name)
		}
		seen[p.Name] = true
	}
	o := m.Observation()
	switch {
	case o.Length < 1 || o.Length > MaxLength:
		return fmt.Errorf("model %s: observations of %d values (want 1 to %d)", m.Kind(), o.Length, MaxLength)
	case o.Input != nil && len(o.Input) != o.Length:
		return fmt.Errorf("model %s: input of %d values for observations of %d", m.Kind(), len(o.Input), o.Length)
	case math.IsNaN(o.StepMs) || o.StepMs < 0 || math.IsInf(o.StepMs, 0):
		return fmt.Errorf("model %s: sampling step %g ms", m.Kind(), o.StepMs)
	}
	return nil
}

// SameParameters reports whether two models infer the same parameters
// under the same priors, naming the first difference.
func SameParameters(a, b Model) error {
	pa, pb := a.Parameters(), b.Parameters()
	if !slices.Equal(Names(a), Names(b)) {
		return fmt.Errorf("parameters %v and %v differ", Names(a), Names(b))
	}
	for i := range pa {
		if prior.SpecOf(pa[i].Prior) != prior.SpecOf(pb[i].Prior) {
			return fmt.Errorf("parameter %s: prior %v and %v differ", pa[i].Name, pa[i].Prior, pb[i].Prior)
		}
	}
	return nil
}
