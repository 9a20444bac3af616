package cli

import (
	"errors"
	"fmt"
	"math"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// readSet reads a data set and prints the reader's warnings on stderr.
func (e *env) readSet(path string) (*dataset.Set, error) {
	s, err := dataset.Read(path)
	if err != nil {
		return nil, err
	}
	e.warn(path, s.Warnings)
	return s, nil
}

// loadModel loads a model file and prints the reader's warnings on stderr.
func (e *env) loadModel(path string) (*npe.Model, npe.Extra, error) {
	m, extra, err := npe.Load(path)
	if err != nil {
		return nil, extra, err
	}
	e.warn(path, m.Warnings)
	return m, extra, nil
}

// warn prints one "warning: path: ..." line per warning on stderr.
func (e *env) warn(path string, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s: %s\n", path, w)
	}
}

// checkProtocol refuses a data set whose traces were simulated under
// another protocol than the model was trained on (sample count, time grid
// or stimulus), naming both: the model cannot read such traces, and the
// exact posterior of the model's experiment is not theirs.
func checkProtocol(cmd string, m *npe.Model, modelPath string, s *dataset.Set, dataPath string) error {
	if !m.IsLAA() {
		if err := m.CheckSet(s); err != nil {
			return fmt.Errorf("%s: the model %s and the data set %s do not fit: %w", cmd, modelPath, dataPath, err)
		}
		return nil
	}
	sim, err := neuron.NewSimulator(m.Experiment)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", cmd, modelPath, err)
	}
	times, stim := sim.Times(), sim.StimulusAtSamples()
	describe := func(t, i []float64) string {
		if len(t) == 0 {
			return "no samples"
		}
		lo, hi := i[0], i[0]
		for _, v := range i {
			lo, hi = min(lo, v), max(hi, v)
		}
		return fmt.Sprintf("%d samples from %g to %g ms, stimulus %g..%g uA/cm2", len(t), t[0], t[len(t)-1], lo, hi)
	}
	differ := len(times) != s.T || len(s.Time) != s.T || len(s.Stimulus) != s.T
	for k := 0; !differ && k < s.T; k++ {
		differ = !near(times[k], s.Time[k], 1e-6) || !near(stim[k], s.Stimulus[k], 1e-6)
	}
	if differ {
		return fmt.Errorf("%s: the model %s and the data set %s have different protocols: the model was trained on %s, the data set holds %s; simulate held-out data with the model's experiment",
			cmd, modelPath, dataPath, describe(times, stim), describe(s.Time, s.Stimulus))
	}
	return nil
}

// near says whether a and b agree to a relative tolerance (absolute
// below 1).
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}

// readSetFor reads the data set in path. With cfgPath describing a model
// other than LAA (loadExperiment), an .npz without laa metadata (theta and
// x or traces from any simulator) is read as that model's simulations, and
// a set with metadata must be of that model. An LAA configuration is
// refused here: a data set carries its own.
func (e *env) readSetFor(cmd, path, cfgPath string) (*dataset.Set, error) {
	if cfgPath == "" {
		return e.readSet(path)
	}
	exp, err := loadExperiment(cfgPath)
	if err != nil {
		return nil, err
	}
	if exp.other == nil {
		return nil, fmt.Errorf("%s: --config %s is an LAA configuration; a data set carries its own (--config here describes another model's simulations, see docs/external-models.md)", cmd, cfgPath)
	}
	s, err := dataset.Read(path)
	switch {
	case errors.Is(err, dataset.ErrNeedsModel):
		s, err = dataset.Import(path, exp.other)
		if err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		got, err := s.Model()
		if err != nil {
			return nil, err
		}
		if got.Kind() != exp.other.Kind() {
			return nil, fmt.Errorf("%s: %s holds simulations of model %s, not of the model %s describes (%s)", cmd, path, got.Kind(), cfgPath, exp.other.Kind())
		}
		if err := model.SameParameters(got, exp.other); err != nil {
			return nil, fmt.Errorf("%s: %s and %s describe different models: %w", cmd, path, cfgPath, err)
		}
	}
	e.warn(path, s.Warnings)
	return s, nil
}
