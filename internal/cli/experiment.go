package cli

import (
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/laa-neuro/laa/external"
	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
)

// experiment is what --config names: the LAA neuron's configuration, or
// the description of another model (docs/external-models.md).
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
