package recording

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/scigolib/hdf5"
)

// NWBSweep is one current-clamp sweep of an NWB file: a CurrentClampSeries
// under /acquisition and its CurrentClampStimulusSeries under
// /stimulus/presentation.
type NWBSweep struct {
	Name     string  // the acquisition series' name, e.g. "data_00010_AD0" or "Sweep_10"
	Number   int     // its sweep_number attribute (or the N of a name ending in _N); -1 if none
	Stimulus string  // the paired stimulus series' name; empty if none was found
	Samples  int     // number of voltage samples
	RateHz   float64 // sampling rate; 0 when the series has timestamps instead
}

// nwbSeries is a series group found in the file.
type nwbSeries struct {
	NWBSweep
	g *hdf5.Group
}

// NWBSweeps lists the current-clamp sweeps of an NWB file (NWB 2, as
// pynwb, IPFX and DANDI write it, or NWB 1 as in the Allen Cell Types
// database), each with the stimulus series it pairs with.
func NWBSweeps(path string) (sweeps []NWBSweep, err error) {
	err = withHDF5(path, func(f *hdf5.File) error {
		acq, _, err := nwbIndex(f)
		for _, s := range acq {
			sweeps = append(sweeps, s.NWBSweep)
		}
		return err
	})
	return sweeps, err
}

// ReadNWB reads one current-clamp sweep of an NWB file, chosen by
// opt.Sweep (its name or number) unless the file has only one. Data are
// scaled by the data set's conversion (and offset) attributes into its
// unit attribute's unit (volts and amperes in NWB), then the voltage to mV;
// the current stays in that unit unless opt.Membrane is given. Time runs
// from 0 at the sweep's first sample.
//
// The data and timestamps must be one-dimensional; other shapes are
// refused, naming the series and its shape.
//
// The HDF5 reader is pure Go: a fork of github.com/scigolib/hdf5 in
// third_party/hdf5 that bounds what a damaged file can make it allocate by
// the file's size (docs/hdf5-fork.md). It reads the layouts that h5py,
// pynwb and the HDF5 1.8 format write (contiguous, compact, chunked with
// gzip); chunked data sets indexed the HDF5 1.10+ way (files written with
// libver="latest") fail with a B-tree error.
func ReadNWB(path string, opt Options) (rec Recording, err error) {
	err = withHDF5(path, func(f *hdf5.File) error {
		acq, stim, err := nwbIndex(f)
		if err != nil {
			return err
		}
		s, err := chooseSweep(acq, opt.Sweep)
		if err != nil {
			return err
		}
		if s.Stimulus == "" && opt.AssumeStimulus != nil {
			rec, err = readVoltage(s)
			if err != nil {
				return fmt.Errorf("sweep %s: %w", s.Name, err)
			}
		} else if s.Stimulus == "" {
			return fmt.Errorf("sweep %s has no CurrentClampStimulusSeries under /stimulus/presentation to pair with (by sweep_number or name); the injected current is needed to fit the model, or a protocol to assume in its place", s.Name)
		} else if rec, err = readSweep(s, stim[s.Stimulus]); err != nil {
			return fmt.Errorf("sweep %s: %w", s.Name, err)
		}
		version, _ := attributes(f.Root()).str("nwb_version")
		rec.Source = fmt.Sprintf("%s (NWB %s)", path, version)
		return nil
	})
	if err != nil {
		return Recording{}, err
	}
	if err := applyAssumed(&rec, opt); err != nil {
		return Recording{}, fmt.Errorf("recording: %s: sweep %s: %w", path, rec.Sweep, err)
	}
	if err := finish(&rec, opt.Membrane); err != nil {
		return Recording{}, fmt.Errorf("%w (in %s, sweep %s)", err, path, rec.Sweep)
	}
	return rec, nil
}

// nwbIndex finds the current-clamp series under /acquisition and the
// current-clamp stimulus series under /stimulus/presentation (also in NWB
// 1's timeseries subgroup) and pairs them.
func nwbIndex(f *hdf5.File) (acq []nwbSeries, stim map[string]nwbSeries, err error) {
	stim = map[string]nwbSeries{}
	acq, damaged := seriesIn(f.Root(), "acquisition", "CurrentClampSeries")
	stimList, _ := seriesIn(child(f.Root(), "stimulus"), "presentation", "CurrentClampStimulusSeries")
	for _, s := range stimList {
		stim[s.Name] = s
	}
	if len(acq) == 0 && damaged != nil {
		return nil, nil, fmt.Errorf("no readable CurrentClampSeries under /acquisition: %w", damaged)
	}
	if len(acq) == 0 {
		return nil, nil, errors.New("no CurrentClampSeries under /acquisition (is it an NWB current-clamp file?)")
	}
	for i := range acq {
		a := &acq[i]
		if _, ok := stim[a.Name]; ok {
			a.Stimulus = a.Name
			continue
		}
		var match []string
		for _, s := range stimList {
			if a.Number >= 0 && s.Number == a.Number {
				match = append(match, s.Name)
			}
		}
		switch {
		case len(match) == 1:
			a.Stimulus = match[0]
		case len(acq) == 1 && len(stimList) == 1:
			a.Stimulus = stimList[0].Name
		}
	}
	return acq, stim, nil
}

