package neuron

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/features"
	"github.com/laa-neuro/laa/model"
)

// Kind is the LAA model's name in files (model.Register's key).
const Kind = "laa"

func init() {
	model.Register(Kind, func(spec []byte) (model.Model, error) {
		var cfg Config
		if err := json.Unmarshal(spec, &cfg); err != nil {
			return nil, fmt.Errorf("decode configuration: %w", err)
		}
		return NewModel(cfg)
	})
}

// Model is the LAA neuron of a configuration as laa's core sees it: it
// implements model.Model, model.Simulator and model.Featurer. Its
// embedded Simulator keeps the Params-based methods.
type Model struct{ *Simulator }

var (
	_ model.Simulator = Model{}
	_ model.Featurer  = Model{}
)

// NewModel validates cfg and returns its model.
func NewModel(cfg Config) (Model, error) {
	s, err := NewSimulator(cfg)
	if err != nil {
		return Model{}, err
	}
	return Model{s}, nil
}

// Simulate fills x (n x NumSamples) with one noisy trace per row of theta
// (n x P, columns as Config.Inferred), row i's noise from rngs[i].
func (m Model) Simulate(theta []float64, rngs []*rand.Rand, x []float64) error {
	return m.simulateRows(theta, rngs, x)
}

// Kind returns "laa".
func (s *Simulator) Kind() string { return Kind }

// Parameters lists the inferred parameters (Config.Inferred) with their
// units and priors.
func (s *Simulator) Parameters() []model.Parameter {
	names, priors := s.cfg.Inferred()
	out := make([]model.Parameter, len(names))
	for i, name := range names {
		out[i] = model.Parameter{Name: name, Unit: Units[name], Prior: priors[i].Distribution()}
	}
	return out
}

// Observation is a voltage trace of NumSamples samples every
// RecordStepMs, under the injected current at the sample times.
func (s *Simulator) Observation() model.Observation {
	return model.Observation{Length: s.nSamples, Series: true, StepMs: s.cfg.RecordStepMs, Unit: "mV",
		Input: s.StimulusAtSamples(), InputUnit: "uA/cm2"}
}

// Spec returns the configuration as JSON.
func (s *Simulator) Spec() ([]byte, error) { return json.Marshal(s.cfg) }

// simulateRows is Model.Simulate.
func (s *Simulator) simulateRows(theta []float64, rngs []*rand.Rand, x []float64) error {
	P := len(s.Parameters())
	if len(theta)%P != 0 || len(rngs) != len(theta)/P {
		return fmt.Errorf("neuron: %d parameter values and %d random streams for %d parameters", len(theta), len(rngs), P)
	}
	ps := make([]Params, len(rngs))
	for i := range ps {
		p, err := s.cfg.Params(theta[i*P : (i+1)*P])
		if err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		ps[i] = p
	}
	return s.Simulate(ps, rngs, x)
}

// FeatureLayout returns the hand-made summary statistics of the
// configuration's protocol (spike statistics in the spiking variant).
func (s *Simulator) FeatureLayout() (*features.Layout, error) {
	return features.NewLayout(s.StimulusAtSamples(), s.cfg.RecordStepMs,
		features.Options{Spiking: s.cfg.Spiking.Enabled, SpikePeak: s.cfg.Spiking.PeakMV})
}

// FeatureNames names the hand-made statistics (nil if the protocol has
// none).
func (s *Simulator) FeatureNames() []string {
	l, err := s.FeatureLayout()
	if err != nil {
		return nil
	}
	return l.Names()
}

// Features computes the hand-made statistics of trace x.
func (s *Simulator) Features(x []float64, out []float64) error {
	l, err := s.FeatureLayout()
	if err != nil {
		return err
	}
	return l.Compute(x, out)
}
