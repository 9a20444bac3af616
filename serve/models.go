package serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/workflow"
)

// Model is a trained model to serve under a name.
type Model struct {
	Name    string     // in URLs: /v1/models/{Name}
	Version string     // what changes when the model file does (LoadModel: its SHA-256)
	Model   *npe.Model // New makes the replicas of it; the server reads it (its experiment, its checks of an observation) but never samples it
}

// LoadModel loads the model file at path to serve under name; its version
// is the first 12 hex digits of the file's SHA-256.
func LoadModel(name, path string) (Model, error) {
	if !validName(name) {
		return Model{}, fmt.Errorf("serve: model name %q: use letters, digits, '.', '_' and '-' only", name)
	}
	m, _, err := npe.Load(path)
	if err != nil {
		return Model{}, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Model{}, fmt.Errorf("serve: %w", err)
	}
	sum := sha256.Sum256(b)
	return Model{Name: name, Version: hex.EncodeToString(sum[:6]), Model: m}, nil
}

// validName says whether a model name is safe in a URL path segment.
func validName(s string) bool {
	if s == "" || len(s) > 100 || s[0] == '.' {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	}) < 0
}

// ModelInfo describes a served model: GET /v1/models/{name}.
type ModelInfo struct {
	Name       string      `json:"name"`
	Kind       string      `json:"kind"` // "laa" or the kind of the model brought
	Version    string      `json:"version"`
	Parameters []ParamInfo `json:"parameters"`
	// Samples is the number of values of one observation: the voltage
	// samples of the model's grid for the LAA neuron.
	Samples int `json:"samples"`
	// Experiment is the LAA neuron's experiment (protocol, grid, noise):
	// what a recording is prepared for; absent for other models.
	Experiment *neuron.Config `json:"experiment,omitempty"`
	Examples   []string       `json:"examples"` // names of example traces (POST {"example": name})
	Warnings   []string       `json:"warnings"` // from loading the model
}

// ParamInfo is one parameter: its name and unit.
type ParamInfo struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
}

// served is a model with its pool of replicas and what is computed once.
type served struct {
	info ModelInfo
	base *npe.Model
	pool chan *npe.Model
	// ref is the typicality reference, simulated once from seed 1 (laa
	// infer's default); nil for a model that cannot simulate.
	ref      *diagnose.Reference
	times    []float64         // the model's sample times (ms) for the LAA neuron
	examples map[string][]byte // example name -> CSV recording
}

// exampleSeed seeds the simulation of the example traces.
const exampleSeed = 0x6578616d706c65

// newServed makes replicas of m and computes its typicality reference and
// examples.
func newServed(m Model, cfg Config) (*served, error) {
	if !validName(m.Name) {
		return nil, fmt.Errorf("serve: model name %q: use letters, digits, '.', '_' and '-' only", m.Name)
	}
	if m.Model == nil {
		return nil, fmt.Errorf("serve: model %s: no model", m.Name)
	}
	s := &served{base: m.Model, pool: make(chan *npe.Model, cfg.Replicas), examples: map[string][]byte{}}
	for range cfg.Replicas {
		r, err := m.Model.Replica()
		if err != nil {
			return nil, fmt.Errorf("serve: model %s: %w", m.Name, err)
		}
		s.pool <- r
	}
	ref, err := workflow.TypicalityReference(m.Model, referenceSeed)
	if err != nil {
		return nil, fmt.Errorf("serve: model %s: typicality reference: %w", m.Name, err)
	}
	s.ref = ref
	kind := "laa"
	if !m.Model.IsLAA() {
		kind = m.Model.Generative.Kind()
	}
	s.info = ModelInfo{Name: m.Name, Kind: kind, Version: m.Version, Samples: m.Model.Samples(), Examples: []string{}, Warnings: m.Model.Warnings}
	if s.info.Warnings == nil {
		s.info.Warnings = []string{}
	}
	for _, p := range m.Model.Generative.Parameters() {
		s.info.Parameters = append(s.info.Parameters, ParamInfo{Name: p.Name, Unit: p.Unit})
	}
	if m.Model.IsLAA() {
		exp := m.Model.Experiment
		s.info.Experiment = &exp
		sim, err := neuron.NewSimulator(exp)
		if err != nil {
			return nil, fmt.Errorf("serve: model %s: %w", m.Name, err)
		}
		s.times = sim.Times()
		if err := s.simulateExamples(cfg.Examples); err != nil {
			return nil, fmt.Errorf("serve: model %s: examples: %w", m.Name, err)
		}
	}
	return s, nil
}

// referenceSeed is the seed of the typicality reference: laa infer's
// default seed, so its typicality is laa infer's.
const referenceSeed = 1

// simulateExamples simulates n traces from the LAA neuron's prior, each
// kept as the CSV recording the demo writes (example_trace.csv).
func (s *served) simulateExamples(n int) error {
	if n <= 0 {
		return nil
	}
	g, err := neuron.NewModel(s.base.Experiment)
	if err != nil {
		return err
	}
	set, err := dataset.SimulateModel(g, dataset.SimulateOptions{Seed: exampleSeed, N: n})
	if err != nil {
		return err
	}
	for i := range set.N {
		var b bytes.Buffer
		if err := set.EncodeTraceCSV(&b, i); err != nil {
			return err
		}
		name := fmt.Sprintf("example_%d", i+1)
		s.examples[name] = b.Bytes()
		s.info.Examples = append(s.info.Examples, name)
	}
	return nil
}

// acquire takes a replica from the pool, waiting until one is free or ctx
// ends; release gives it back.
func (s *served) acquire(ctx context.Context) (*npe.Model, error) {
	select {
	case r := <-s.pool:
		return r, nil
	case <-ctx.Done():
		return nil, fail(http.StatusServiceUnavailable, CodeBusy, "model %s: every replica stayed busy until the request's time ran out; try again", s.info.Name)
	}
}

func (s *served) release(r *npe.Model) { s.pool <- r }
