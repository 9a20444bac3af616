package dataset

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestWriteRows: rows written as .npy read back as the same matrix, as CSV
// with 9 significant digits under the header; a ragged row is refused.
func TestWriteRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows := [][]float64{{1, -65.123456789, 1e-7}, {0.1, 2, 123456789.5}}
	npy := filepath.Join(dir, "d.npy")
	if err := WriteRowsNPY(npy, rows, 3); err != nil {
		t.Fatal(err)
	}
	flat, shape, err := ReadNPY(npy)
	if err != nil || !slices.Equal(shape, []int{2, 3}) || !slices.Equal(flat, slices.Concat(rows...)) {
		t.Errorf("read back %v %v (%v), want %v", flat, shape, err, rows)
	}
	csv := filepath.Join(dir, "d.csv")
	if err := WriteRowsCSV(csv, []string{"a", "b", "c"}, rows); err != nil {
		t.Fatal(err)
	}
	want := "a,b,c\n1,-65.1234568,1e-07\n0.1,2,123456790\n"
	if b, _ := os.ReadFile(csv); string(b) != want {
		t.Errorf("CSV:\n%s\nwant\n%s", b, want)
	}
	if err := WriteRowsNPY(npy, [][]float64{{1, 2}, {3}}, 2); err == nil || !strings.Contains(err.Error(), "a row of 1 values, want 2") {
		t.Errorf("ragged rows: %v", err)
	}
}

// TestEncodeTraceCSV checks that a simulation written as a recording's CSV
// holds the header and, per sample, the time, the voltage to the float32
// bit and the stimulus; and that a row outside the set is an error.
func TestEncodeTraceCSV(t *testing.T) {
	set, _ := tiny(t)
	var b bytes.Buffer
	if err := set.EncodeTraceCSV(&b, 2); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if lines[0] != TraceCSVHeader || len(lines) != set.T+1 {
		t.Fatalf("header %q and %d lines, want %q and %d", lines[0], len(lines), TraceCSVHeader, set.T+1)
	}
	for k, line := range lines[1:] {
		f := strings.Split(line, ",")
		tm, _ := strconv.ParseFloat(f[0], 64)
		v, _ := strconv.ParseFloat(f[1], 32)
		i, _ := strconv.ParseFloat(f[2], 64)
		if len(f) != 3 || tm != set.Time[k] || float32(v) != set.Traces[2*set.T+k] || i != set.Stimulus[k] {
			t.Fatalf("line %d %q, want time %v, voltage %v, current %v", k+2, line, set.Time[k], set.Traces[2*set.T+k], set.Stimulus[k])
		}
	}
	if err := set.EncodeTraceCSV(&b, set.N); err == nil {
		t.Errorf("trace %d of a set of %d was written", set.N, set.N)
	}
}
