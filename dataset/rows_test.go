package dataset

import (
	"os"
	"path/filepath"
	"slices"
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
