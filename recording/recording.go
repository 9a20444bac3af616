// Package recording reads current-clamp recordings (CSV/TSV, NWB) and turns
// them into the model's input: a voltage trace in mV and an injected current
// density in uA/cm2 on the model's sampling grid.
//
// Reading checks the file and fixes only what is safe to fix: an isolated
// missing sample (NaN, Inf or an empty CSV cell) is interpolated linearly
// from its neighbours and reported in Warnings; two or more missing samples
// in a row are an error, as are a non-increasing time, a missing voltage or
// current channel and unknown units. Prepare then cuts the model's window,
// low-pass filters the voltage and resamples it to the grid, and samples the
// current; StimulusFromRecording turns that current into a clean
// piecewise-constant neuron.Stimulus.
//
// Axon ABF files are not read; export the sweep to CSV or NWB.
package recording

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/neuron"
)

// Recording is one current-clamp sweep as read from a file.
type Recording struct {
	TimeMs       []float64   // sample times, ms, strictly increasing (NWB: from the sweep's start)
	VoltageMV    []float64   // membrane potential, mV
	Current      []float64   // injected current, in CurrentUnit
	CurrentUnit  CurrentUnit // UnitDensity (uA/cm2) once converted, else the file's unit
	SampleRateHz float64     // 1 / median sampling interval
	Source       string      // the file and its format
	Sweep        string      // the sweep's name; empty for single-sweep formats
	Warnings     []string    // repairs made and things that look wrong
	// CurrentAssumed is true when the file holds no current and Current is
	// Options.AssumeStimulus, an assumed protocol (see AssumedCurrentNote).
	CurrentAssumed bool
}

// Options tell the readers what a file does not say. The zero value reads
// a self-describing file as it is.
type Options struct {
	// Units of CSV columns whose header gives none, e.g. "ms", "mV", "pA".
	// A unit given both here and in the header must agree.
	TimeUnit, VoltageUnit, CurrentUnit string
	// CSV column names (as in the header) when the header's names are not
	// recognized; empty means find the column by its name.
	TimeColumn, VoltageColumn, CurrentColumn string
	// Sweep selects an NWB sweep by its name or sweep number; it may be empty
	// when the file holds a single current-clamp sweep.
	Sweep string
	// Membrane, when given, converts an absolute current to uA/cm2.
	Membrane Membrane
	// AssumeStimulus, when given, is used as the injected current (uA/cm2,
	// times in ms from the recording's first sample) of a recording that
	// holds none: a CSV without a current column or an NWB sweep without a
	// stimulus series, which are otherwise refused. The recording is then
	// marked CurrentAssumed. A recorded current always wins (with a warning).
	AssumeStimulus *neuron.Stimulus
}

// AssumedCurrentNote says what an assumed current means for the fitted
// parameters, for a recording whose current was not recorded.
const AssumedCurrentNote = "the injected current was not recorded but assumed: C_m, g_L and G_act scale with the assumed current amplitude (and the membrane area it is divided by): a current twice as large gives values twice as large; E_L, k and V_thr do not depend on it"

// assumeCurrent fills r.Current from the stimulus s (uA/cm2, time from
// r's first sample) and marks r CurrentAssumed.
func assumeCurrent(r *Recording, s neuron.Stimulus) error {
	if len(r.TimeMs) == 0 {
		return errors.New("no samples")
	}
	c, err := s.Compile()
	if err != nil {
		return fmt.Errorf("the assumed stimulus: %w", err)
	}
	r.Current = make([]float64, len(r.TimeMs))
	for k, t := range r.TimeMs {
		r.Current[k] = c.At(t - r.TimeMs[0])
	}
	r.CurrentUnit, r.CurrentAssumed = UnitDensity, true
	r.Warnings = append(r.Warnings, "no current in the file: the given stimulus is assumed as the injected current ("+AssumedCurrentNote+")")
	return nil
}

// hdf5Signature starts every HDF5 (and so NWB) file.
var hdf5Signature = []byte("\x89HDF\r\n\x1a\n")

// Read reads a recording, choosing the reader by content and extension:
// HDF5 files (and .nwb, .h5, .hdf5) are read as NWB, .abf is refused, and
// anything else is read as delimited text (CSV, TSV or semicolon-separated).
// Only regular files are read.
func Read(path string, opt Options) (Recording, error) {
	head := make([]byte, len(hdf5Signature))
	f, err := inputfile.Open(path, -1, "")
	if err != nil {
		return Recording{}, fmt.Errorf("recording: %w", err)
	}
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	f.Close()
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case bytes.Equal(head, hdf5Signature) || ext == ".nwb" || ext == ".h5" || ext == ".hdf5":
		return ReadNWB(path, opt)
	case ext == ".abf":
		return Recording{}, fmt.Errorf("recording: %s: Axon ABF files are not supported; export the sweep to CSV (time_ms,voltage_mV,current_pA) or NWB", path)
	}
	return ReadCSV(path, opt)
}

