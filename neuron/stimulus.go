package neuron

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Stimulus describes the injected current I_ext(t) in uA/cm2. Kind selects
// the protocol and which fields apply:
//
//	staircase: Levels[j] on [Times[j], Times[j+1]); 0 before Times[0] and after the last time
//	step:      Amplitude on [Start, End), 0 elsewhere
//	ramp:      linear from 0 at Start to Amplitude at End, 0 elsewhere
//	file:      like staircase; Times and Levels hold the breakpoints of a
//	           stimulus file (see ReadStimulusFile) and File names it
//
// A file stimulus carries its content: Load (or StimulusFromFile) reads the
// file once and embeds its breakpoints, so a configuration saved in a data
// set or model file needs no file to compile; File stays as provenance and
// is never opened by Compile. The default is the staircase of docs/model.md.
type Stimulus struct {
	Kind      string    `yaml:"kind" json:"kind"`
	Times     []float64 `yaml:"times_ms,omitempty" json:"times_ms,omitempty"`
	Levels    []float64 `yaml:"levels,omitempty" json:"levels,omitempty"`
	Start     float64   `yaml:"start_ms,omitempty" json:"start_ms,omitempty"`
	End       float64   `yaml:"end_ms,omitempty" json:"end_ms,omitempty"`
	Amplitude float64   `yaml:"amplitude,omitempty" json:"amplitude,omitempty"`
	File      string    `yaml:"file,omitempty" json:"file,omitempty"`
}

// Stimulus kinds.
const (
	StimStaircase = "staircase"
	StimStep      = "step"
	StimRamp      = "ramp"
	StimFile      = "file"
)

// DefaultStaircase returns the staircase of docs/model.md: 0, 0.5, 1.0, 1.5, 0
// uA/cm2 switching at 50, 200, 350 and 500 ms.
func DefaultStaircase() Stimulus {
	return Stimulus{Kind: StimStaircase, Times: []float64{50, 200, 350, 500}, Levels: []float64{0.5, 1.0, 1.5, 0}}
}

// segment is one piece of I(t) = A + B (t - T0) on [T0, T1).
type segment struct{ T0, T1, A, B float64 }

// Current is a compiled stimulus: a sorted list of linear pieces, 0 outside them.
type Current struct{ segs []segment }

// ErrStimulusNotEmbedded is wrapped by the error Compile returns for a file
// stimulus that holds only a path, not its breakpoints. Load embeds them;
// Config.EmbedLegacyStimulus does for configurations of older files.
var ErrStimulusNotEmbedded = errors.New("the file stimulus holds no embedded breakpoints (times_ms, levels)")

// Compile checks s and turns it into a Current. It never opens a file: a file
// stimulus must carry its breakpoints (see ErrStimulusNotEmbedded).
func (s Stimulus) Compile() (*Current, error) {
	finite := func(vs ...float64) error {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("stimulus %s: non-finite value %v", s.Kind, v)
			}
		}
		return nil
	}
	switch s.Kind {
	case StimStaircase, StimFile:
		if s.Kind == StimFile && len(s.Times) == 0 && len(s.Levels) == 0 {
			if s.File == "" {
				return nil, fmt.Errorf("stimulus file: no file given: %w", ErrStimulusNotEmbedded)
			}
			return nil, fmt.Errorf("stimulus file %q: %w", s.File, ErrStimulusNotEmbedded)
		}
		if len(s.Times) == 0 || len(s.Times) != len(s.Levels) {
			return nil, fmt.Errorf("stimulus %s: need as many times_ms as levels (got %d and %d)", s.Kind, len(s.Times), len(s.Levels))
		}
		if len(s.Times) > MaxStimulusRows {
			return nil, fmt.Errorf("stimulus %s: %d breakpoints, more than MaxStimulusRows = %d", s.Kind, len(s.Times), MaxStimulusRows)
		}
		if err := finite(s.Times...); err != nil {
			return nil, err
		}
		if err := finite(s.Levels...); err != nil {
			return nil, err
		}
		return breakpoints(s.Times, s.Levels)
	case StimStep, StimRamp:
		if err := finite(s.Start, s.End, s.Amplitude); err != nil {
			return nil, err
		}
		if !(s.Start < s.End) || s.Start < 0 {
			return nil, fmt.Errorf("stimulus %s: need 0 <= start_ms < end_ms (got %g, %g)", s.Kind, s.Start, s.End)
		}
		if s.Kind == StimStep {
			return &Current{segs: []segment{{s.Start, s.End, s.Amplitude, 0}}}, nil
		}
		slope := s.Amplitude / (s.End - s.Start)
		if math.IsInf(slope, 0) {
			return nil, fmt.Errorf("stimulus ramp: amplitude %g over %g ms is an infinite slope", s.Amplitude, s.End-s.Start)
		}
		return &Current{segs: []segment{{s.Start, s.End, 0, slope}}}, nil
	}
	return nil, fmt.Errorf("stimulus: unknown kind %q (want %s, %s, %s or %s)", s.Kind, StimStaircase, StimStep, StimRamp, StimFile)
}

// breakpoints builds a piecewise-constant current: levels[j] from times[j]
// until times[j+1] (the last level lasts forever).
func breakpoints(times, levels []float64) (*Current, error) {
	if times[0] < 0 {
		return nil, fmt.Errorf("stimulus: first time %g ms is negative", times[0])
	}
	for j := 1; j < len(times); j++ {
		if !(times[j] > times[j-1]) {
			return nil, fmt.Errorf("stimulus: times must increase (%g ms after %g ms at row %d)", times[j], times[j-1], j+1)
		}
	}
	c := &Current{segs: make([]segment, 0, len(times))}
	for j := range times {
		end := math.Inf(1)
		if j+1 < len(times) {
			end = times[j+1]
		}
		c.segs = append(c.segs, segment{times[j], end, levels[j], 0})
	}
	return c, nil
}

// At returns I(t), right-continuous at breakpoints.
func (c *Current) At(t float64) float64 {
	i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].T1 > t })
	if i < len(c.segs) && t >= c.segs[i].T0 {
		g := c.segs[i]
		return g.A + g.B*(t-g.T0)
	}
	return 0
}

// Breaks returns the times where I(t) may be discontinuous or change slope.
func (c *Current) Breaks() []float64 {
	var out []float64
	for _, g := range c.segs {
		out = append(out, g.T0)
		if !math.IsInf(g.T1, 1) {
			out = append(out, g.T1)
		}
	}
	return out
}
