package recording

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadNWBHostile reads damaged and unusual NWB files: each must end in
// the error that names its problem, or read right. heap_1byte,
// globalheap_fatal and dims_1e12 (one changed byte or field of good.nwb)
// made the unforked HDF5 reader die of a fatal out-of-memory error.
func TestReadNWBHostile(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		file string
		want []string // in the error; none: reads sweep_1's 200 samples
	}{
		{"heap_1byte.nwb", []string{"local heap data segment", "2199023255640 bytes", "beyond the end of the file (37967 bytes)"}},
		{"globalheap_fatal.nwb", []string{"neurodata_type attribute of acquisition/sweep_1", "global heap collection", "549755817984 bytes"}},
		{"dims_1e12.nwb", []string{"sweep sweep_1", "contiguous data: 4000000000000 bytes", "(71904 bytes)"}},
		{"data2d.nwb", []string{"sweep sweep_1: data has shape (7000, 2)", "one-dimensional"}},
		{"ts2d.nwb", []string{"sweep sweep_1: timestamps has shape (200, 2)"}},
		{"stim2d.nwb", []string{"sweep sweep_1: stimulus stim_1: data has shape (100, 2)"}},
		{"cycle.nwb", nil},        // hard links back to /acquisition and /
		{"cycle_latest.nwb", nil}, // the same with new-style groups
		{"deep.nwb", nil},         // groups nested 300 deep, beyond MaxLinkDepth: skipped
	} {
		r, err := ReadNWB(filepath.Join("testdata", c.file), Options{})
		if errors.Is(err, errHDF5Panic) {
			t.Errorf("%s: the HDF5 reader panicked: %v", c.file, err)
			continue
		}
		if c.want == nil {
			if err != nil || r.Sweep != "sweep_1" || len(r.TimeMs) != 200 || r.VoltageMV[199] != -65 || !near(r.Current[0], 1e-10, exactTol) {
				t.Errorf("%s: got sweep %q, %d samples, error %v; want sweep_1, 200 samples at -65 mV and 0.1 nA", c.file, r.Sweep, len(r.TimeMs), err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", c.file)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", c.file, err, w)
			}
		}
	}
}

// TestNWBSweepsCycle lists the sweeps of a file with link cycles.
func TestNWBSweepsCycle(t *testing.T) {
	t.Parallel()
	got, err := NWBSweeps("testdata/cycle.nwb")
	want := NWBSweep{Name: "sweep_1", Number: 1, Stimulus: "stim_1", Samples: 200, RateHz: 10000}
	if err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("got %+v, %v; want [%+v]", got, err, want)
	}
}

// TestReadCSVQuotes reads CSVs with misplaced quotes: each is an error
// naming the line, never a panic.
func TestReadCSVQuotes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bare := filepath.Join(dir, "bare.csv")
	if err := os.WriteFile(bare, []byte("time_ms,voltage_mV,current_pA\n0,-65,0\n1,-6\"4,0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	header := filepath.Join(dir, "header.csv")
	if err := os.WriteFile(header, []byte("time_ms,\"voltage_mV,current_pA\n0,-65,0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"testdata/stray_quote.csv": "stray_quote.csv: line 3: a quote (\") opens a field that is never closed",
		bare:                       "bare.csv: line 3, column 5: a quote (\") inside a field",
		header:                     "header.csv: line 1: a quote (\") opens a field",
	} {
		_, err := Read(path, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v; want one saying %q", path, err, want)
		}
	}
}

// TestReadNotRegular refuses devices, pipes and folders before opening
// them for reading (a pipe would block, /dev/zero never end).
func TestReadNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pipe := filepath.Join(dir, "p.csv")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	nwbPipe := filepath.Join(dir, "p.nwb")
	if err := syscall.Mkfifo(nwbPipe, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/dev/zero": `"/dev/zero" is a device`,
		pipe:        `p.csv" is a named pipe`,
		nwbPipe:     `p.nwb" is a named pipe`,
		dir:         "is a folder",
	} {
		for _, read := range []func(string, Options) (Recording, error){Read, ReadCSV, ReadNWB} {
			_, err := read(path, Options{})
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v; want one saying %q", path, err, want)
			}
		}
	}
}

// TestCSVLimits checks MaxCSVRows's error on a small limit (package
// inputfile tests the size limit).
func TestCSVLimits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "big.csv")
	text := "time_ms,voltage_mV,current_pA\n0,-65,0\n1,-65,0\n2,-65,0\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := parseCSV([]byte(text), Options{}, 3); err != nil {
		t.Errorf("3 rows with a limit of 3: %v", err)
	}
	_, err := parseCSV([]byte(text), Options{}, 2)
	if err == nil || !strings.Contains(err.Error(), "line 4: more than MaxCSVRows = 2 data rows") {
		t.Errorf("row limit: %v", err)
	}
}
