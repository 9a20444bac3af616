package neuron

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"

	"github.com/laa-neuro/laa/prior"

	"go.yaml.in/yaml/v3"

	"github.com/laa-neuro/laa/inputfile"
)

// Config is the whole experiment: priors, protocol, noise and numerics. Its
// zero value is not usable; start from Default, which holds the values of
// docs/model.md, and override fields from a file with Load.
type Config struct {
	DurationMs     float64  `yaml:"duration_ms" json:"duration_ms"`       // recording length T
	RecordStepMs   float64  `yaml:"record_step_ms" json:"record_step_ms"` // sampling interval of the trace
	DtMs           float64  `yaml:"dt_ms" json:"dt_ms"`                   // RK4 step; must divide record_step_ms
	Gact           float64  `yaml:"g_act" json:"g_act"`                   // G_act when not inferred, uA/cm2
	SigmaObs       float64  `yaml:"sigma_obs" json:"sigma_obs"`           // observation noise sd when not inferred, mV
	Stimulus       Stimulus `yaml:"stimulus" json:"stimulus"`
	Priors         Priors   `yaml:"priors" json:"priors"`
	IntrinsicNoise OUNoise  `yaml:"intrinsic_noise" json:"intrinsic_noise"`
	Spiking        Spiking  `yaml:"spiking" json:"spiking"`
}

// Priors holds one prior per parameter. C_m, g_L, E_L, k and V_thr are
// required; a prior on G_act or sigma_obs adds it to the inferred set.
type Priors struct {
	Cm       *Prior `yaml:"C_m" json:"C_m"`
	GL       *Prior `yaml:"g_L" json:"g_L"`
	EL       *Prior `yaml:"E_L" json:"E_L"`
	K        *Prior `yaml:"k" json:"k"`
	Vthr     *Prior `yaml:"V_thr" json:"V_thr"`
	Gact     *Prior `yaml:"G_act,omitempty" json:"G_act,omitempty"`
	SigmaObs *Prior `yaml:"sigma_obs,omitempty" json:"sigma_obs,omitempty"`
}

// OUNoise is an optional intrinsic current noise: an Ornstein-Uhlenbeck
// process with time constant TauMs and stationary sd SD (uA/cm2), added to
// I_ext. It makes the likelihood intractable.
type OUNoise struct {
	Enabled bool    `yaml:"enabled" json:"enabled"`
	TauMs   float64 `yaml:"tau_ms" json:"tau_ms"`
	SD      float64 `yaml:"sd" json:"sd"`
}

// Spiking is the optional spike-and-reset variant: when V reaches PeakMV a
// spike is counted and V is reset to ResetMV.
type Spiking struct {
	Enabled bool    `yaml:"enabled" json:"enabled"`
	PeakMV  float64 `yaml:"v_peak" json:"v_peak"`
	ResetMV float64 `yaml:"v_reset" json:"v_reset"`
}

// DefaultDtMs is the default RK4 step. It is the largest step whose worst
// error over 4,000 prior draws stays under 0.01 mV against a dt = 0.01 ms
// reference (measured 3.4e-4 mV; see docs/simulator.md and TestDefaultStepAccuracy).
const DefaultDtMs = 0.5

// Default returns the embedded default experiment of docs/model.md.
func Default() Config {
	cm, gl, el, k, vt := LogNormal(1.0, 0.3), LogNormal(0.1, 0.3), Normal(-65, 3), LogNormal(6, 0.5), Normal(-50, 4)
	return Config{
		DurationMs:     600,
		RecordStepMs:   1,
		DtMs:           DefaultDtMs,
		Gact:           2.0,
		SigmaObs:       1.0,
		Stimulus:       DefaultStaircase(),
		Priors:         Priors{Cm: &cm, GL: &gl, EL: &el, K: &k, Vthr: &vt},
		IntrinsicNoise: OUNoise{Enabled: false, TauMs: 5, SD: 0.1},
		Spiking:        Spiking{Enabled: false, PeakMV: 0, ResetMV: -65},
	}
}

