// Package dataset stores simulated (parameter, trace) pairs as .npz archives
// that numpy.load opens directly, and splits, shards and merges them.
//
// Its .npy and .npz readers trust no size a file declares: a header is
// parsed as numpy parses it (at most MaxNPYHeaderBytes), an array is
// allocated only once the entry is known to hold its data, entries are
// checked against their declared sizes and checksums, a deflated entry may
// not expand more than MaxInflateRatio times beyond MinBombBytes, a string
// holds at most MaxStringChars characters, and two entries of one name are
// refused. Fortran-ordered and big-endian arrays are read as numpy reads
// them.
package dataset

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
)

// FormatName and FormatVersion identify laa data sets in their metadata.
const (
	FormatName    = "laa-dataset"
	FormatVersion = 1
)

// Meta is the JSON metadata stored in every data set (array "meta").
type Meta struct {
	Format    string   `json:"format"`
	Version   int      `json:"version"`
	Seed      uint64   `json:"seed"`
	Start     int      `json:"start"` // index of the first simulation in the whole run
	Total     int      `json:"total"` // simulations in the whole run (more than N for a shard)
	Names     []string `json:"param_names"`
	StatNames []string `json:"stat_names,omitempty"`
	// Config is the LAA neuron's experiment; Model is any other model
	// (kind and spec, see model.Stored), and then Config is empty.
	Config neuron.Config `json:"config,omitzero"`
	Model  *model.Stored `json:"model,omitempty"`
}

// Set is a data set held in memory; arrays are row-major.
type Set struct {
	Meta  Meta
	Theta []float64 // N x P parameters (array "theta")
	// Traces are the N x T observations: the LAA neuron's voltage traces
	// (mV, array "traces"); another model's x ("x", or "traces" for a
	// time series), T values each.
	Traces []float32
	// Stats are the N x S features the mlp summary reads: hand-made
	// statistics ("stats"), may be empty; for a model without hand-made
	// features they are its observations themselves (sharing Traces'
	// memory, not written twice), named x[0], x[1], ...
	Stats    []float32
	Time     []float64 // T sample times, ms ("time_ms"); empty for a model without a time grid
	Stimulus []float64 // T injected current at the sample times, uA/cm2 ("stimulus"); empty when the model has no input
	N, P, T  int
	// Warnings are things the reader wants the user to see (a protocol
	// taken from the arrays, a stimulus read from a path named in the
	// file); they are not saved.
	Warnings []string
}

// S returns the number of summary statistics per trace.
func (s *Set) S() int { return len(s.Meta.StatNames) }

// Validate checks that the arrays agree with each other and the metadata:
// a valid model (the LAA configuration, or another model's stored
// description) whose observations have T values, array lengths that match
// N, P, T and S (products checked for overflow), a start and total that a
// run can have, finite values, and parameters inside the support of their
// priors. A set that passes is written and read back as it is.
func (s *Set) Validate() error {
	_, err := s.validate()
	return err
}

// validate is Validate, returning the set's model (decoded once).
func (s *Set) validate() (model.Model, error) {
	if err := s.checkSizes(); err != nil {
		return nil, err
	}
	m, err := s.Model()
	if err != nil {
		return nil, err
	}
	return m, s.validateWith(m)
}

// checkSizes refuses a set of no simulations or a negative size.
func (s *Set) checkSizes() error {
	if s.N <= 0 {
		return fmt.Errorf("dataset: no simulations")
	}
	if s.P < 0 || s.T < 0 {
		return fmt.Errorf("dataset: negative size P = %d, T = %d", s.P, s.T)
	}
	return nil
}

