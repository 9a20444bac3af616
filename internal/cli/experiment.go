package cli

import (
	// The linear Gaussian yardstick, named on the command line as
	// {kind: gaussian-linear, spec: ...}; the LAA and Hodgkin-Huxley
	// models register through the packages the commands use.
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	_ "github.com/laa-neuro/laa/model/gaussianlinear"

	"go.yaml.in/yaml/v3"

	"github.com/laa-neuro/laa/external"
	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
)

// experiment is what --config names: the LAA neuron's configuration, the
// description of another model (docs/external-models.md), or a model
// written in Go and registered, named as {kind: K, spec: S}.
type experiment struct {
	laa   neuron.Config
	other model.Model // nil for the LAA neuron
}

// model returns the experiment as a model.Model.
func (x experiment) model() (model.Model, error) {
	if x.other != nil {
		return x.other, nil
	}
	return neuron.NewModel(x.laa)
}

// isModelDescription reports whether the YAML text describes another
// model (it has the top-level key "observation", which an LAA
// configuration never has) rather than the LAA neuron.
func isModelDescription(text []byte) bool {
	var top map[string]yaml.Node
	if yaml.Unmarshal(text, &top) != nil {
		return false
	}
	_, ok := top["observation"]
	return ok
}

// registeredModel is a file naming a model written in Go and registered
// with model.Register, and its spec (the JSON its Spec method writes,
// here in YAML or JSON).
type registeredModel struct {
	Kind string `yaml:"kind"`
	Spec any    `yaml:"spec"`
}

// readRegistered returns the model a file of the form {kind: K, spec: S}
// names, and ok false when the text is not of that form.
func readRegistered(text []byte, path string) (model.Model, bool, error) {
	var top map[string]yaml.Node
	if yaml.Unmarshal(text, &top) != nil {
		return nil, false, nil
	}
	if _, ok := top["kind"]; !ok {
		return nil, false, nil
	}
	var r registeredModel
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, true, fmt.Errorf("load config %s: %w (a model written in Go is named as {kind: ..., spec: ...})", path, err)
	}
	spec, err := json.Marshal(r.Spec)
	if err != nil {
		return nil, true, fmt.Errorf("load config %s: spec: %w", path, err)
	}
	m, err := model.Decode(r.Kind, spec)
	if err != nil {
		return nil, true, fmt.Errorf("load config %s: %w", path, err)
	}
	if err := model.Check(m); err != nil {
		return nil, true, fmt.Errorf("load config %s: %w", path, err)
	}
	return m, true, nil
}

// loadExperiment reads --config: an LAA configuration (over the embedded
// default), or a model description with parameters, priors, the
// observation's shape and optionally a simulator command. Empty means the
// embedded LAA default.
func loadExperiment(path string) (experiment, error) {
	if path == "" {
		return experiment{laa: neuron.Default()}, nil
	}
	f, err := inputfile.Open(path, max(neuron.MaxConfigBytes, external.MaxModelBytes), "MaxConfigBytes")
	if err != nil {
		return experiment{}, fmt.Errorf("load config: %w", err)
	}
	head, err := io.ReadAll(io.LimitReader(f, external.MaxModelBytes))
	f.Close()
	if err != nil {
		return experiment{}, fmt.Errorf("load config %s: %w", path, err)
	}
	if m, ok, err := readRegistered(head, path); ok {
		if err != nil {
			return experiment{}, err
		}
		return experiment{other: m}, nil
	}
	if isModelDescription(head) {
		m, err := external.Load(path)
		if err != nil {
			return experiment{}, err
		}
		return experiment{other: m}, nil
	}
	cfg, err := neuron.Load(path)
	if err != nil {
		return experiment{}, err
	}
	return experiment{laa: cfg}, nil
}