// MaxConfigBytes is the largest configuration text Load and Parse accept.
// A configuration written by hand is a few kilobytes; decoding YAML takes
// about 70 times its size in memory, so 2 MiB (about 140 MB to decode)
// leaves room for a staircase of some 100,000 inline breakpoints. Longer
// stimuli belong in a stimulus file (kind: file), which is read as CSV.
const MaxConfigBytes = 2 << 20

// Load reads a YAML (or JSON, a subset of YAML) file over Default. Unknown
// keys are errors; a prior or stimulus given in the file replaces the default
// one whole. A stimulus of kind file is read (its path relative to the
// current directory) with ReadStimulusFile and embedded, unless the file
// already embeds its breakpoints (times_ms and levels), which then win.
func Load(path string) (Config, error) {
	f, err := inputfile.Open(path, MaxConfigBytes, "MaxConfigBytes")
	if err != nil {
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	f.Close()
	if err != nil {
		return Config{}, fmt.Errorf("load config %s: %w", path, err)
	}
	cfg, err := decode(b)
	if err == nil {
		err = cfg.embedStimulusFile()
	}
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		return Config{}, fmt.Errorf("load config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes YAML or JSON configuration text over Default and validates
// it. It reads no file: a stimulus of kind file must embed its breakpoints
// (use Load to read a stimulus file named in a configuration file).
func Parse(text []byte) (Config, error) {
	cfg, err := decode(text)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// decode decodes configuration text over Default, without validating it.
func decode(text []byte) (Config, error) {
	if len(text) > MaxConfigBytes {
		return Config{}, fmt.Errorf("config: %d bytes, more than MaxConfigBytes = %d (put a long stimulus in a stimulus file)", len(text), MaxConfigBytes)
	}
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// embedStimulusFile reads a file stimulus that holds only a path.
func (c *Config) embedStimulusFile() error {
	s := &c.Stimulus
	if s.Kind != StimFile || len(s.Times) != 0 || len(s.Levels) != 0 || s.File == "" {
		return nil
	}
	times, levels, err := ReadStimulusFile(s.File)
	if err != nil {
		return err
	}
	s.Times, s.Levels = times, levels
	return nil
}

// EmbedLegacyStimulus embeds the breakpoints of a file stimulus that holds
// only a path, as configurations stored in data sets and model files by
// older versions of laa do. The path, named inside a file that may come
// from anyone, is read with the bounds of ReadStimulusFile (a regular file
// only, never a device or pipe; at most MaxStimulusFileBytes and
// MaxStimulusRows), relative to the current directory, and errors never
// quote the file's content. It returns a one-line warning when it read a
// file, and does nothing (an empty warning) otherwise.
func (c *Config) EmbedLegacyStimulus() (warning string, err error) {
	s := &c.Stimulus
	if s.Kind != StimFile || len(s.Times) != 0 || len(s.Levels) != 0 || s.File == "" {
		return "", nil
	}
	if err := c.embedStimulusFile(); err != nil {
		return "", fmt.Errorf("legacy stimulus (a path stored in the file, not the stimulus): %w", err)
	}
	return fmt.Sprintf("the stimulus was read from %q, a path named inside the file (an older format that stores the path, not the stimulus); re-save the file to embed it", s.File), nil
}

// UnmarshalYAML decodes a stimulus from scratch (no merging with a default).
func (s *Stimulus) UnmarshalYAML(n *yaml.Node) error {
	type plain Stimulus
	var q plain
	if err := decodeStrict(n, &q); err != nil {
		return err
	}
	*s = Stimulus(q)
	return nil
}

// decodeStrict decodes a mapping node into v, refusing keys that are not
// yaml tags of v's struct fields (a custom unmarshaler does not inherit the
// decoder's KnownFields setting).
func decodeStrict(n *yaml.Node, v any) error {
	if n.Kind == yaml.MappingNode {
		known := map[string]bool{}
		t := reflect.TypeOf(v).Elem()
		for i := 0; i < t.NumField(); i++ {
			known[strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]] = true
		}
		for i := 0; i < len(n.Content); i += 2 {
			if k := n.Content[i].Value; !known[k] {
				return fmt.Errorf("line %d: unknown key %q in %s", n.Content[i].Line, k, strings.ToLower(t.Name()))
			}
		}
	}
	return n.Decode(v)
}

// Limits on the work one trace asks for, checked by Validate before any
// allocation. A 10 s recording at 20 kHz is 200,000 samples; the default
// protocol is 600 samples and 1,198 RK4 steps (599 intervals of 2 steps).
const (
	// MaxSamplesPerTrace is the most recorded samples per trace
	// (duration_ms / record_step_ms): 50 s at 20 kHz, 8 MB per trace as
	// float64.
	MaxSamplesPerTrace = 1_000_000
	// MaxStepsPerTrace is the most RK4 steps per trace (duration_ms /
	// dt_ms): 60 s at dt = 0.015 ms. The simulator keeps three currents per
	// step (100 MB at the limit), and one block of BlockSize traces takes
	// about 2 s per million steps on one core (7.6 s at the limit, measured).
	MaxStepsPerTrace = 1 << 22
	// MinSamplesPerTrace is the fewest recorded samples per trace.
	MinSamplesPerTrace = 2
)

// MaxMagnitude bounds the absolute value of every number of a
// configuration but the stimulus times: fixed parameters, prior
// parameters, stimulus currents, noise, spike levels. Nothing in laa's
// units (ms, mV, uA/cm2, mS/cm2, uF/cm2) comes near 10^9; the bound keeps
// prior draws, their squares and sums finite, and traces inside the range
// of the float32 that data sets store.
const MaxMagnitude = prior.MaxMagnitude

// Validate checks every field and reports the first problem: non-finite
// numbers, values out of range, and work beyond MaxSamplesPerTrace and
// MaxStepsPerTrace.
func (c Config) Validate() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("config: %s = %g must be a positive number", name, v)
		}
		return nil
	}
	for _, e := range []error{pos("duration_ms", c.DurationMs), pos("record_step_ms", c.RecordStepMs), pos("dt_ms", c.DtMs)} {
		if e != nil {
			return e
		}
	}
	// Ratios first, in floating point, so nothing overflows an int.
	if n := c.DurationMs / c.RecordStepMs; n > MaxSamplesPerTrace+0.5 {
		return fmt.Errorf("config: duration_ms / record_step_ms = %g / %g = %.4g samples per trace, more than MaxSamplesPerTrace = %d", c.DurationMs, c.RecordStepMs, n, MaxSamplesPerTrace)
	}
	if n := c.DurationMs / c.DtMs; n > MaxStepsPerTrace+0.5 {
		return fmt.Errorf("config: duration_ms / dt_ms = %g / %g = %.4g RK4 steps per trace, more than MaxStepsPerTrace = %d", c.DurationMs, c.DtMs, n, MaxStepsPerTrace)
	}
	if c.DtMs > c.RecordStepMs {
		return fmt.Errorf("config: dt_ms = %g must not exceed record_step_ms = %g", c.DtMs, c.RecordStepMs)
	}
	if r := c.RecordStepMs / c.DtMs; math.Abs(r-math.Round(r)) > 1e-9 {
		return fmt.Errorf("config: dt_ms = %g must divide record_step_ms = %g", c.DtMs, c.RecordStepMs)
	}
	if r := c.DurationMs / c.RecordStepMs; math.Abs(r-math.Round(r)) > 1e-9 {
		return fmt.Errorf("config: record_step_ms = %g must divide duration_ms = %g", c.RecordStepMs, c.DurationMs)
	}
	if n := c.NumSamples(); n < MinSamplesPerTrace {
		return fmt.Errorf("config: duration_ms = %g holds %d samples of record_step_ms = %g, fewer than MinSamplesPerTrace = %d", c.DurationMs, n, c.RecordStepMs, MinSamplesPerTrace)
	}
	base := Params{Cm: 1, GL: 1, K: 1, Gact: c.Gact, SigmaObs: c.SigmaObs}
	if err := base.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	n, s := c.IntrinsicNoise, c.Spiking
	for _, f := range []struct {
		name string
		v    float64
	}{{"g_act", c.Gact}, {"sigma_obs", c.SigmaObs}, {"intrinsic_noise.tau_ms", n.TauMs}, {"intrinsic_noise.sd", n.SD},
		{"spiking.v_peak", s.PeakMV}, {"spiking.v_reset", s.ResetMV}, {"stimulus.amplitude", c.Stimulus.Amplitude}} {
		if err := bounded(f.name, f.v); err != nil {
			return err
		}
	}
	for j, v := range c.Stimulus.Levels {
		if err := bounded(fmt.Sprintf("stimulus.levels[%d]", j), v); err != nil {
			return err
		}
	}
	if _, err := c.Stimulus.Compile(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	for _, name := range CanonicalNames {
		p := c.Priors.get(name)
		if p == nil {
			if name == NameGact || name == NameSigmaObs {
				continue
			}
			return fmt.Errorf("config: priors.%s is required", name)
		}
		if err := p.Validate(); err != nil {
			return fmt.Errorf("config: priors.%s: %w", name, err)
		}
	}
	if n.Enabled && (!(n.TauMs > 0) || !(n.SD >= 0)) {
		return fmt.Errorf("config: intrinsic_noise needs tau_ms > 0 and sd >= 0 (got %g, %g)", n.TauMs, n.SD)
	}
	if s.Enabled && !(s.ResetMV < s.PeakMV) {
		return fmt.Errorf("config: spiking needs v_reset < v_peak (got %g, %g)", s.ResetMV, s.PeakMV)
	}
	return nil
}

// bounded checks that v is finite and within MaxMagnitude.
func bounded(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("config: %s = %g must be finite", name, v)
	}
	if math.Abs(v) > MaxMagnitude {
		return fmt.Errorf("config: |%s| = %g is more than MaxMagnitude = %g", name, math.Abs(v), MaxMagnitude)
	}
	return nil
}

// get returns the prior of the named parameter, or nil.
func (p Priors) get(name string) *Prior {
	switch name {
	case NameCm:
		return p.Cm
	case NameGL:
		return p.GL
	case NameEL:
		return p.EL
	case NameK:
		return p.K
	case NameVthr:
		return p.Vthr
	case NameGact:
		return p.Gact
	case NameSigmaObs:
		return p.SigmaObs
	}
	return nil
}

// Inferred lists the inferred parameters in column order with their priors.
func (c Config) Inferred() (names []string, priors []Prior) {
	for _, name := range CanonicalNames {
		if p := c.Priors.get(name); p != nil {
			names = append(names, name)
			priors = append(priors, *p)
		}
	}
	return names, priors
}

// NumSamples is the number of recorded samples per trace. It is 0 when
// duration_ms / record_step_ms is not a number from 0 to MaxSamplesPerTrace
// (Validate says why), so a configuration read from a file but not yet
// validated never makes its caller allocate beyond the limit.
func (c Config) NumSamples() int {
	n := math.Round(c.DurationMs / c.RecordStepMs)
	if !(n >= 0 && n <= MaxSamplesPerTrace) {
		return 0
	}
	return int(n)
}

// Params returns the full parameter set for an inferred vector theta
// (columns as in Inferred); fixed parameters come from the configuration.
func (c Config) Params(theta []float64) (Params, error) {
	names, _ := c.Inferred()
	if len(theta) != len(names) {
		return Params{}, fmt.Errorf("neuron: parameter vector has %d values, want %d (%v)", len(theta), len(names), names)
	}
	p := Params{Gact: c.Gact, SigmaObs: c.SigmaObs}
	for i, name := range names {
		_ = p.Set(name, theta[i])
	}
	return p, p.Validate()
}

// SamplePrior draws one inferred vector from the priors.
func (c Config) SamplePrior(rng *rand.Rand, theta []float64) {
	_, priors := c.Inferred()
	for i, p := range priors {
		theta[i] = p.Sample(rng)
	}
}

// LogPrior returns the joint log prior density of theta (-Inf outside the support).
func (c Config) LogPrior(theta []float64) float64 {
	_, priors := c.Inferred()
	lp := 0.0
	for i, p := range priors {
		lp += p.LogPdf(theta[i])
	}
	return lp
}
