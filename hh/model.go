package hh

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/prior"
)

// Kind is the Hodgkin-Huxley model's name in files (model.Register's key).
const Kind = "hodgkin-huxley"

func init() {
	model.Register(Kind, func(spec []byte) (model.Model, error) {
		var m Model
		if err := json.Unmarshal(spec, &m); err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		return NewModel(m.Base, m.Experiment, m.StimulusScale)
	})
}

// ModelSigmaLog is the spread of the inferred conductances' lognormal
// priors about the base cell's values (a factor 1.35 for one sd).
const ModelSigmaLog = 0.3

// ModelSDEL is the sd of E_L's normal prior about the base cell's, mV.
const ModelSDEL = 3.0

// Model is the Hodgkin-Huxley neuron as a model laa learns the posterior
// of (package model): g_Na, g_K and g_L are inferred under lognormal
// priors (ModelSigmaLog) about the base cell's values and E_L under a
// normal prior (ModelSDEL) about its value; C_m and the reversal
// potentials stay the base cell's. The protocol, the recording grid and
// the observation noise (sigma_obs) are an LAA experiment's, so the two
// models are fitted to the same recordings. It implements model.Model,
// model.Simulator and model.Featurer (the LAA protocol's statistics).
type Model struct {
	Base          Params        `json:"base"`
	Experiment    neuron.Config `json:"experiment"`
	StimulusScale float64       `json:"stimulus_scale"` // the current is multiplied by it (1: as the protocol says)

	cur    *neuron.Current
	lam    neuron.Model // the protocol's grid, input and statistics
	params []model.Parameter
}

var (
	_ model.Simulator = (*Model)(nil)
	_ model.Featurer  = (*Model)(nil)
)

// NewModel returns the model about base under the experiment's protocol
// and noise (the experiment's priors are not used); scale multiplies the
// current (0 means 1).
func NewModel(base Params, exp neuron.Config, scale float64) (*Model, error) {
	if err := base.Validate(); err != nil {
		return nil, err
	}
	if base.GNa <= 0 || base.GK <= 0 || base.GL <= 0 {
		return nil, fmt.Errorf("hh: model: the base cell's conductances must be positive to centre lognormal priors on them (g_Na %g, g_K %g, g_L %g)", base.GNa, base.GK, base.GL)
	}
	if scale == 0 {
		scale = 1
	}
	lam, err := neuron.NewModel(exp)
	if err != nil {
		return nil, fmt.Errorf("hh: model: %w", err)
	}
	cur, err := exp.Stimulus.Compile()
	if err != nil {
		return nil, fmt.Errorf("hh: model: %w", err)
	}
	m := &Model{Base: base, Experiment: exp, StimulusScale: scale, cur: cur, lam: lam}
	m.params = []model.Parameter{
		{Name: "g_Na", Unit: "mS/cm2", Prior: prior.LogNormal{Median: base.GNa, SigmaLog: ModelSigmaLog}},
		{Name: "g_K", Unit: "mS/cm2", Prior: prior.LogNormal{Median: base.GK, SigmaLog: ModelSigmaLog}},
		{Name: "g_L", Unit: "mS/cm2", Prior: prior.LogNormal{Median: base.GL, SigmaLog: ModelSigmaLog}},
		{Name: "E_L", Unit: "mV", Prior: prior.Normal{Mu: base.EL, Sigma: ModelSDEL}},
	}
	if _, err := (Settings{RecordStepMs: exp.RecordStepMs, NumSamples: exp.NumSamples()}).withDefaults(); err != nil {
		return nil, fmt.Errorf("hh: model: %w", err)
	}
	return m, nil
}

// Kind returns "hodgkin-huxley".
func (m *Model) Kind() string { return Kind }

// Parameters lists g_Na, g_K, g_L and E_L with their priors.
func (m *Model) Parameters() []model.Parameter { return append([]model.Parameter(nil), m.params...) }

// Observation is a voltage trace on the experiment's grid, under its
// (scaled) current.
func (m *Model) Observation() model.Observation {
	o := m.lam.Observation()
	for i := range o.Input {
		o.Input[i] *= m.StimulusScale
	}
	return o
}

// Spec returns the model as JSON.
func (m *Model) Spec() ([]byte, error) { return json.Marshal(m) }

// cell returns the base cell with the inferred parameters of row theta.
func (m *Model) cell(theta []float64) Params {
	p := m.Base
	p.GNa, p.GK, p.GL, p.EL = theta[0], theta[1], theta[2], theta[3]
	return p
}

// Simulate fills x (n x NumSamples) with one trace per row of theta, with
// Gaussian observation noise of the experiment's sigma_obs from rngs[i].
func (m *Model) Simulate(theta []float64, rngs []*rand.Rand, x []float64) error {
	T := m.Experiment.NumSamples()
	if len(theta) != 4*len(rngs) || len(x) != T*len(rngs) {
		return fmt.Errorf("hh: model: %d parameter values, %d streams and %d outputs for 4 parameters and %d samples", len(theta), len(rngs), len(x), T)
	}
	set := Settings{RecordStepMs: m.Experiment.RecordStepMs, NumSamples: T, StimulusScale: m.StimulusScale, NoiseSD: m.Experiment.SigmaObs}
	for i, rng := range rngs {
		tr, err := Simulate(m.cell(theta[4*i:4*i+4]), m.cur, set, rng)
		if err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		copy(x[i*T:(i+1)*T], tr.V)
	}
	return nil
}

// FeatureNames names the LAA protocol's hand-made statistics.
func (m *Model) FeatureNames() []string { return m.lam.FeatureNames() }

// Features computes them for trace x.
func (m *Model) Features(x []float64, out []float64) error { return m.lam.Features(x, out) }