// seriesIn lists the groups of type typ in parent/name and in
// parent/name/timeseries (NWB 1). It also returns the first error met
// reading a group's type, to explain a damaged file where none is found.
func seriesIn(parent *hdf5.Group, name, typ string) (out []nwbSeries, damaged error) {
	g := child(parent, name)
	if g == nil {
		return nil, nil
	}
	groups := append([]hdf5.Object(nil), g.Children()...)
	if ts := child(g, "timeseries"); ts != nil {
		groups = append(groups, ts.Children()...)
	}
	for _, o := range groups {
		sg, ok := o.(*hdf5.Group)
		if !ok {
			continue
		}
		attrs := attributes(sg)
		if !isType(attrs, typ) {
			if _, err := attrs.value("neurodata_type"); err != nil && attrs["neurodata_type"] != nil && damaged == nil {
				damaged = fmt.Errorf("the neurodata_type attribute of %s/%s cannot be read: %w", name, sg.Name(), err)
			}
			continue
		}
		s := nwbSeries{NWBSweep: NWBSweep{Name: sg.Name(), Number: -1}, g: sg}
		if v, ok := attrs.float("sweep_number"); ok {
			s.Number = int(v)
		} else if m := trailingNumber.FindStringSubmatch(s.Name); m != nil {
			s.Number, _ = strconv.Atoi(m[1])
		}
		if d := h5dataset(sg, "data"); d != nil {
			if shape, err := d.Shape(); err == nil && len(shape) > 0 && shape[0] <= math.MaxInt32 {
				s.Samples = int(shape[0])
			}
		}
		if st := h5dataset(sg, "starting_time"); st != nil {
			s.RateHz, _ = attributes(st).float("rate")
		}
		out = append(out, s)
	}
	return out, damaged
}

// trailingNumber reads N from names such as Sweep_10.
var trailingNumber = regexp.MustCompile(`^[A-Za-z]+_0*(\d+)$`)

// isType reports whether a group with attributes attrs is an NWB series of
// type typ: by its neurodata_type (NWB 2) or its ancestry (NWB 1).
func isType(attrs attrSet, typ string) bool {
	if t, ok := attrs.str("neurodata_type"); ok && t == typ {
		return true
	}
	v, err := attrs.value("ancestry")
	if err != nil {
		return false
	}
	switch a := v.(type) {
	case string:
		return a == typ
	case []string:
		for _, s := range a {
			if s == typ {
				return true
			}
		}
	}
	return false
}

// chooseSweep picks the sweep named (or numbered) by want; with want empty,
// the only sweep. It lists the sweeps when the choice is ambiguous or wrong.
func chooseSweep(acq []nwbSeries, want string) (nwbSeries, error) {
	list := func() string {
		var b strings.Builder
		for i, s := range acq {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s.Name)
			if s.Number >= 0 {
				fmt.Fprintf(&b, " (sweep %d)", s.Number)
			}
		}
		return b.String()
	}
	if want == "" {
		if len(acq) == 1 {
			return acq[0], nil
		}
		return nwbSeries{}, fmt.Errorf("%d current-clamp sweeps; choose one by name or number: %s", len(acq), list())
	}
	for _, s := range acq {
		if s.Name == want {
			return s, nil
		}
	}
	if n, err := strconv.Atoi(want); err == nil {
		var match []nwbSeries
		for _, s := range acq {
			if s.Number == n {
				match = append(match, s)
			}
		}
		switch len(match) {
		case 1:
			return match[0], nil
		case 0:
		default:
			return nwbSeries{}, fmt.Errorf("sweep number %d is ambiguous; choose by name: %s", n, list())
		}
	}
	return nwbSeries{}, fmt.Errorf("no current-clamp sweep %q; the file has: %s", want, list())
}

