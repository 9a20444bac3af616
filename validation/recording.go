package validation

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/recording"
)

// RecordingResult is the fit of one recording: its posterior, a posterior
// predictive check and a typicality test.
type RecordingResult struct {
	Name        string              `json:"name"`
	Source      string              `json:"source"`
	Raw         recording.Recording `json:"-"`
	Prepared    recording.Prepared  `json:"-"`
	Draws       [][]float64         `json:"-"`
	Summary     []diagnose.Summary  `json:"summary"`
	Leakage     float64             `json:"leakage"`
	PPC         diagnose.PPC        `json:"ppc"`
	Typicality  diagnose.Typicality `json:"typicality"`
	SameProto   bool                `json:"same_protocol"`
	ProtoDiff   float64             `json:"protocol_max_diff"` // uA/cm2
	Warnings    []string            `json:"warnings,omitempty"`
	Trustworthy bool                `json:"trustworthy"` // typical and under the trained protocol
}

// ProtocolTolerance is how far (uA/cm2) a recording's current may differ
// from the trained stimulus and still count as the same protocol.
const ProtocolTolerance = 0.02

// AssessRecording fits a prepared recording: n posterior draws, a PPC of
// ppcDraws simulations and a typicality test against ref.
func AssessRecording(m *npe.Model, ref *diagnose.Reference, name string, raw recording.Recording, p recording.Prepared, n, ppcDraws int, seed uint64) (RecordingResult, error) {
	r := RecordingResult{Name: name, Source: raw.Source, Raw: raw, Prepared: p, Warnings: append([]string(nil), p.Warnings...)}
	o, err := m.Observe(p.VoltageMV)
	if err != nil {
		return r, fmt.Errorf("validation: recording %s: %w", name, err)
	}
	rng := rand.New(rand.NewPCG(seed, 0x726563))
	posts, err := m.Sample([]npe.Observation{o}, n, rng)
	if err != nil {
		return r, err
	}
	r.Draws, r.Leakage = posts[0].Draws, posts[0].Leakage()
	if r.Summary, err = diagnose.Summarize(r.Draws, 0.9); err != nil {
		return r, err
	}
	if r.PPC, err = Predictive(m.Experiment, p.VoltageMV, r.Draws, ppcDraws, rng.Uint64()); err != nil {
		// The page still shows the posterior and the typicality verdict.
		r.Warnings = append(r.Warnings, fmt.Sprintf("no posterior predictive check: %v (the posterior is far outside anything simulated)", err))
	} else if r.PPC.Warning != "" {
		r.Warnings = append(r.Warnings, "posterior predictive check: "+r.PPC.Warning)
	}
	if r.Typicality, err = Check(m, ref, p.VoltageMV); err != nil {
		return r, err
	}
	sim, err := neuron.NewSimulator(m.Experiment)
	if err != nil {
		return r, err
	}
	r.SameProto, r.ProtoDiff = recording.SameProtocol(p.Current, sim.StimulusAtSamples(), ProtocolTolerance)
	if !r.SameProto {
		r.Warnings = append(r.Warnings, fmt.Sprintf("the recording's stimulus differs from the trained protocol by up to %.3g uA/cm2; simulate and train for it with laa simulate --stimulus-from", r.ProtoDiff))
	}
	if r.Typicality.Warning != "" {
		r.Warnings = append(r.Warnings, "typicality: "+r.Typicality.Warning)
	}
	r.Trustworthy = r.SameProto && r.Typicality.Warning == "" && len(r.PPC.Q50) > 0
	return r, nil
}
