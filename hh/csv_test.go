package hh

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// TestWriteCSVRoundTrip writes a trace and reads it back exactly.
func TestWriteCSVRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.csv")
	tr, err := Simulate(Subthreshold(), mustCompile(t, neuron.DefaultStaircase()), Settings{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.WriteCSV(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != CSVHeader || len(lines) != len(tr.Time)+1 {
		t.Fatalf("header %q and %d lines, want %q and %d", lines[0], len(lines), CSVHeader, len(tr.Time)+1)
	}
	for r, line := range lines[1:] {
		f := strings.Split(line, ",")
		for k, want := range []float64{tr.Time[r], tr.V[r], tr.I[r]} {
			got, err := strconv.ParseFloat(f[k], 64)
			if err != nil || got != want {
				t.Fatalf("row %d column %d: %q, want %v", r+1, k+1, f[k], want)
			}
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the directory, want only the CSV", len(ents))
	}
}

// TestWriteCSVErrors checks that bad columns are errors and leave no file.
func TestWriteCSVErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.csv")
	for _, c := range [][3][]float64{
		{nil, nil, nil},
		{{0, 1}, {1}, {0, 0}},
		{{0}, {math.NaN()}, {0}},
		{{0}, {0}, {math.Inf(1)}},
	} {
		if err := WriteCSV(path, c[0], c[1], c[2]); err == nil {
			t.Errorf("WriteCSV(%v) gave no error", c)
		}
	}
	if err := WriteCSV(filepath.Join(dir, "missing", "x.csv"), []float64{0}, []float64{0}, []float64{0}); err == nil {
		t.Error("WriteCSV into a missing directory gave no error")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("%d files left behind", len(ents))
	}
}
