package recording

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/scigolib/hdf5"

	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/neuron"
)

// SweepInfo describes one current-clamp sweep of a file, for a listing.
type SweepInfo struct {
	Name        string  `json:"name"`        // NWB: the acquisition series; CSV: the file's name
	Number      int     `json:"number"`      // the sweep number; -1 if none
	DurationMs  float64 `json:"duration_ms"` // samples times the sampling interval
	RateHz      float64 `json:"rate_hz"`     // sampling rate
	VoltageUnit string  `json:"voltage_unit"`
	CurrentUnit string  `json:"current_unit"` // empty without a current
	// Steps is the current's protocol in words, e.g.
	// "0 -> 150 pA at 20 ms, 0 at 120 ms".
	Steps      string `json:"steps"`
	HasCurrent bool   `json:"has_current"`
}

// maxListedSteps is the most level changes SweepInfo.Steps spells out.
const maxListedSteps = 12

// ListSweeps lists the current-clamp sweeps of a recording: every one of
// an NWB file (with its paired stimulus, read to describe its steps; a
// sweep that cannot be read is listed with the reason in Steps), or the
// single sweep of a CSV/TSV file. Voltages are listed in mV and currents
// in pA (uA/cm2 when the file gives a density); opt's units and columns
// apply to CSV files, opt.Sweep and opt.Membrane are not used.
func ListSweeps(path string, opt Options) ([]SweepInfo, error) {
	f, err := inputfile.Open(path, -1, "")
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	head := make([]byte, len(hdf5Signature))
	n, _ := io.ReadFull(f, head)
	f.Close()
	ext := strings.ToLower(filepath.Ext(path))
	if bytes.Equal(head[:n], hdf5Signature) || ext == ".nwb" || ext == ".h5" || ext == ".hdf5" {
		return listNWB(path)
	}
	opt.Sweep, opt.Membrane = "", Membrane{}
	rec, err := Read(path, opt)
	hasCurrent := true
	if err != nil && opt.AssumeStimulus == nil {
		// Perhaps only the current is missing: list the voltage.
		o := opt
		o.AssumeStimulus = &neuron.Stimulus{Kind: neuron.StimStaircase, Times: []float64{0}, Levels: []float64{0}}
		if r, e := Read(path, o); e == nil {
			rec, err, hasCurrent = r, nil, false
		}
	}
	if err != nil {
		return nil, err
	}
	if rec.CurrentAssumed {
		hasCurrent = false
	}
	info := describe(rec.TimeMs, rec.Current, rec.CurrentUnit, hasCurrent)
	info.Name, info.Number = filepath.Base(path), -1
	return []SweepInfo{info}, nil
}

// listNWB lists every current-clamp sweep of an NWB file.
func listNWB(path string) (out []SweepInfo, err error) {
	err = withHDF5(path, func(f *hdf5.File) error {
		acq, stim, err := nwbIndex(f)
		if err != nil {
			return err
		}
		for _, s := range acq {
			var rec Recording
			var rerr error
			if s.Stimulus != "" {
				rec, rerr = readSweep(s, stim[s.Stimulus])
			} else {
				rec, rerr = readVoltage(s)
			}
			info := SweepInfo{Name: s.Name, Number: s.Number, RateHz: s.RateHz, VoltageUnit: "mV", HasCurrent: s.Stimulus != ""}
			if rerr == nil {
				rerr = checkTime(rec.TimeMs)
			}
			if rerr != nil {
				info.Steps = "unreadable: " + rerr.Error()
			} else {
				info = describe(rec.TimeMs, rec.Current, rec.CurrentUnit, s.Stimulus != "")
				info.Name, info.Number = s.Name, s.Number
			}
			out = append(out, info)
		}
		return nil
	})
	return out, err
}

// describe summarizes a sweep's time base and current. The current is
// shown in pA when absolute, in uA/cm2 when a density.
func describe(t, current []float64, u CurrentUnit, hasCurrent bool) SweepInfo {
	info := SweepInfo{VoltageUnit: "mV", HasCurrent: hasCurrent, Steps: "no current recorded"}
	if len(t) < 2 {
		return info
	}
	dt := medianStep(t)
	if n := len(t); n > 1 {
		// The mean step follows timestamps better over a long sweep.
		dt = (t[n-1] - t[0]) / float64(n-1)
	}
	info.RateHz = roundSig(1000/dt, 6)
	info.DurationMs = roundSig(float64(len(t))*dt, 6)
	if !hasCurrent {
		return info
	}
	x, unitName := current, string(u)
	if a := u.amperes(); !math.IsNaN(a) {
		x = make([]float64, len(current))
		for i, v := range current {
			x[i] = v * a / 1e-12
		}
		unitName = "pA"
	}
	info.CurrentUnit = unitName
	info.Steps = stepsText(t, x, dt, unitName)
	return info
}

// stepsText describes a piecewise-constant current in words.
func stepsText(t, x []float64, dt float64, unitName string) string {
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo == 0 {
		return "constant " + fmtSig(lo, 4) + " " + unitName
	}
	// Merge within 2 % of the range or five times the noise.
	tol := max(0.02*(hi-lo), 5*noiseSD(x))
	n := len(t)
	p := Prepared{FineTimeMs: make([]float64, n), FineCurrent: x, DurationMs: float64(n) * dt}
	for i := range t {
		p.FineTimeMs[i] = t[i] - t[0]
	}
	s, err := StimulusFromRecording(p, dt, tol)
	if err != nil {
		return "not a step protocol"
	}
	scale := max(math.Abs(lo), math.Abs(hi))
	quantum := math.Pow(10, math.Floor(math.Log10(scale))-2)
	var times, levels []float64
	for j := range s.Times {
		l := math.Round(s.Levels[j]/quantum) * quantum
		if k := len(levels); k > 0 && levels[k-1] == l {
			continue
		}
		times, levels = append(times, s.Times[j]), append(levels, l)
	}
	if len(levels) > maxListedSteps+1 {
		return fmt.Sprintf("varies from %s to %s %s (not a simple step protocol)", fmtSig(lo, 4), fmtSig(hi, 4), unitName)
	}
	var b strings.Builder
	unitShown := false
	level := func(l float64) string {
		if l == 0 || unitShown {
			return fmtSig(l, 4)
		}
		unitShown = true
		return fmtSig(l, 4) + " " + unitName
	}
	b.WriteString(level(levels[0]))
	for j := 1; j < len(levels); j++ {
		sep := ", "
		if j == 1 {
			sep = " -> "
		}
		fmt.Fprintf(&b, "%s%s at %s ms", sep, level(levels[j]), fmtSig(roundTo(times[j], dt), 6))
	}
	if len(levels) == 1 {
		return "constant " + b.String()
	}
	return b.String()
}

// roundTo rounds v to a multiple of q (and to 12 digits).
func roundTo(v, q float64) float64 { return clean(math.Round(v/q) * q) }
