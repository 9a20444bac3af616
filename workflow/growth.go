package workflow

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/validation"
)

// Sweeps returns the experiment cfg with its protocol repeated k times back
// to back: the same cell recorded k times longer (duration k T), with no
// reset between sweeps. A cell that is still depolarized at the end of a
// sweep starts the next one from there, as a real continuous recording
// would, so the sweeps are not independent replicates.
//
// The result's stimulus is a staircase: a staircase or file stimulus has
// its times shifted by j T and its levels repeated for sweep j = 0..k-1
// (with a breakpoint to 0 at j T where the sweep starts at zero current and
// the previous one ended elsewhere); a step becomes the equivalent
// staircase first. A ramp is not piecewise constant and is refused, as are
// breakpoints at or after the end of the recording (they would collide with
// the next sweep). k = 1 returns cfg unchanged; k < 1 is an error.
func Sweeps(cfg neuron.Config, k int) (neuron.Config, error) {
	if k < 1 {
		return neuron.Config{}, fmt.Errorf("workflow: sweeps: need k >= 1, got %d", k)
	}
	if err := cfg.Validate(); err != nil {
		return neuron.Config{}, fmt.Errorf("workflow: sweeps: %w", err)
	}
	if k == 1 {
		return cfg, nil
	}
	if float64(k)*float64(cfg.NumSamples()) > neuron.MaxSamplesPerTrace {
		return neuron.Config{}, fmt.Errorf("workflow: sweeps: %d sweeps of %d samples exceed neuron.MaxSamplesPerTrace = %d", k, cfg.NumSamples(), neuron.MaxSamplesPerTrace)
	}
	times, levels, err := breakpoints(cfg.Stimulus, cfg.DurationMs)
	if err != nil {
		return neuron.Config{}, fmt.Errorf("workflow: sweeps: %w", err)
	}
	T := cfg.DurationMs
	var ts, ls []float64
	for j := range k {
		// Before times[0] the current is 0; after the last time it keeps
		// the last level until the sweep ends.
		if j > 0 && times[0] > 0 && levels[len(levels)-1] != 0 {
			ts, ls = append(ts, float64(j)*T), append(ls, 0)
		}
		for i, t := range times {
			ts, ls = append(ts, t+float64(j)*T), append(ls, levels[i])
		}
	}
	out := cfg
	out.DurationMs = float64(k) * T
	out.Stimulus = neuron.Stimulus{Kind: neuron.StimStaircase, Times: ts, Levels: ls}
	if err := out.Validate(); err != nil {
		return neuron.Config{}, fmt.Errorf("workflow: sweeps: %w", err)
	}
	return out, nil
}

// breakpoints returns the piecewise-constant breakpoints of s on [0, T).
func breakpoints(s neuron.Stimulus, T float64) (times, levels []float64, err error) {
	switch s.Kind {
	case neuron.StimStaircase, neuron.StimFile:
		// A file stimulus carries its breakpoints (Validate checked them).
		times, levels = s.Times, s.Levels
	case neuron.StimStep:
		times, levels = []float64{s.Start, s.End}, []float64{s.Amplitude, 0}
		if s.End >= T {
			times, levels = times[:1], levels[:1]
		}
	case neuron.StimRamp:
		return nil, nil, errors.New("a ramp stimulus cannot be repeated as breakpoints; use a staircase or file stimulus")
	default:
		return nil, nil, fmt.Errorf("unknown stimulus kind %q", s.Kind)
	}
	if t := times[len(times)-1]; t >= T {
		return nil, nil, fmt.Errorf("stimulus time %g ms is not before the end of the recording (%g ms)", t, T)
	}
	return times, levels, nil
}

// GrowthPoint holds the per-parameter metrics of one model, trained and
// assessed on recordings of Sweeps sweeps (DurationMs long).
type GrowthPoint struct {
	Sweeps           int       `json:"sweeps"`
	DurationMs       float64   `json:"duration_ms"`
	Contraction      []float64 `json:"contraction"`
	NRMSE            []float64 `json:"nrmse"`
	CalibrationError []float64 `json:"calibration_error"`
}

// NewGrowthPoint takes the metrics of an assessment on the held-out set.
func NewGrowthPoint(sweeps int, durationMs float64, res *validation.Result) GrowthPoint {
	g := GrowthPoint{Sweeps: sweeps, DurationMs: durationMs}
	for _, p := range res.Params {
		g.Contraction = append(g.Contraction, p.Unconstrained.Contraction)
		g.NRMSE = append(g.NRMSE, p.Recovery.NRMSE)
		g.CalibrationError = append(g.CalibrationError, p.Coverage.CalibrationError)
	}
	return g
}

