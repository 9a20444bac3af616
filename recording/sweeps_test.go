package recording

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListSweepsNWB lists the fixtures' current-clamp sweeps (see
// testdata/make_nwb.py): their durations, rates and steps in words, with
// sweep 2's timestamps (100 s + k / 5 kHz) giving whole-sample step times.
func TestListSweepsNWB(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		file string
		want []SweepInfo
	}{
		{"nwb2_sweeps.nwb", []SweepInfo{
			{"data_00001_AD0", 1, 650, 10000, "mV", "pA", "0 -> 50 pA at 100 ms, 0 at 400 ms", true},
			{"data_00002_AD0", 2, 700, 5000, "mV", "pA", "0 -> -20 pA at 200 ms, 0 at 500 ms", true},
			{"data_00004_AD0", 4, 10, 10000, "mV", "", "no current recorded", false},
		}},
		{"allen_v1.nwb", []SweepInfo{{"Sweep_10", 10, 200, 20000, "mV", "pA", "0 -> 100 pA at 50 ms, 0 at 150 ms", true}}},
		{"good.nwb", []SweepInfo{{"sweep_1", 1, 700, 10000, "mV", "pA", "0 -> 50 pA at 50 ms, 100 at 200 ms, 150 at 350 ms, 0 at 500 ms", true}}},
	} {
		got, err := ListSweeps(filepath.Join("testdata", c.file), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d sweeps; want %d: %+v", c.file, len(got), len(c.want), got)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: sweep %d:\n got %+v\nwant %+v", c.file, i, got[i], c.want[i])
			}
		}
	}
}

// TestListSweepsCSV lists a CSV's single sweep, with and without a current
// column.
func TestListSweepsCSV(t *testing.T) {
	t.Parallel()
	got, err := ListSweeps(filepath.Join("testdata", "step_density.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := SweepInfo{"step_density.csv", -1, 10, 1000, "mV", "uA/cm2", "0 -> 0.5 uA/cm2 at 2 ms, 0 at 6 ms", true}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	path := filepath.Join(t.TempDir(), "v.csv")
	if err := os.WriteFile(path, []byte("time_ms,voltage_mV\n0,-65\n0.1,-65\n0.2,-64.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = ListSweeps(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want = SweepInfo{"v.csv", -1, 0.3, 10000, "mV", "", "no current recorded", false}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("without a current: got %+v; want %+v", got, want)
	}
	if _, err := ListSweeps(filepath.Join("testdata", "nounits.csv"), Options{}); err == nil {
		t.Fatal("no error for a CSV without units")
	}
}

// TestStepsText describes currents in words, rounded to their meaning.
func TestStepsText(t *testing.T) {
	t.Parallel()
	n := 2000
	tm := make([]float64, n)
	x := make([]float64, n)
	for k := range tm {
		tm[k] = float64(k) * 0.1
		switch {
		case tm[k] >= 20 && tm[k] < 120:
			x[k] = 149.99500000000012
		case tm[k] >= 139.99500000000012:
			x[k] = -30.0004
		}
	}
	if got, want := stepsText(tm, x, 0.1, "pA"), "0 -> 150 pA at 20 ms, 0 at 120 ms, -30 at 140 ms"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	for k := range x {
		x[k] = float64(k % 50)
	}
	if got, want := stepsText(tm, x, 0.1, "pA"), "varies from 0 to 49 pA (not a simple step protocol)"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

// TestListSweepsHostile lists the damaged and unusual NWB files of
// TestReadNWBHostile: no panic; a sweep that cannot be read is listed with
// the reason, and the readable ones are described.
func TestListSweepsHostile(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		file string
		want string // in the error or the sweep's Steps
	}{
		{"heap_1byte.nwb", "local heap data segment"},
		{"globalheap_fatal.nwb", "global heap collection"},
		{"dims_1e12.nwb", "unreadable: data: contiguous data: 4000000000000 bytes"},
		{"data2d.nwb", "unreadable: data has shape (7000, 2)"},
		{"ts2d.nwb", "unreadable: timestamps has shape (200, 2)"},
		{"stim2d.nwb", "unreadable: stimulus stim_1: data has shape (100, 2)"},
		{"cycle.nwb", "constant 100 pA"},
		{"cycle_latest.nwb", "constant 100 pA"},
		{"deep.nwb", "constant 100 pA"},
	} {
		got, err := ListSweeps(filepath.Join("testdata", c.file), Options{})
		if errors.Is(err, errHDF5Panic) {
			t.Errorf("%s: the HDF5 reader panicked: %v", c.file, err)
			continue
		}
		text := fmt.Sprint(err)
		for _, s := range got {
			text += "\n" + s.Steps
		}
		if !strings.Contains(text, c.want) {
			t.Errorf("%s: got %q (%+v); want %q", c.file, text, got, c.want)
		}
	}
}
