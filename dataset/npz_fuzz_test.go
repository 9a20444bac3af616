package dataset

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// smallEntries returns the entries of a valid data set of 2 simulations of
// 20 samples (4 kB, most of it the metadata).
func smallEntries(t testing.TB) []zipEntry {
	t.Helper()
	cfg := neuron.Default()
	cfg.DurationMs = 20
	cfg.Stimulus = neuron.Stimulus{Kind: neuron.StimStep, Start: 5, End: 15, Amplitude: 1}
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Simulate(sim, SimulateOptions{Seed: 3, N: 2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "small.npz")
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return entriesOf(t, b)
}

// FuzzReadNPZ reads arbitrary bytes as a data set and as an archive of
// arrays: any input must end in a value or an error, never a panic, with
// allocation bounded by the input (MinBombBytes, MaxInflateRatio).
func FuzzReadNPZ(f *testing.F) {
	ents := smallEntries(f) // small seeds: the fuzzer minimizes what it finds, byte by byte
	var deflate []zipEntry
	for _, e := range ents {
		deflate = append(deflate, zipEntry{name: e.name, data: e.data, method: zip.Deflate})
	}
	f.Add(zipOf(f, ents))
	f.Add(zipOf(f, deflate))
	f.Add(zipOf(f, without(without(ents, "meta.npy"), "stats.npy"))) // a numpy user's set
	f.Add(zipOf(f, append(slices.Clone(ents), zipEntry{name: "theta.npy", data: ents[0].data})))
	f.Add(zipOf(f, replace(ents, "theta.npy", []byte("\x93NUMPY\x01\x00\x0a\x00{abcdefghi"))))
	f.Add(zipOf(f, replace(ents, "traces.npy", npyRaw(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1000000000000, 20), }", nil))))
	f.Add(zipOf(f, replace(ents, "theta.npy", npyRaw(2, "{'shape': (2, 5), 'fortran_order': True, 'descr': '>f8', }", ents[0].data[128:]))))
	for _, name := range []string{"claim_244_bytes.npz", "overflow_shape.npz", "layouts.npz"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		z, err := newNPZ(bytes.NewReader(b), int64(len(b)), "fuzz.npz")
		if err != nil {
			return
		}
		if s, err := readSet(z); err == nil {
			if err := s.Validate(); err != nil {
				t.Fatalf("a set that Read returns fails Validate: %v", err)
			}
		}
		for _, name := range z.names {
			z.Shape(name)
			z.Floats(name)
			z.Float32s(name)
			z.String(name)
		}
	})
}

// FuzzReadNPY reads arbitrary bytes as a .npy float array.
func FuzzReadNPY(f *testing.F) {
	for _, name := range []string{"v2.npy", "v3.npy"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(npyRaw(1, "{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3, 1), }", make([]byte, 24)))
	f.Add(npyRaw(1, "{'shape': (3689348814741910324, 5), 'fortran_order': False, 'descr': '<f8'}", make([]byte, 32)))
	f.Add(npyRaw(3, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2L,), }", make([]byte, 16)))
	f.Add(npyRaw(1, "{'descr': '<U3', 'fortran_order': False, 'shape': (), }", make([]byte, 12)))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, shape, err := readNPY(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if n, ok := product(shape); !ok || n != len(v) {
			t.Fatalf("shape %v for %d values", shape, len(v))
		}
	})
}
