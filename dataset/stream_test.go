package dataset

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// writeTo writes s as name in dir and returns the path.
func writeTo(t *testing.T, s *Set, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// sameRows fails unless got holds exactly the rows of want.
func sameRows(t *testing.T, label string, got, want *Set) {
	t.Helper()
	if got.N != want.N || got.Meta.Start != want.Meta.Start {
		t.Fatalf("%s: %d rows from %d, want %d from %d", label, got.N, got.Meta.Start, want.N, want.Meta.Start)
	}
	if !slices.Equal(got.Theta, want.Theta) || !slices.Equal(got.Traces, want.Traces) || !slices.Equal(got.Stats, want.Stats) {
		t.Fatalf("%s: the rows differ from the set's", label)
	}
}

// TestStreamOverShardsReadsTheWholeRun streams three shards, given out of
// order, and checks that every range of rows and every scan gives the
// values of the unsharded run, bit for bit.
func TestStreamOverShardsReadsTheWholeRun(t *testing.T) {
	t.Parallel()
	whole := simulate(t, 9, 0, 40, 0, 0)
	dir := t.TempDir()
	paths := []string{
		writeTo(t, simulate(t, 9, 25, 15, 40, 0), dir, "c.npz"),
		writeTo(t, simulate(t, 9, 0, 10, 40, 0), dir, "a.npz"),
		writeTo(t, simulate(t, 9, 10, 15, 40, 0), dir, "b.npz"),
	}
	s, err := OpenStream(paths)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.N != 40 || s.P != whole.P || s.T != whole.T || s.S != whole.S() {
		t.Fatalf("stream of N=%d P=%d T=%d S=%d, want 40, %d, %d, %d", s.N, s.P, s.T, s.S, whole.P, whole.T, whole.S())
	}
	if got := s.Paths(); got[0] != paths[1] || got[2] != paths[0] {
		t.Fatalf("files in row order: %v", got)
	}
	all, err := s.Rows(0, 40)
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "rows 0-39", all, whole)
	across, err := s.Rows(8, 27) // spans all three files
	if err != nil {
		t.Fatal(err)
	}
	want, _ := whole.Slice(8, 27)
	sameRows(t, "rows 8-26", across, want)

	var theta []float64
	var obs, stats []float32
	var starts []int
	if err := s.ScanTheta(7, func(lo int, v []float64) error {
		starts = append(starts, lo)
		theta = append(theta, v...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanObservations(7, func(_ int, v []float32) error { obs = append(obs, v...); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanStats(7, func(_ int, v []float32) error { stats = append(stats, v...); return nil }); err != nil {
		t.Fatal(err)
	}
	// Chunks of 7 restart at each file: 10 = 7 + 3, 15 = 7 + 7 + 1, twice.
	if wantStarts := []int{0, 7, 10, 17, 24, 25, 32, 39}; !slices.Equal(starts, wantStarts) {
		t.Fatalf("scan chunks start at %v, want %v", starts, wantStarts)
	}
	if !slices.Equal(theta, whole.Theta) || !slices.Equal(obs, whole.Traces) || !slices.Equal(stats, whole.Stats) {
		t.Fatal("a scan differs from the set's arrays")
	}
}

// TestStreamConvertsStoredTypes reads rows of traces stored as float64
// (converted to float32 through the buffer, from an offset) as Read does.
func TestStreamConvertsStoredTypes(t *testing.T) {
	t.Parallel()
	set, _ := tiny(t)
	wide := make([]float64, len(set.Traces))
	for i, v := range set.Traces {
		wide[i] = float64(v)
	}
	entries := replace(tinyEntries(t), "traces.npy", npyOf(t, wide, set.N, set.T))
	path := filepath.Join(t.TempDir(), "wide.npz")
	if err := os.WriteFile(path, zipOf(t, entries), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := OpenStream([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Rows(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := set.Slice(1, 3)
	sameRows(t, "rows 1-2 of float64 traces", got, want)
}

// TestStreamRefusesWhatItCannotRead checks the errors of shards that do
// not tile one run and of arrays that cannot be read at an offset, and
// that a damaged value or checksum is caught.
func TestStreamRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := writeTo(t, simulate(t, 9, 0, 10, 40, 0), dir, "a.npz")
	gap := writeTo(t, simulate(t, 9, 12, 5, 40, 0), dir, "gap.npz")
	seed := writeTo(t, simulate(t, 8, 10, 5, 40, 0), dir, "seed.npz")
	set, _ := tiny(t)
	file := func(name string, entries []zipEntry) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, zipOf(t, entries), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	entries := tinyEntries(t)
	var traces []byte
	for _, e := range entries {
		if e.name == "traces.npy" {
			traces = slices.Clone(e.data)
		}
	}
	compressed := slices.Clone(entries)
	for i := range compressed {
		if compressed[i].name == "traces.npy" {
			compressed[i].method = zip.Deflate
		}
	}
	nan := slices.Clone(traces)
	row2 := len(traces) - set.T*4 // the third row's first value
	copy(nan[row2:], []byte{0, 0, 0xc0, 0x7f})
	cases := []struct {
		name  string
		paths []string
		want  string
	}{
		{"gap", []string{a, gap}, "gap or overlap at simulation 10"},
		{"another seed", []string{a, seed}, "has seed 8"},
		{"no metadata", []string{file("nometa.npz", without(entries, "meta.npy"))}, "no laa metadata"},
		{"compressed", []string{file("deflated.npz", compressed)}, "compressed, which cannot be read a row at a time"},
		{"NaN in a row", []string{file("nan.npz", replace(entries, "traces.npy", nan))}, "row 2, column 0 is NaN"},
	}
	for _, c := range cases {
		s, err := OpenStream(c.paths)
		if err == nil {
			_, err = s.Rows(0, s.N)
			s.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}

	// A refused range leaves the rows appended before it as they were, so
	// the next append lines up with them.
	s, err := OpenStream([]string{file("nan2.npz", replace(entries, "traces.npy", nan))})
	if err != nil {
		t.Fatal(err)
	}
	var dst Set
	if err := s.AppendRows(&dst, 0, 1); err != nil {
		t.Fatalf("row 0: %v", err)
	}
	if err := s.AppendRows(&dst, 2, 3); err == nil {
		t.Fatal("row 2 (NaN) was appended")
	}
	if err := s.AppendRows(&dst, 1, 2); err != nil {
		t.Fatalf("row 1: %v", err)
	}
	s.Close()
	if dst.N != 2 || len(dst.Theta) != 2*dst.P || len(dst.Traces) != 2*dst.T {
		t.Fatalf("after a refused row: N %d, %d theta and %d trace values, want N 2, %d and %d", dst.N, len(dst.Theta), len(dst.Traces), 2*dst.P, 2*dst.T)
	}
	if !slices.Equal(dst.Theta, set.Theta[:2*set.P]) || !slices.Equal(dst.Traces, set.Traces[:2*set.T]) {
		t.Fatal("after a refused row: rows 0 and 1 differ from the set's")
	}

	// A stored entry whose bytes no longer match its checksum: rows read
	// at an offset cannot tell (a value changed to another finite value),
	// the scan through the zip reader does.
	changed := slices.Clone(traces)
	changed[len(changed)-1] ^= 0x01 // a bit of the last value's exponent: still finite
	raw := &zip.FileHeader{Method: zip.Store, CRC32: crcOf(traces), CompressedSize64: uint64(len(traces)), UncompressedSize64: uint64(len(traces))}
	damaged := slices.Clone(entries)
	for i := range damaged {
		if damaged[i].name == "traces.npy" {
			damaged[i] = zipEntry{name: "traces.npy", data: changed, raw: raw}
		}
	}
	s, err = OpenStream([]string{file("crc.npz", damaged)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Rows(0, s.N); err != nil {
		t.Fatalf("rows of a finite damaged entry: %v", err)
	}
	err = s.ScanObservations(2, func(int, []float32) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("scan of an entry with a wrong checksum: %v", err)
	}
}

// TestStreamScanChecksSupport checks a value outside its prior's support
// is refused by a scan, naming the row, as Read refuses it.
func TestStreamScanChecksSupport(t *testing.T) {
	t.Parallel()
	set, _ := tiny(t)
	theta := slices.Clone(set.Theta)
	theta[set.P+0] = -1 // row 1's first parameter, a positive quantity
	entries := replace(tinyEntries(t), "theta.npy", npyOf(t, theta, set.N, set.P))
	path := filepath.Join(t.TempDir(), "support.npz")
	if err := os.WriteFile(path, zipOf(t, entries), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil {
		t.Fatal("Read took a parameter outside its support; the test needs one it refuses")
	}
	s, err := OpenStream([]string{path}) // row 0 is valid
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.ScanTheta(2, func(int, []float64) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "theta row 1") {
		t.Fatalf("scan: %v", err)
	}
	if _, err := s.Rows(1, 2); err == nil || !strings.Contains(err.Error(), "outside the support") {
		t.Fatalf("rows: %v", err)
	}
}

// crcOf is the zip checksum of b.
func crcOf(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// FuzzStream reads arbitrary bytes as a stream: any input must end in
// rows or an error, never a panic; and a set that Read accepts streams to
// the same rows.
func FuzzStream(f *testing.F) {
	ents := smallEntries(f)
	f.Add(zipOf(f, ents))
	f.Add(zipOf(f, replace(ents, "traces.npy", npyRaw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 20), }", nil))))
	f.Add(zipOf(f, replace(ents, "theta.npy", npyRaw(2, "{'shape': (2, 5), 'fortran_order': False, 'descr': '>f8', }", ents[0].data[128:]))))
	f.Fuzz(func(t *testing.T, b []byte) {
		z, err := newNPZ(bytes.NewReader(b), int64(len(b)), "fuzz.npz")
		if err != nil {
			return
		}
		s, err := streamOf([]*NPZ{z})
		if err != nil {
			return
		}
		rows, rowsErr := s.Rows(0, s.N)
		s.ScanTheta(2, func(int, []float64) error { return nil })
		s.ScanObservations(2, func(int, []float32) error { return nil })
		s.ScanStats(2, func(int, []float32) error { return nil })
		set, err := readSet(z)
		if err != nil {
			return
		}
		if rowsErr != nil {
			t.Fatalf("Read accepts the set, Rows refuses it: %v", rowsErr)
		}
		if !slices.Equal(rows.Theta, set.Theta) || !slices.Equal(rows.Traces, set.Traces) || !slices.Equal(rows.Stats, set.Stats) {
			t.Fatal("the streamed rows differ from the set Read returns")
		}
	})
}

// TestStreamWarnsAsRead streams an older file whose stimulus is a path:
// the stimulus is embedded and the stream warns, naming the file, as Read
// does.
func TestStreamWarnsAsRead(t *testing.T) {
	t.Parallel()
	good, _ := tiny(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "stim.csv")
	os.WriteFile(csv, []byte("time_ms,current\n0,0\n50,0.5\n200,1\n350,1.5\n500,0\n"), 0o644)
	m := good.Meta
	m.Config.Stimulus = neuron.Stimulus{Kind: neuron.StimFile, File: csv}
	path := filepath.Join(dir, "legacy.npz")
	if err := os.WriteFile(path, zipOf(t, replace(tinyEntries(t), "meta.npy", metaOf(t, m))), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := OpenStream([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "legacy.npz: ") || !strings.Contains(s.Warnings[0], "stim.csv") {
		t.Fatalf("warnings %q", s.Warnings)
	}
	if st := s.Meta.Config.Stimulus; len(st.Levels) != 5 || st.Levels[3] != 1.5 {
		t.Fatalf("stimulus %+v not embedded", st)
	}
}
