package dataset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/model/gaussianlinear"
)

// TestOtherModelSetRoundTrip writes a set of a model that is not LAA (the
// linear Gaussian, vector observations) and reads it back unchanged, with
// its features the observations themselves (one array in the file).
func TestOtherModelSetRoundTrip(t *testing.T) {
	t.Parallel()
	lg, err := gaussianlinear.New(3, 10, 1, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SimulateModel(lg, SimulateOptions{Seed: 4, N: 50})
	if err != nil {
		t.Fatal(err)
	}
	if !s.IdentityFeatures() || s.S() != 10 || &s.Stats[0] != &s.Traces[0] {
		t.Fatalf("features: %d named %v, identity %v", s.S(), s.Meta.StatNames[:2], s.IdentityFeatures())
	}
	path := filepath.Join(t.TempDir(), "lg.npz")
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	z, err := OpenNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	hasX, hasTraces, hasStats := z.Has("x"), z.Has("traces"), z.Has("stats")
	z.Close()
	if !hasX || hasTraces || hasStats {
		t.Errorf("arrays: x %v, traces %v, stats %v; want x alone", hasX, hasTraces, hasStats)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Theta, s.Theta) || !slices.Equal(back.Traces, s.Traces) || !slices.Equal(back.Stats, s.Stats) || back.Meta.Model.Kind != "gaussian-linear" {
		t.Fatal("read back differs")
	}
	m, err := back.Model()
	if err != nil || m.Kind() != gaussianlinear.Kind {
		t.Fatalf("model %v, %v", m, err)
	}
}

// TestOtherModelShardsMergeByteIdentical simulates a run of 50 in two
// shards and merges them: the file is byte for byte the whole run's.
func TestOtherModelShardsMergeByteIdentical(t *testing.T) {
	t.Parallel()
	lg, _ := gaussianlinear.New(2, 5, 1, 0.3, 2)
	dir := t.TempDir()
	whole, err := SimulateModel(lg, SimulateOptions{Seed: 9, N: 50})
	if err != nil {
		t.Fatal(err)
	}
	a, err := SimulateModel(lg, SimulateOptions{Seed: 9, Start: 0, N: 20, Total: 50, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := SimulateModel(lg, SimulateOptions{Seed: 9, Start: 20, N: 30, Total: 50, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := Merge([]*Set{b, a})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*Set{"whole.npz": whole, "merged.npz": merged} {
		if err := s.Write(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := os.ReadFile(filepath.Join(dir, "whole.npz"))
	m, _ := os.ReadFile(filepath.Join(dir, "merged.npz"))
	if !bytes.Equal(w, m) {
		t.Fatal("merged shards differ from the whole run")
	}
}

// TestImport reads an .npz that another program wrote (theta and x, no
// metadata) with its model; without the model, or with the wrong one, the
// error says what is missing.
func TestImport(t *testing.T) {
	t.Parallel()
	lg, _ := gaussianlinear.New(3, 4, 1, 0.5, 3)
	s, err := SimulateModel(lg, SimulateOptions{Seed: 1, N: 8})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "foreign.npz")
	x := make([]float64, len(s.Traces))
	for i, v := range s.Traces {
		x[i] = float64(v)
	}
	if err := WriteNPZ(path, []Array{{"theta", s.Theta, []int{8, 3}}, {"x", x, []int{8, 4}}}); err != nil {
		t.Fatal(err)
	}
	got, err := Import(path, lg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Theta, s.Theta) || !slices.Equal(got.Traces, s.Traces) || got.Meta.Total != 8 {
		t.Fatal("imported set differs from the arrays written")
	}
	if _, err := Read(path); !errors.Is(err, ErrNeedsModel) {
		t.Errorf("Read without the model: %v, want ErrNeedsModel", err)
	}
	other, _ := gaussianlinear.New(2, 4, 1, 0.5, 3)
	if _, err := Import(path, other); err == nil || !strings.Contains(err.Error(), "theta has 3 columns, model gaussian-linear infers 2") {
		t.Errorf("wrong model: %v", err)
	}
	longer, _ := gaussianlinear.New(3, 5, 1, 0.5, 3)
	if _, err := Import(path, longer); err == nil || !strings.Contains(err.Error(), "observations have 4 values, model gaussian-linear declares 5") {
		t.Errorf("wrong length: %v", err)
	}
}