// validateWith is Validate for a set whose model m is already decoded.
func (s *Set) validateWith(m model.Model) error {
	if err := s.checkSizes(); err != nil {
		return err
	}
	if want := m.Observation().Length; s.T != want {
		if s.Meta.Model == nil {
			return fmt.Errorf("dataset: traces have %d samples, but the configuration records %d (duration_ms / record_step_ms = %g / %g)",
				s.T, want, s.Meta.Config.DurationMs, s.Meta.Config.RecordStepMs)
		}
		return fmt.Errorf("dataset: observations have %d values, but model %s declares %d", s.T, m.Kind(), want)
	}
	meta := s.Meta
	if meta.Start < 0 || meta.Total < 0 || meta.Start > meta.Total || s.N > meta.Total-meta.Start {
		return fmt.Errorf("dataset: simulations %d to %d cannot be part of a run of %d (metadata start %d, total %d)", meta.Start, int64(meta.Start)+int64(s.N)-1, meta.Total, meta.Start, meta.Total)
	}
	names, priors := model.Names(m), model.Priors(m)
	grid := s.T
	if s.Meta.Model != nil && len(s.Time) == 0 && len(s.Stimulus) == 0 {
		grid = 0 // a model without a time grid or input
	}
	switch {
	case len(meta.Names) != s.P:
		return fmt.Errorf("dataset: %d parameter names for %d columns", len(meta.Names), s.P)
	case !slices.Equal(meta.Names, names):
		return fmt.Errorf("dataset: parameter names %v, but the model infers %v", meta.Names, names)
	case !lengthIs(len(s.Theta), s.N, s.P):
		return fmt.Errorf("dataset: theta has %d values, want %d x %d", len(s.Theta), s.N, s.P)
	case !lengthIs(len(s.Traces), s.N, s.T):
		return fmt.Errorf("dataset: traces have %d values, want %d x %d", len(s.Traces), s.N, s.T)
	case len(s.Time) != grid || len(s.Stimulus) != grid:
		return fmt.Errorf("dataset: time (%d) and stimulus (%d) must have %d samples", len(s.Time), len(s.Stimulus), s.T)
	case !lengthIs(len(s.Stats), s.N, s.S()):
		return fmt.Errorf("dataset: stats have %d values, want %d x %d", len(s.Stats), s.N, s.S())
	}
	if s.Meta.Model != nil {
		if err := s.checkFeatureNames(m); err != nil {
			return err
		}
	}
	for _, a := range []struct {
		name string
		err  error
	}{
		{"theta", checkFinite("theta", s.Theta, []int{s.N, s.P})},
		{"traces", checkFinite("traces", s.Traces, []int{s.N, s.T})},
		{"stats", checkFinite("stats", s.Stats, []int{s.N, s.S()})},
		{"time_ms", checkFinite("time_ms", s.Time, []int{len(s.Time)})},
		{"stimulus", checkFinite("stimulus", s.Stimulus, []int{len(s.Stimulus)})},
	} {
		if a.err != nil {
			return fmt.Errorf("dataset: %w", a.err)
		}
	}
	for i, v := range s.Theta {
		if p := priors[i%s.P]; !p.InSupport(v) {
			return fmt.Errorf("dataset: theta row %d: %s = %g is outside the support of its prior %v", i/s.P, names[i%s.P], v, p)
		}
	}
	return nil
}

// Model returns the model the set was simulated from (or recorded for):
// the LAA neuron of Meta.Config, or the model Meta.Model describes. Either
// must be valid.
func (s *Set) Model() (model.Model, error) {
	if s.Meta.Model != nil {
		m, err := s.Meta.Model.Load()
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		if err := model.Check(m); err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		return m, nil
	}
	if err := s.Meta.Config.Validate(); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	m, err := neuron.NewModel(s.Meta.Config)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	return m, nil
}

// IdentityFeatures reports whether the set's features are its
// observations themselves (a model other than LAA without hand-made
// features).
func (s *Set) IdentityFeatures() bool {
	return s.Meta.Model != nil && slices.Equal(s.Meta.StatNames, IdentityFeatureNames(s.T))
}

