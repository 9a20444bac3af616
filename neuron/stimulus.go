package neuron

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Stimulus describes the injected current I_ext(t) in uA/cm2. Kind selects
// the protocol and which fields apply:
//
//	staircase: Levels[j] on [Times[j], Times[j+1]); 0 before Times[0] and after the last time
//	step:      Amplitude on [Start, End), 0 elsewhere
//	ramp:      linear from 0 at Start to Amplitude at End, 0 elsewhere
//	file:      piecewise constant breakpoints read from File (see ReadStimulusFile)
//
// The default is the staircase of model.md.
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

// DefaultStaircase returns the staircase of model.md: 0, 0.5, 1.0, 1.5, 0
// uA/cm2 switching at 50, 200, 350 and 500 ms.
func DefaultStaircase() Stimulus {
	return Stimulus{Kind: StimStaircase, Times: []float64{50, 200, 350, 500}, Levels: []float64{0.5, 1.0, 1.5, 0}}
}

// segment is one piece of I(t) = A + B (t - T0) on [T0, T1).
type segment struct{ T0, T1, A, B float64 }

// Current is a compiled stimulus: a sorted list of linear pieces, 0 outside them.
type Current struct{ segs []segment }

// Compile checks s and turns it into a Current. A file stimulus is read here.
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
	case StimStaircase:
		if len(s.Times) == 0 || len(s.Times) != len(s.Levels) {
			return nil, fmt.Errorf("stimulus staircase: need as many times_ms as levels (got %d and %d)", len(s.Times), len(s.Levels))
		}
		if err := finite(append(append([]float64{}, s.Times...), s.Levels...)...); err != nil {
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
		return &Current{segs: []segment{{s.Start, s.End, 0, s.Amplitude / (s.End - s.Start)}}}, nil
	case StimFile:
		if s.File == "" {
			return nil, errors.New("stimulus file: no file given")
		}
		times, levels, err := ReadStimulusFile(s.File)
		if err != nil {
			return nil, err
		}
		return breakpoints(times, levels)
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
	c := &Current{}
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

// ReadStimulusFile reads a stimulus CSV: a header line, then rows of
// "time_ms,current" (current in uA/cm2) giving piecewise-constant
// breakpoints in increasing time. Blank lines and lines starting with # are
// skipped. Any bad row is an error naming its line.
func ReadStimulusFile(path string) (times, levels []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("stimulus file: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	header := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("stimulus file %s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if header {
			header = false
			if _, err := strconv.ParseFloat(strings.TrimSpace(rec[0]), 64); err != nil {
				continue // a header row
			}
		}
		if len(rec) != 2 {
			return nil, nil, fmt.Errorf("stimulus file %s line %d: want 2 columns (time_ms, current), got %d", path, line, len(rec))
		}
		t, err1 := strconv.ParseFloat(strings.TrimSpace(rec[0]), 64)
		v, err2 := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err1 != nil || err2 != nil || math.IsNaN(t) || math.IsNaN(v) || math.IsInf(t, 0) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("stimulus file %s line %d: bad row %q", path, line, strings.Join(rec, ","))
		}
		if n := len(times); n > 0 && !(t > times[n-1]) {
			return nil, nil, fmt.Errorf("stimulus file %s line %d: time %g ms does not increase", path, line, t)
		}
		times = append(times, t)
		levels = append(levels, v)
	}
	if len(times) == 0 {
		return nil, nil, fmt.Errorf("stimulus file %s: no rows", path)
	}
	return times, levels, nil
}
