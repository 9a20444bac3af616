// Package external brings a model defined outside laa: a YAML description
// names its parameters (with units and priors) and what one simulation
// produces, and optionally a command that simulates. A model with a command
// is a *SimulatedModel (a model.Simulator: laa runs the command on batches
// of parameter rows, passing .npy files); one without is a *Model, for data
// simulated elsewhere and supplied as an .npz file. A model decoded from a
// file that may come from anyone (a model file, a data set) runs its
// command only while the description file it came from still names it.
// Models are immutable and safe for concurrent use. See
// docs/external-models.md.
package external

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/laa-neuro/laa/model"
)

// Kind is the registry name of external models (model.Decode).
const Kind = "external"

func init() {
	model.Register(Kind, Decode)
}

// Model is an external model that does not simulate: its parameters and
// the shape of its observations. Either its description names no command,
// or it was decoded from a spec whose command this machine's description
// file no longer names (NotSimulated says which).
type Model struct {
	desc   Description       // normalized: defaults filled, Dir absolute
	params []model.Parameter // from desc.Parameters
	why    string            // why a description with a command does not simulate
}

// SimulatedModel is an external model whose simulator is a command run on
// batches of rows; it implements model.Simulator.
type SimulatedModel struct {
	Model
}

var (
	_ model.Model     = (*Model)(nil)
	_ model.Simulator = (*SimulatedModel)(nil)
)

// newModel builds the model of a normalized description: a
// *SimulatedModel when it names a command and why is empty, else a *Model.
func newModel(d Description, why string) (model.Model, error) {
	m := Model{desc: d, params: make([]model.Parameter, len(d.Parameters))}
	for i, p := range d.Parameters {
		m.params[i] = model.Parameter{Name: p.Name, Unit: p.Unit, Prior: p.Prior.Distribution()}
	}
	if err := model.Check(&m); err != nil {
		return nil, err
	}
	if d.Simulator == nil {
		return &m, nil
	}
	if why != "" {
		m.why = why
		return &m, nil
	}
	return &SimulatedModel{Model: m}, nil
}

// Kind returns "external".
func (m *Model) Kind() string { return Kind }

// Name returns the model's name.
func (m *Model) Name() string { return m.desc.Name }

// Parameters returns the parameters in column order, with their priors.
func (m *Model) Parameters() []model.Parameter {
	return append([]model.Parameter(nil), m.params...)
}

// Observation describes one simulated observation.
func (m *Model) Observation() model.Observation {
	o := m.desc.Observation
	return model.Observation{Length: o.Length, Series: o.Series, StepMs: o.StepMs, Unit: o.Unit}
}

// NotSimulated says why the model does not simulate, or returns "" for a
// *SimulatedModel.
func (m *Model) NotSimulated() string {
	switch {
	case m.desc.Simulator == nil:
		return fmt.Sprintf("the description of external model %q names no simulator command", m.desc.Name)
	case m.why != "":
		return m.why
	}
	return ""
}

// Description returns a copy of the model's normalized description:
// defaults filled in, Dir absolute (empty without a simulator).
func (m *Model) Description() Description {
	d := m.desc
	d.Parameters = append([]ParameterSpec(nil), d.Parameters...)
	if d.Simulator != nil {
		s := *d.Simulator
		s.Command = append([]string(nil), s.Command...)
		d.Simulator = &s
	}
	return d
}

// Spec returns the description as JSON, with the folder of the command
// absolute, so that Decode(Kind, spec) gives back an equal model and a
// model file can find the command again.
func (m *Model) Spec() ([]byte, error) {
	b, err := json.Marshal(m.desc)
	if err != nil {
		return nil, fmt.Errorf("external model %q: spec: %w", m.desc.Name, err)
	}
	return b, nil
}

// Decode turns a spec written by Spec back into a model. Unknown keys are
// errors. A spec comes from a file that may come from anyone (a model file,
// a data set), so its command is not run on its word: Decode returns a
// *SimulatedModel only when the description file the spec names (its
// File) still describes the same model with the same command in the same
// folder; otherwise a *Model, for inference, whose NotSimulated says why.
// A spec of a model parsed from text (no file) never simulates.
func Decode(spec []byte) (model.Model, error) {
	var d Description
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("external model spec: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("external model spec: text after the JSON object")
	}
	if err := d.normalize(); err != nil {
		return nil, fmt.Errorf("external model spec: %w", err)
	}
	return newModel(d, confirm(d))
}