// IdentityFeatureNames names the values of an observation of length d
// when they serve as features: x[0], x[1], ...
func IdentityFeatureNames(d int) []string {
	names := make([]string, d)
	for i := range names {
		names[i] = "x[" + strconv.Itoa(i) + "]"
	}
	return names
}

// FeatureNames returns the features a set of model m carries: its
// hand-made features when it has them, else its observations themselves.
func FeatureNames(m model.Model) []string {
	if f, ok := m.(model.Featurer); ok {
		return f.FeatureNames()
	}
	return IdentityFeatureNames(m.Observation().Length)
}

// checkFeatureNames checks that the statistics of a set of model m are
// the model's hand-made features or its observations themselves.
func (s *Set) checkFeatureNames(m model.Model) error {
	if s.S() == 0 {
		return nil
	}
	if want := FeatureNames(m); !slices.Equal(s.Meta.StatNames, want) {
		return fmt.Errorf("dataset: %d statistics named %s..., but model %s's features are %d named %s...", s.S(), first(s.Meta.StatNames), m.Kind(), len(want), first(want))
	}
	return nil
}

// first returns the first name of names, or "" for none.
func first(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// lengthIs reports whether n == a * b, without overflow.
func lengthIs(n, a, b int) bool {
	ab, ok := product([]int{a, b})
	return ok && n == ab
}

// Write stores s at path as an .npz (atomically). What it writes, Read
// reads back.
func (s *Set) Write(path string) error {
	m, err := s.validate()
	if err != nil {
		return err
	}
	meta, err := json.Marshal(s.Meta)
	if err != nil {
		return fmt.Errorf("dataset: encode metadata: %w", err)
	}
	if n := utf8.RuneCount(meta); n > MaxStringChars {
		return fmt.Errorf("dataset: metadata of %d characters is longer than MaxStringChars = %d", n, MaxStringChars)
	}
	arrays := []Array{
		{"theta", s.Theta, []int{s.N, s.P}},
		{observationArray(s.Meta.Model, m), s.Traces, []int{s.N, s.T}},
	}
	if len(s.Time) > 0 {
		arrays = append(arrays, Array{"time_ms", s.Time, []int{s.T}}, Array{"stimulus", s.Stimulus, []int{s.T}})
	}
	if s.S() > 0 && !s.IdentityFeatures() {
		arrays = append(arrays, Array{"stats", s.Stats, []int{s.N, s.S()}})
	}
	arrays = append(arrays, Array{"meta", string(meta), nil})
	return WriteNPZ(path, arrays)
}

// observationArray names the array of observations of model m in a file:
// "traces" for the LAA neuron (stored nil) and a model of time series, "x"
// for a model of vectors.
func observationArray(stored *model.Stored, m model.Model) string {
	if stored != nil && !m.Observation().Series {
		return "x"
	}
	return "traces"
}

// Read loads a data set written by Write, or by numpy.savez with the same
// array names. Without meta (a numpy user passing only theta, traces,
// time_ms and stimulus) the protocol is taken from time_ms and stimulus
// and the trace length from traces (see protocolFromArrays), the rest of
// the configuration is the default, and Warnings says so. An older file
// whose stimulus is a path is read with a bound and a warning
// (neuron.Config.EmbedLegacyStimulus).
func Read(path string) (*Set, error) {
	z, err := OpenNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	return readSet(z)
}

// readSet reads a data set from an open archive, each array once.
func readSet(z *NPZ) (*Set, error) {
	path := z.path
	s := &Set{}
	hasMeta := z.Has("meta")
	if hasMeta {
		text, err := z.String("meta")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(text), &s.Meta); err != nil {
			return nil, fmt.Errorf("%s: metadata: %w", path, err)
		}
		if s.Meta.Format != FormatName || s.Meta.Version != FormatVersion {
			return nil, fmt.Errorf("%s: metadata says format %q version %d, want %q version %d", path, s.Meta.Format, s.Meta.Version, FormatName, FormatVersion)
		}
		if s.Meta.Model != nil {
			return readModelSet(z, s)
		}
		warning, err := s.Meta.Config.EmbedLegacyStimulus()
		if err != nil {
			return nil, fmt.Errorf("%s: metadata: %w", path, err)
		}
		if warning != "" {
			s.Warnings = append(s.Warnings, warning)
		}
		if err := s.Meta.Config.Validate(); err != nil {
			return nil, fmt.Errorf("%s: metadata: %w", path, err)
		}
	}
	var shape []int
	var err error
	if s.Theta, shape, err = z.Floats("theta"); err != nil {
		return nil, err
	}
	if len(shape) != 2 {
		return nil, fmt.Errorf("%s: theta has shape %s, want (N, P)", path, ShapeString(shape))
	}
	s.N, s.P = shape[0], shape[1]
	if !hasMeta && (!z.Has("traces") || !z.Has("time_ms") || z.Has("x")) {
		return nil, fmt.Errorf("%s: %w", path, ErrNeedsModel)
	}
	if s.Traces, shape, err = z.Float32s("traces"); err != nil {
		return nil, err
	}
	if len(shape) != 2 || shape[0] != s.N {
		return nil, fmt.Errorf("%s: traces have shape %s, want (%d, T)", path, ShapeString(shape), s.N)
	}
	s.T = shape[1]
	if s.Time, shape, err = z.Floats("time_ms"); err != nil {
		return nil, err
	}
	if len(shape) != 1 {
		return nil, fmt.Errorf("%s: time_ms has shape %s, want (T,)", path, ShapeString(shape))
	}
	if s.Stimulus, shape, err = z.Floats("stimulus"); err != nil {
		return nil, err
	}
	if len(shape) != 1 {
		return nil, fmt.Errorf("%s: stimulus has shape %s, want (T,)", path, ShapeString(shape))
	}
	if !hasMeta {
		cfg, desc, err := protocolFromArrays(s.Time, s.Stimulus, s.T)
		if err != nil {
			return nil, fmt.Errorf("%s: no meta, and time_ms and stimulus do not give a protocol: %w", path, err)
		}
		s.Meta = Meta{Format: FormatName, Version: FormatVersion, Total: s.N, Config: cfg}
		s.Meta.Names, _ = cfg.Inferred()
		if s.P != len(s.Meta.Names) {
			return nil, fmt.Errorf("%s: theta has %d columns, the LAA neuron infers %d (%v): %w", path, s.P, len(s.Meta.Names), s.Meta.Names, ErrNeedsModel)
		}
		s.Warnings = append(s.Warnings, "no meta: the protocol was taken from the arrays time_ms and stimulus: "+desc+"; the rest of the configuration is the default")
		if err := s.computeStats(); err != nil {
			s.Warnings = append(s.Warnings, "no hand-made summary statistics (only the lstm and cnn summary networks can train on this set): "+err.Error())
		}
	} else if s.S() == 0 && z.Has("stats") {
		return nil, fmt.Errorf("%s: there is a stats array but the metadata names no statistics", path)
	}
	switch {
	case !hasMeta: // statistics computed above; a stats array of unknown layout is ignored
	case s.S() > 0 && !z.Has("stats"):
		return nil, fmt.Errorf("%s: the metadata names %d statistics but there is no stats array", path, s.S())
	case s.S() > 0:
		if s.Stats, shape, err = z.Float32s("stats"); err != nil {
			return nil, err
		}
		if len(shape) != 2 || shape[0] != s.N || shape[1] != s.S() {
			return nil, fmt.Errorf("%s: stats have shape %s, want (%d, %d)", path, ShapeString(shape), s.N, s.S())
		}
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// computeStats fills the hand-made summary statistics of a set read
// without meta from its traces, as Simulate does for simulated ones.
func (s *Set) computeStats() error {
	sim, err := neuron.NewSimulator(s.Meta.Config)
	if err != nil {
		return err
	}
	layout, err := sim.FeatureLayout()
	if err != nil {
		return err
	}
	stats := make([]float32, s.N*layout.Len()) // no overflow: N rows of traces are in memory, Len is small
	if err := ComputeStats(layout, s.Traces, stats, 0); err != nil {
		return err
	}
	if err := checkFinite("stats", stats, []int{s.N, layout.Len()}); err != nil {
		return err
	}
	s.Meta.StatNames, s.Stats = layout.Names(), stats
	return nil
}

// Slice returns rows [lo, hi) as a new set sharing no memory with s.
func (s *Set) Slice(lo, hi int) (*Set, error) {
	if lo < 0 || hi > s.N || lo >= hi {
		return nil, fmt.Errorf("dataset: slice [%d, %d) of %d simulations", lo, hi, s.N)
	}
	out := &Set{Meta: s.Meta, N: hi - lo, P: s.P, T: s.T,
		Theta:    slices.Clone(s.Theta[lo*s.P : hi*s.P]),
		Traces:   slices.Clone(s.Traces[lo*s.T : hi*s.T]),
		Stats:    slices.Clone(s.Stats[lo*s.S() : hi*s.S()]),
		Time:     slices.Clone(s.Time),
		Stimulus: slices.Clone(s.Stimulus)}
	if s.IdentityFeatures() {
		out.Stats = out.Traces
	}
	out.Meta.Start = s.Meta.Start + lo
	return out, nil
}

// Merge joins shards of one run (same seed and configuration) in order of
// their start index. The shards must tile a contiguous range of the run;
// the result is what an unsharded run over that range writes.
func Merge(shards []*Set) (*Set, error) {
	if len(shards) == 0 {
		return nil, fmt.Errorf("dataset: nothing to merge")
	}
	for i, s := range shards {
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("shard %d: %w", i+1, err)
		}
	}
	sorted := slices.Clone(shards)
	slices.SortStableFunc(sorted, func(a, b *Set) int { return cmp.Compare(a.Meta.Start, b.Meta.Start) })
	first := sorted[0]
	ref, _ := json.Marshal([]any{first.Meta.Config, first.Meta.Model})
	out := &Set{Meta: first.Meta, P: first.P, T: first.T,
		Time: slices.Clone(first.Time), Stimulus: slices.Clone(first.Stimulus)}
	next := first.Meta.Start
	for i, s := range sorted {
		cfg, _ := json.Marshal([]any{s.Meta.Config, s.Meta.Model})
		switch {
		case s.Meta.Seed != first.Meta.Seed:
			return nil, fmt.Errorf("dataset: shard %d has seed %d, shard 1 has %d", i+1, s.Meta.Seed, first.Meta.Seed)
		case string(cfg) != string(ref) || !slices.Equal(s.Meta.Names, first.Meta.Names) || !slices.Equal(s.Meta.StatNames, first.Meta.StatNames):
			return nil, fmt.Errorf("dataset: shard starting at %d was made with another configuration", s.Meta.Start)
		case s.Meta.Total != first.Meta.Total:
			return nil, fmt.Errorf("dataset: shard starting at %d belongs to a run of %d, not %d", s.Meta.Start, s.Meta.Total, first.Meta.Total)
		case s.Meta.Start != next:
			return nil, fmt.Errorf("dataset: shards leave a gap or overlap at simulation %d (next shard starts at %d)", next, s.Meta.Start)
		}
		next += s.N // no overflow: each shard ends inside the run (Validate)
		out.N += s.N
		out.Theta = append(out.Theta, s.Theta...)
		out.Traces = append(out.Traces, s.Traces...)
		if !first.IdentityFeatures() {
			out.Stats = append(out.Stats, s.Stats...)
		}
	}
	if first.IdentityFeatures() {
		out.Stats = out.Traces
	}
	return out, out.Validate()
}
