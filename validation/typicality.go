package validation

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/hh"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// Case is one typicality test: an observed trace mapped into the learned
// summary space and tested against summaries of simulations from the model.
type Case struct {
	Name        string              `json:"name"`
	Description string              `json:"description"`
	Expected    string              `json:"expected"` // "typical" or "atypical"
	Trace       []float64           `json:"-"`
	Result      diagnose.Typicality `json:"result"`
	Flagged     bool                `json:"flagged"` // p-value below alpha
}

// referenceSize is the number of simulations whose summaries form the
// typicality reference.
const referenceSize = 1000

// Reference maps test rows 1..referenceSize into summary space, the
// reference distribution of typicality tests.
func Reference(m *npe.Model, test *dataset.Set, seed uint64) (*diagnose.Reference, [][]float64, error) {
	n := min(test.N-1, referenceSize)
	if n < 50 {
		return nil, nil, fmt.Errorf("validation: typicality needs at least 51 test simulations, got %d", test.N)
	}
	if err := m.CheckSet(test); err != nil {
		return nil, nil, fmt.Errorf("validation: %w", err)
	}
	obs := make([]npe.Observation, n)
	for i := range obs {
		obs[i] = npe.FromSet(test, i+1)
	}
	s, err := m.Summaries(obs)
	if err != nil {
		return nil, nil, err
	}
	rows := make([][]float64, s.Rows)
	for i := range rows {
		rows[i] = make([]float64, s.Cols)
		for j, v := range s.Row(i) {
			rows[i][j] = float64(v)
		}
	}
	ref, err := diagnose.NewReference(rows, diagnose.TypicalityConfig{Seed: seed})
	return ref, rows, err
}

// Check tests one trace against the reference.
func Check(m *npe.Model, ref *diagnose.Reference, trace []float64) (diagnose.Typicality, error) {
	o, err := m.Observe(trace)
	if err != nil {
		return diagnose.Typicality{}, err
	}
	s, err := m.Summaries([]npe.Observation{o})
	if err != nil {
		return diagnose.Typicality{}, err
	}
	row := make([]float64, s.Cols)
	for j, v := range s.Row(0) {
		row[j] = float64(v)
	}
	return ref.Check([][]float64{row})
}

// typicality runs the standard cases on test row 0's parameters: the row
// itself (typical), the same cell with ten times the observation noise, the
// same cell under another stimulus, and a spiking Hodgkin-Huxley cell.
func typicality(m *npe.Model, test *dataset.Set, opt Options) ([]Case, error) {
	ref, _, err := Reference(m, test, opt.Seed)
	if err != nil {
		return nil, err
	}
	theta := test.Theta[:test.P]
	row0 := make([]float64, test.T)
	for i, v := range test.Traces[:test.T] {
		row0[i] = float64(v)
	}
	noisy := m.Experiment
	noisy.SigmaObs *= 10
	other := m.Experiment
	other.Stimulus = neuron.Stimulus{Kind: neuron.StimRamp, Start: 0, End: other.DurationMs, Amplitude: 3}
	cases := []Case{{Name: "held-out simulation", Description: "a simulation from the model, not in the reference", Expected: "typical", Trace: row0}}
	for _, c := range []struct {
		name, desc string
		cfg        neuron.Config
	}{
		{"10x observation noise", fmt.Sprintf("the same cell with sigma_obs = %g mV instead of %g mV", noisy.SigmaObs, m.Experiment.SigmaObs), noisy},
		{"different stimulus", "the same cell under a 0 to 3 uA/cm2 ramp instead of the trained protocol", other},
	} {
		tr, err := simulateOne(c.cfg, theta, opt.Seed)
		if err != nil {
			return nil, err
		}
		cases = append(cases, Case{Name: c.name, Description: c.desc, Expected: "atypical", Trace: tr})
	}
	hhTrace, err := spikingHH(m.Experiment, opt.Seed)
	if err != nil {
		return nil, err
	}
	cases = append(cases, Case{Name: "spiking Hodgkin-Huxley", Description: "a classic Hodgkin-Huxley cell under the trained protocol scaled 10-fold, which makes it fire repetitively (another model)",
		Expected: "atypical", Trace: hhTrace})
	for i := range cases {
		if cases[i].Result, err = Check(m, ref, cases[i].Trace); err != nil {
			return nil, fmt.Errorf("validation: typicality of %s: %w", cases[i].Name, err)
		}
		cases[i].Flagged = cases[i].Result.Warning != ""
	}
	return cases, nil
}

// spikingHH simulates a classic Hodgkin-Huxley cell under the experiment's
// stimulus scaled 10-fold (it spikes repetitively), with the same
// observation noise.
func spikingHH(cfg neuron.Config, seed uint64) ([]float64, error) {
	cur, err := cfg.Stimulus.Compile()
	if err != nil {
		return nil, err
	}
	tr, err := hh.Simulate(hh.Classic(), cur, hh.Settings{RecordStepMs: cfg.RecordStepMs, NumSamples: cfg.NumSamples(),
		StimulusScale: 10, NoiseSD: cfg.SigmaObs}, neuron.Stream(seed, 1<<41))
	if err != nil {
		return nil, fmt.Errorf("validation: Hodgkin-Huxley trace: %w", err)
	}
	return tr.V, nil
}

// simulateOne simulates one noisy trace of parameters theta under cfg.
func simulateOne(cfg neuron.Config, theta []float64, seed uint64) ([]float64, error) {
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		return nil, err
	}
	p, err := cfg.Params(theta)
	if err != nil {
		return nil, err
	}
	out := make([]float64, sim.NumSamples())
	err = sim.Simulate([]neuron.Params{p}, []*rand.Rand{neuron.Stream(seed, 1<<40)}, out)
	return out, err
}