// Validate checks that r is usable: equal lengths, at least two samples, a
// finite, strictly increasing time and finite voltage and current.
func (r Recording) Validate() error {
	n := len(r.TimeMs)
	if len(r.VoltageMV) != n || len(r.Current) != n {
		return fmt.Errorf("recording: %d times, %d voltages and %d currents; want equal lengths", n, len(r.VoltageMV), len(r.Current))
	}
	if n < 2 {
		return fmt.Errorf("recording: %d samples; need at least 2", n)
	}
	if err := checkTime(r.TimeMs); err != nil {
		return err
	}
	for _, ch := range []struct {
		name string
		x    []float64
	}{{"voltage", r.VoltageMV}, {"current", r.Current}} {
		for i, v := range ch.x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("recording: %s is not finite (%v) at t = %s ms (sample %d)", ch.name, v, fmtMs(r.TimeMs[i]), i)
			}
		}
	}
	return nil
}

// finish is the readers' common last step: repair isolated gaps, check time,
// find the sampling rate, flag implausible values and convert the current
// when a membrane is given.
func finish(r *Recording, m Membrane) error {
	if err := checkTime(r.TimeMs); err != nil {
		return err
	}
	for _, ch := range []struct {
		name string
		x    []float64
	}{{"voltage", r.VoltageMV}, {"current", r.Current}} {
		fixed, err := fillGaps(ch.name, r.TimeMs, ch.x)
		if err != nil {
			return err
		}
		if len(fixed) > 0 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: %d isolated missing sample(s) interpolated from their neighbours (first at t = %s ms)", ch.name, len(fixed), fmtMs(r.TimeMs[fixed[0]])))
		}
	}
	if err := r.Validate(); err != nil {
		return err
	}
	dt := make([]float64, len(r.TimeMs)-1)
	for i := range dt {
		dt[i] = r.TimeMs[i+1] - r.TimeMs[i]
	}
	sort.Float64s(dt)
	med := dt[len(dt)/2]
	r.SampleRateHz = 1000 / med
	if dt[0] < med*(1-irregularTol) || dt[len(dt)-1] > med*(1+irregularTol) {
		r.Warnings = append(r.Warnings, fmt.Sprintf("irregular sampling: intervals from %s to %s ms (median %s ms)", fmtSig(dt[0], 4), fmtSig(dt[len(dt)-1], 4), fmtSig(med, 4)))
	}
	v := append([]float64(nil), r.VoltageMV...)
	sort.Float64s(v)
	switch mv := math.Abs(v[len(v)/2]); {
	case mv < 1:
		r.Warnings = append(r.Warnings, fmt.Sprintf("median voltage %s mV is implausibly small: is the voltage in V rather than mV?", fmtSig(v[len(v)/2], 4)))
	case mv > 1000:
		r.Warnings = append(r.Warnings, fmt.Sprintf("median voltage %s mV is implausibly large: is the voltage in uV rather than mV?", fmtSig(v[len(v)/2], 4)))
	}
	if !m.IsZero() {
		if r.CurrentUnit == UnitDensity {
			r.Warnings = append(r.Warnings, "membrane area or capacitance ignored: the current is already in uA/cm2")
			return nil
		}
		c, err := r.ToDensity(m)
		if err != nil {
			return err
		}
		*r = c
	}
	return nil
}

// irregularTol is the relative spread of sampling intervals above which
// the sampling is reported as irregular.
const irregularTol = 0.01

// checkTime requires finite, strictly increasing times.
func checkTime(t []float64) error {
	for i, v := range t {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("recording: time is not finite (%v) at sample %d", v, i)
		}
		if i > 0 && !(v > t[i-1]) {
			return fmt.Errorf("recording: time is not increasing: %s ms at sample %d follows %s ms", fmtSig(v, 9), i, fmtSig(t[i-1], 9))
		}
	}
	return nil
}

// errGap is wrapped by the error for a run of missing samples.
var errGap = errors.New("only isolated missing samples are repaired")

// fillGaps replaces each isolated non-finite sample of x by linear
// interpolation in time between its neighbours (by its one neighbour at
// either end) and returns their indices. Two or more non-finite samples in a
// row are an error naming where the run starts.
func fillGaps(name string, t, x []float64) (fixed []int, err error) {
	bad := func(i int) bool { return i >= 0 && i < len(x) && (math.IsNaN(x[i]) || math.IsInf(x[i], 0)) }
	for i := 0; i < len(x); i++ {
		if !bad(i) {
			continue
		}
		if bad(i + 1) {
			j := i
			for bad(j) {
				j++
			}
			return nil, fmt.Errorf("recording: %s is missing (NaN, Inf or empty) at %d samples in a row from t = %s ms (sample %d): %w", name, j-i, fmtMs(t[i]), i, errGap)
		}
		switch {
		case len(x) == 1:
			return nil, fmt.Errorf("recording: %s is missing at its only sample", name)
		case i == 0:
			x[i] = x[1]
		case i == len(x)-1:
			x[i] = x[i-1]
		default:
			w := (t[i] - t[i-1]) / (t[i+1] - t[i-1])
			x[i] = x[i-1] + w*(x[i+1]-x[i-1])
		}
		fixed = append(fixed, i)
	}
	return fixed, nil
}