// readSweep reads the voltage and current of a paired sweep.
func readSweep(a, s nwbSeries) (Recording, error) {
	v, _, err := readData(a.g, qVoltage)
	if err != nil {
		return Recording{}, err
	}
	i, iu, err := readData(s.g, qCurrent)
	if err != nil {
		return Recording{}, fmt.Errorf("stimulus %s: %w", s.Name, err)
	}
	t, rate, err := readTime(a.g, len(v))
	if err != nil {
		return Recording{}, err
	}
	rec := Recording{TimeMs: t, VoltageMV: v, Current: i, CurrentUnit: iu.current, Sweep: a.Name}
	if _, srate, err := readTime(s.g, len(i)); err == nil && rate > 0 && srate > 0 && math.Abs(srate-rate) > 1e-6*rate {
		return Recording{}, fmt.Errorf("the voltage is sampled at %s Hz but stimulus %s at %s Hz", fmtSig(rate, 6), s.Name, fmtSig(srate, 6))
	}
	if len(i) != len(v) {
		n := min(len(i), len(v))
		rec.Warnings = append(rec.Warnings, fmt.Sprintf("voltage has %d samples and stimulus %s has %d; both cut to %d", len(v), s.Name, len(i), n))
		rec.TimeMs, rec.VoltageMV, rec.Current = t[:n], v[:n], i[:n]
	}
	if d := h5dataset(a.g, "bias_current"); d != nil {
		if b, err := d.Read(); err == nil && len(b) == 1 && b[0] != 0 && !math.IsNaN(b[0]) {
			rec.Warnings = append(rec.Warnings, fmt.Sprintf("the sweep records a bias current of %.4g pA, which the stimulus series does not include and was not added", b[0]*1e12))
		}
	}
	return rec, nil
}

// readVoltage reads the voltage of a sweep without a stimulus series.
func readVoltage(a nwbSeries) (Recording, error) {
	v, _, err := readData(a.g, qVoltage)
	if err != nil {
		return Recording{}, err
	}
	t, _, err := readTime(a.g, len(v))
	if err != nil {
		return Recording{}, err
	}
	return Recording{TimeMs: t, VoltageMV: v, Sweep: a.Name}, nil
}

// readData reads a series' data set scaled by its conversion and offset
// attributes into the unit named by its unit attribute (volts or amperes
// when it has none), then a voltage to mV; it returns that unit.
func readData(g *hdf5.Group, q quantity) ([]float64, unit, error) {
	d := h5dataset(g, "data")
	if d == nil {
		return nil, unit{}, errors.New("no data set 'data'")
	}
	x, err := read1D(d)
	if err != nil {
		return nil, unit{}, err
	}
	attrs := attributes(d)
	conv, ok := attrs.float("conversion")
	if !ok {
		conv = 1
	}
	off, _ := attrs.float("offset")
	us, ok := attrs.str("unit")
	if !ok {
		us = map[quantity]string{qVoltage: "volts", qCurrent: "amperes"}[q]
	}
	u, err := parseUnitOf(q, us)
	if err != nil {
		return nil, unit{}, fmt.Errorf("data: %w", err)
	}
	// One factor, so that mV stored with conversion 1e-3 come back as they
	// were (1e-3 * 1000 is exactly 1), as a CSV of the same values reads.
	scale := u.scale
	if scale == 0 {
		scale = 1
	}
	f, o := conv*scale, off*scale
	for k := range x {
		x[k] = x[k]*f + o
	}
	return x, u, nil
}

// readTime returns n sample times in ms from the series' start, from
// starting_time and its rate attribute or from timestamps (seconds), and
// the rate when given.
func readTime(g *hdf5.Group, n int) ([]float64, float64, error) {
	t := make([]float64, n)
	if st := h5dataset(g, "starting_time"); st != nil {
		rate, ok := attributes(st).float("rate")
		if !ok || !(rate > 0) || math.IsInf(rate, 0) {
			return nil, 0, fmt.Errorf("starting_time has no valid rate attribute (got %v)", rate)
		}
		for k := range t {
			t[k] = float64(k) * 1000 / rate
		}
		return t, rate, nil
	}
	ts := h5dataset(g, "timestamps")
	if ts == nil {
		return nil, 0, errors.New("neither starting_time nor timestamps")
	}
	x, err := read1D(ts)
	if err != nil {
		return nil, 0, err
	}
	if len(x) < n {
		return nil, 0, fmt.Errorf("%d timestamps for %d samples", len(x), n)
	}
	for k := range t {
		t[k] = (x[k] - x[0]) * 1000
	}
	return t, 0, nil
}

// read1D reads a data set that must be one-dimensional, as the data and
// timestamps of an NWB time series are: other shapes are refused, not
// flattened (a 2-D array read as one trace would be twice as long).
func read1D(d *hdf5.Dataset) ([]float64, error) {
	shape, err := d.Shape()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name(), err)
	}
	if len(shape) != 1 {
		return nil, fmt.Errorf("%s has shape %s; a time series' %s must be one-dimensional (one value per sample)", d.Name(), shapeString(shape), d.Name())
	}
	x, err := d.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name(), err)
	}
	return x, nil
}

// shapeString writes a shape as numpy does: (), (7000,), (3500, 2).
func shapeString(shape []uint64) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, n := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, n)
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}
