package npe

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model"
)

// FromSet returns row i of a data set as an observation, without checking
// it against a model: a row that is not there (or a set whose arrays do not
// hold N rows) gives an empty observation, which the model's methods refuse.
// Model.FromSet checks the row against the model and says what is wrong.
func FromSet(s *dataset.Set, i int) Observation {
	if checkShape(s) != nil || i < 0 || i >= s.N {
		return Observation{}
	}
	return Observation{Trace: s.Traces[i*s.T : (i+1)*s.T], Stats: s.Stats[i*s.S() : (i+1)*s.S()]}
}

// FromSet returns row i of a data set as an observation for m, or an error
// when the set's arrays do not hold its N rows, when i is not a row, or
// when the set's shape does not fit the model (its trace length, parameter
// names, and for the mlp and hybrid summaries its statistics). CheckSet
// also compares the protocols.
func (m *Model) FromSet(s *dataset.Set, i int) (Observation, error) {
	if err := m.checkSetShape(s); err != nil {
		return Observation{}, err
	}
	if i < 0 || i >= s.N {
		return Observation{}, fmt.Errorf("npe: row %d of a data set of %d", i, s.N)
	}
	return FromSet(s, i), nil
}

// CheckSet returns an error when the data set does not fit the model: its
// arrays do not hold its N rows, its traces have another length (another
// protocol: "model trained on 300 samples per trace, data set has 600"),
// its parameters or (for the mlp and hybrid summaries) its statistics are
// not the model's, or its stimulus or sampling step differ from those the
// model was trained on.
func (m *Model) CheckSet(s *dataset.Set) error {
	if err := m.checkSetShape(s); err != nil {
		return err
	}
	if !m.IsLAA() {
		g, err := s.Model()
		if err != nil {
			return err
		}
		if g.Kind() != m.Generative.Kind() {
			return fmt.Errorf("npe: model trained on model %s, data set is of model %s", m.Generative.Kind(), g.Kind())
		}
		if err := model.SameParameters(g, m.Generative); err != nil {
			return fmt.Errorf("npe: the data set's model differs from the one the posterior was trained on: %w", err)
		}
	}
	if dt := s.Meta.Config.RecordStepMs; dt != 0 && dt != m.Experiment.RecordStepMs {
		return fmt.Errorf("npe: model trained on traces sampled every %g ms, data set has %g ms", m.Experiment.RecordStepMs, dt)
	}
	for t, v := range s.Stimulus {
		if want := m.stimulus[t]; !(math.Abs(v-want) <= stimulusTolerance*(1+math.Abs(want))) {
			return fmt.Errorf("npe: the data set's stimulus differs from the protocol the model was trained on: %g instead of %g uA/cm2 at sample %d",
				v, want, t)
		}
	}
	return nil
}

// stimulusTolerance is the relative difference up to which a data set's
// stimulus counts as the model's protocol: both are computed by the same
// simulator code, so a real difference is many orders of magnitude larger.
const stimulusTolerance = 1e-9

// checkShape returns an error when the set's arrays do not hold N rows of
// P parameters, T samples and S statistics, and one stimulus value per
// sample. The products are never formed, so a crafted shape cannot
// overflow them.
func checkShape(s *dataset.Set) error {
	if s == nil {
		return errors.New("npe: no data set")
	}
	rows := func(name string, n, per int) error {
		if !(per == 0 && n == 0 || per > 0 && n%per == 0 && n/per == s.N) {
			return fmt.Errorf("npe: data set array %s has %d values, not %d rows of %d", name, n, s.N, per)
		}
		return nil
	}
	switch {
	case s.N < 1:
		return fmt.Errorf("npe: data set has %d rows", s.N)
	case s.T < 1:
		return fmt.Errorf("npe: data set has %d samples per trace", s.T)
	case len(s.Meta.Names) != s.P:
		return fmt.Errorf("npe: data set has %d parameter names for %d columns", len(s.Meta.Names), s.P)
	case len(s.Stimulus) != s.T && !(s.Meta.Model != nil && len(s.Stimulus) == 0):
		return fmt.Errorf("npe: data set has %d stimulus values for %d samples per trace", len(s.Stimulus), s.T)
	}
	for _, e := range []error{rows("theta", len(s.Theta), s.P), rows("traces", len(s.Traces), s.T), rows("stats", len(s.Stats), s.S())} {
		if e != nil {
			return e
		}
	}
	return nil
}

// checkSetShape is checkShape and the shape checks against the model.
func (m *Model) checkSetShape(s *dataset.Set) error {
	if err := checkShape(s); err != nil {
		return err
	}
	if s.T != m.samples {
		return fmt.Errorf("npe: model trained on %d samples per trace, data set has %d", m.samples, s.T)
	}
	if !slices.Equal(s.Meta.Names, m.Names) {
		return fmt.Errorf("npe: model infers %v, data set has %v", m.Names, s.Meta.Names)
	}
	if k := m.Config.Summary.Kind; k == SummaryMLP || k == SummaryHybrid {
		if err := sameNames("statistic", s.Meta.StatNames, m.StatNames, "the model's"); err != nil {
			return fmt.Errorf("npe: data set's %w", err)
		}
	}
	return nil
}

// sameNames returns an error naming the first difference between got
// and want, whose names what are (the experiment's, the model's).
func sameNames(what string, got, want []string, whose string) error {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Errorf("%s %d is %q, %s is %q", what, i+1, got[i], whose, want[i])
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d %ss, %s %d", len(got), what, whose, len(want))
	}
	return nil
}
