package dataset

import (
	"errors"
	"fmt"

	"github.com/laa-neuro/laa/model"
)

// ErrNeedsModel is the error of reading, without its model, an .npz that
// another simulator wrote (no laa metadata, and not the LAA neuron's
// arrays): Import reads it given the model.
var ErrNeedsModel = errors.New("no laa metadata and not the LAA neuron's arrays (theta, traces, time_ms, stimulus): simulations of another model are read with their model's description (laa train --model model.yaml; see docs/external-models.md)")

// readModelSet reads the arrays of a set whose metadata (in s) names a
// model other than the LAA neuron.
func readModelSet(z *NPZ, s *Set) (*Set, error) {
	m, err := s.Model()
	if err != nil {
		return nil, fmt.Errorf("%s: metadata: %w", z.path, err)
	}
	if err := readModelArrays(z, s, m); err != nil {
		return nil, err
	}
	if s.IdentityFeatures() {
		s.Stats = s.Traces
	} else if s.S() > 0 {
		var shape []int
		if s.Stats, shape, err = z.Float32s("stats"); err != nil {
			return nil, err
		}
		if len(shape) != 2 || shape[0] != s.N || shape[1] != s.S() {
			return nil, fmt.Errorf("%s: stats have shape %s, want (%d, %d)", z.path, ShapeString(shape), s.N, s.S())
		}
	}
	if err := s.validateWith(m); err != nil {
		return nil, fmt.Errorf("%s: %w", z.path, err)
	}
	return s, nil
}

// readModelArrays reads theta and the observations (array "x" or
// "traces") of model m, with time_ms and stimulus when present.
func readModelArrays(z *NPZ, s *Set, m model.Model) error {
	var shape []int
	var err error
	if s.Theta, shape, err = z.Floats("theta"); err != nil {
		return err
	}
	if len(shape) != 2 {
		return fmt.Errorf("%s: theta has shape %s, want (N, P)", z.path, ShapeString(shape))
	}
	s.N, s.P = shape[0], shape[1]
	name := "x"
	switch {
	case z.Has("x") && z.Has("traces"):
		return fmt.Errorf("%s: both x and traces: give the observations once", z.path)
	case z.Has("traces"):
		name = "traces"
	case !z.Has("x"):
		return fmt.Errorf("%s: no observations: want an array x (N, D) or traces (N, T)", z.path)
	}
	if s.Traces, shape, err = z.Float32s(name); err != nil {
		return err
	}
	if len(shape) != 2 || shape[0] != s.N {
		return fmt.Errorf("%s: %s has shape %s, want (%d, %d): one row per row of theta", z.path, name, ShapeString(shape), s.N, m.Observation().Length)
	}
	s.T = shape[1]
	if z.Has("time_ms") {
		if s.Time, _, err = z.Floats("time_ms"); err != nil {
			return err
		}
	}
	if z.Has("stimulus") {
		if s.Stimulus, _, err = z.Floats("stimulus"); err != nil {
			return err
		}
	}
	return nil
}

// Import reads an .npz written by any simulator for model m: theta (N x P,
// columns as m's parameters) and x (N x D) or traces (N x T), with
// optional time_ms and stimulus (one value per sample); anything else in
// the archive is ignored. The set's features are m's hand-made ones when
// it has them, else the observations themselves. Its seed is 0 and its
// run is the file itself.
func Import(path string, m model.Model) (*Set, error) {
	if err := model.Check(m); err != nil {
		return nil, err
	}
	stored, err := model.Store(m)
	if err != nil {
		return nil, err
	}
	z, err := OpenNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	s := &Set{Meta: Meta{Format: FormatName, Version: FormatVersion, Names: model.Names(m), Model: &stored}}
	if err := readModelArrays(z, s, m); err != nil {
		return nil, err
	}
	s.Meta.Total = s.N
	if s.P != len(s.Meta.Names) {
		return nil, fmt.Errorf("%s: theta has %d columns, model %s infers %d parameters %v", path, s.P, m.Kind(), len(s.Meta.Names), s.Meta.Names)
	}
	if want := m.Observation().Length; s.T != want {
		return nil, fmt.Errorf("%s: observations have %d values, model %s declares %d (observation.length)", path, s.T, m.Kind(), want)
	}
	if err := s.computeFeatures(m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// computeFeatures fills Stats with m's features of every observation: its
// hand-made ones when it has them, else the observations themselves.
func (s *Set) computeFeatures(m model.Model) error {
	f, ok := m.(model.Featurer)
	if !ok {
		s.Meta.StatNames, s.Stats = IdentityFeatureNames(s.T), s.Traces
		return nil
	}
	names := f.FeatureNames()
	S := len(names)
	s.Meta.StatNames, s.Stats = names, make([]float32, s.N*S)
	x, out := make([]float64, s.T), make([]float64, S)
	for i := range s.N {
		for t, v := range s.Traces[i*s.T : (i+1)*s.T] {
			x[t] = float64(v)
		}
		if err := f.Features(x, out); err != nil {
			return fmt.Errorf("features of row %d: %w", i, err)
		}
		for j, v := range out {
			s.Stats[i*S+j] = float32(v)
		}
	}
	return checkFinite("stats", s.Stats, []int{s.N, S})
}