// GrowthTolerance is how far contraction may fall from one recording length
// to the next longer one before GrowthOf warns: held-out Monte Carlo error and
// training noise move it by about 0.01 with 500 test simulations.
const GrowthTolerance = 0.02

// GrowthResult is contraction (and NRMSE, calibration error) per parameter
// as the recording grows, with warnings where contraction falls.
type GrowthResult struct {
	Names    []string      `json:"param_names"`
	Points   []GrowthPoint `json:"points"` // by increasing duration
	Warnings []string      `json:"warnings,omitempty"`
}

// SortGrowthPoints checks points against p parameters and returns them
// sorted by duration. Each point needs p finite metrics, contraction at most 1,
// distinct sweep counts, and durations that increase with the sweep count.
func SortGrowthPoints(points []GrowthPoint, p int) ([]GrowthPoint, error) {
	if len(points) == 0 {
		return nil, errors.New("workflow: growth: no points")
	}
	out := slices.Clone(points)
	slices.SortFunc(out, func(a, b GrowthPoint) int { return a.Sweeps - b.Sweeps })
	for i, g := range out {
		if g.Sweeps < 1 || !(g.DurationMs > 0) || math.IsInf(g.DurationMs, 0) {
			return nil, fmt.Errorf("workflow: growth: point with %d sweeps and duration %g ms", g.Sweeps, g.DurationMs)
		}
		if i > 0 && (g.Sweeps == out[i-1].Sweeps || !(g.DurationMs > out[i-1].DurationMs)) {
			return nil, fmt.Errorf("workflow: growth: points with %d and %d sweeps last %g and %g ms (want distinct sweeps, longer with more)",
				out[i-1].Sweeps, g.Sweeps, out[i-1].DurationMs, g.DurationMs)
		}
		for _, c := range []struct {
			name string
			xs   []float64
		}{{"contraction", g.Contraction}, {"NRMSE", g.NRMSE}, {"calibration error", g.CalibrationError}} {
			if len(c.xs) != p {
				return nil, fmt.Errorf("workflow: growth: %d sweeps: %d %s values for %d parameters", g.Sweeps, len(c.xs), c.name, p)
			}
			for j, x := range c.xs {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("workflow: growth: %d sweeps: %s of parameter %d is %v", g.Sweeps, c.name, j, x)
				}
			}
		}
		for j, c := range g.Contraction {
			if c > 1 {
				return nil, fmt.Errorf("workflow: growth: %d sweeps: contraction %g of parameter %d exceeds 1", g.Sweeps, c, j)
			}
		}
	}
	return out, nil
}

// GrowthOf orders and checks points (see SortGrowthPoints) for the
// parameters names and warns for every parameter whose contraction falls by more than
// GrowthTolerance from one recording length to the next: more data should
// never leave the posterior wider.
func GrowthOf(names []string, points []GrowthPoint) (*GrowthResult, error) {
	pts, err := SortGrowthPoints(points, len(names))
	if err != nil {
		return nil, err
	}
	res := &GrowthResult{Names: slices.Clone(names), Points: pts}
	for j, name := range names {
		for i := 1; i < len(pts); i++ {
			a, b := pts[i-1], pts[i]
			if b.Contraction[j] < a.Contraction[j]-GrowthTolerance {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s: contraction falls from %.3f at %d sweeps (%g ms) to %.3f at %d sweeps (%g ms)",
					name, a.Contraction[j], a.Sweeps, a.DurationMs, b.Contraction[j], b.Sweeps, b.DurationMs))
			}
		}
	}
	return res, nil
}

// WriteCSV writes one row per point and parameter: sweeps, duration_ms,
// parameter, contraction, nrmse, calibration_error.
func (r *GrowthResult) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"sweeps", "duration_ms", "parameter", "contraction", "nrmse", "calibration_error"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	for _, g := range r.Points {
		for j, name := range r.Names {
			cw.Write([]string{strconv.Itoa(g.Sweeps), f(g.DurationMs), name, f(g.Contraction[j]), f(g.NRMSE[j]), f(g.CalibrationError[j])})
		}
	}
	cw.Flush()
	return cw.Error()
}

// Figure draws contraction and NRMSE against recording length, one line
// per parameter.
func (r *GrowthResult) Figure() (*plots.Figure, error) {
	lengths := make([]float64, len(r.Points))
	for i, g := range r.Points {
		lengths[i] = g.DurationMs
	}
	lines := make([]plots.GrowthLine, len(r.Names))
	for j, name := range r.Names {
		lines[j].Param = plots.Param{Name: name, Unit: neuron.Units[name]}
		for _, g := range r.Points {
			lines[j].Contraction = append(lines[j].Contraction, g.Contraction[j])
			lines[j].NRMSE = append(lines[j].NRMSE, g.NRMSE[j])
		}
	}
	return plots.Growth(lengths, lines)
}
