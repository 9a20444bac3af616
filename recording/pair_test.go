package recording

import (
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// pairTol bounds the differences between the prepared CSV and NWB copies
// of one trace (testdata/make_pair.py): the same float32 numbers, scaled
// in a different order (pA to uA/cm2 against A to uA/cm2), differ in the
// last bit at most.
const pairTol = 1e-12

// TestCSVAndNWBAgree reads the three copies of one trace (CSV with times
// in s, NWB with a rate, NWB with timestamps at 1234.5 s) and prepares them
// on their own grid, on a 1 ms grid through the low-pass filter (with a
// window from 5 ms, so the filter's edges differ from the file's) and into
// a protocol configuration: voltages and currents agree within pairTol and
// the configurations and noise estimates are equal (on the 1 ms grid the
// baseline is too short for one: both refuse).
func TestCSVAndNWBAgree(t *testing.T) {
	t.Parallel()
	opt := Options{Membrane: Membrane{CapacitancePF: 100}}
	var recs []Recording
	for _, f := range []string{"pair.csv", "pair.nwb", "pair_ts.nwb"} {
		r, err := Read(filepath.Join("testdata", f), opt)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	grids := []PrepareOptions{
		{DurationMs: 150, RecordStepMs: 0.1},
		{StartMs: 5, DurationMs: 145, RecordStepMs: 1},
		{StartMs: 5, DurationMs: 145, RecordStepMs: 1, Filter: FilterBoxcar},
	}
	for _, g := range grids {
		var ps []Prepared
		for _, r := range recs {
			p, err := Prepare(r, g)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		for k := 1; k < len(ps); k++ {
			dv, di := maxDiff(ps[0].VoltageMV, ps[k].VoltageMV), maxDiff(ps[0].Current, ps[k].Current)
			df := maxDiff(ps[0].FineCurrent, ps[k].FineCurrent)
			t.Logf("grid %g ms from %g ms, filter %d: %s: max differences %.3g mV, %.3g uA/cm2", g.RecordStepMs, g.StartMs, g.Filter, recs[k].Source, dv, max(di, df))
			if dt := maxDiff(ps[0].FineTimeMs, ps[k].FineTimeMs); dt != 0 {
				t.Errorf("grid %+v: %s: sample times differ from the CSV's by up to %g ms", g, recs[k].Source, dt)
			}
			if dv > pairTol || di > pairTol || df > pairTol {
				t.Errorf("grid %+v: %s differs from the CSV by %g mV, %g uA/cm2 (grid) and %g uA/cm2 (fine); want <= %g", g, recs[k].Source, dv, di, df, pairTol)
			}
			n0, err0 := EstimateNoise(ps[0])
			nk, errk := EstimateNoise(ps[k])
			if (err0 == nil) != (errk == nil) || math.Abs(n0.SD-nk.SD) > pairTol || n0.Samples != nk.Samples {
				t.Errorf("grid %+v: noise %+v (%v) against %+v (%v)", g, n0, err0, nk, errk)
			}
		}
	}
	var js []string
	for _, r := range recs {
		cfg, err := ProtocolConfig(neuron.Default(), r, ProtocolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		js = append(js, string(b))
		if cfg.DurationMs != 150 || cfg.RecordStepMs != 0.1 {
			t.Errorf("%s: duration %g ms, step %g ms; want 150, 0.1", r.Source, cfg.DurationMs, cfg.RecordStepMs)
		}
		// 100 pA over 1e-4 cm2 (100 pF at 1 uF/cm2) is 1 uA/cm2.
		checkSlice(t, "levels", cfg.Stimulus.Levels, []float64{0, 1, 0}, 0)
		checkSlice(t, "breakpoints", cfg.Stimulus.Times, []float64{0, 20, 120}, 0)
	}
	for k := 1; k < len(js); k++ {
		if js[k] != js[0] {
			t.Errorf("%s gives another configuration than the CSV:\n%s\n%s", recs[k].Source, js[k], js[0])
		}
	}
}

// maxDiff is the largest |a_i - b_i|, +Inf for different lengths.
func maxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}
