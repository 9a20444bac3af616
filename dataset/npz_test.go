package dataset

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// zipEntry is one entry of a crafted archive. With raw set, data is
// written as it is under the given header fields (method, sizes, CRC),
// true or not.
type zipEntry struct {
	name   string
	data   []byte
	method uint16
	raw    *zip.FileHeader
}

// zipOf builds an archive in memory.
func zipOf(t testing.TB, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		var w io.Writer
		var err error
		if e.raw != nil {
			fh := *e.raw
			fh.Name = e.name
			w, err = zw.CreateRaw(&fh)
		} else {
			w, err = zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readMem reads a data set from archive bytes.
func readMem(b []byte) (*Set, error) {
	z, err := newNPZ(bytes.NewReader(b), int64(len(b)), "mem.npz")
	if err != nil {
		return nil, err
	}
	return readSet(z)
}

var (
	tinyOnce  sync.Once
	tinyBytes []byte
	tinySet   *Set
	tinyErr   error
)

// tiny returns a valid data set of 3 default-protocol simulations and the
// bytes of its .npz (about 22 kB).
func tiny(t testing.TB) (*Set, []byte) {
	t.Helper()
	tinyOnce.Do(func() {
		sim, err := neuron.NewSimulator(neuron.Default())
		if err != nil {
			tinyErr = err
			return
		}
		if tinySet, tinyErr = Simulate(sim, SimulateOptions{Seed: 7, N: 3, Workers: 1}); tinyErr != nil {
			return
		}
		dir, err := os.MkdirTemp("", "laa-dataset-tiny")
		if err != nil {
			tinyErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "tiny.npz")
		if tinyErr = tinySet.Write(path); tinyErr == nil {
			tinyBytes, tinyErr = os.ReadFile(path)
		}
	})
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tinySet, tinyBytes
}

// tinyEntries returns the entries of the tiny data set's archive.
func tinyEntries(t testing.TB) []zipEntry {
	t.Helper()
	_, b := tiny(t)
	return entriesOf(t, b)
}

// entriesOf returns the entries of an archive.
func entriesOf(t testing.TB, b []byte) []zipEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []zipEntry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, zipEntry{name: f.Name, data: data})
	}
	return out
}

// replace returns entries with the named entry's data replaced.
func replace(entries []zipEntry, name string, data []byte) []zipEntry {
	out := slices.Clone(entries)
	for i := range out {
		if out[i].name == name {
			out[i].data = data
		}
	}
	return out
}

// without returns entries less the named one.
func without(entries []zipEntry, name string) []zipEntry {
	return slices.DeleteFunc(slices.Clone(entries), func(e zipEntry) bool { return e.name == name })
}

// npyOf encodes a float64 array with laa's writer.
func npyOf(t testing.TB, v []float64, shape ...int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeNpy(&buf, v, shape...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// metaOf encodes metadata as laa's 0-d string array.
func metaOf(t testing.TB, m Meta) []byte {
	t.Helper()
	text, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeNpy(&buf, string(text)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflated compresses data.
func deflated(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

// TestBadArchivesRefused builds, from a tiny valid data set, a small
// equivalent of every broken or hostile .npz of the bad-inputs list (and
// more), and checks each is refused with an error naming the problem.
func TestBadArchivesRefused(t *testing.T) {
	t.Parallel()
	good, _ := tiny(t)
	ents := tinyEntries(t)
	hdr := func(descr, shape string) string {
		return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	}
	meta := func(edit func(m *Meta)) []byte {
		m := good.Meta
		edit(&m)
		return metaOf(t, m)
	}
	theta := slices.Clone(good.Theta)
	theta[5] = -1 // row 1, C_m: outside its lognormal prior
	nanTheta := slices.Clone(good.Theta)
	nanTheta[7] = math.NaN()
	zeros := make([]byte, MinBombBytes+1<<20)
	bomb := deflated(t, zeros)
	payload := deflated(t, ents[0].data)
	for _, c := range []struct {
		name    string
		entries []zipEntry
		want    string
	}{
		{"claim_244_bytes", []zipEntry{{name: "theta.npy", data: npyRaw(1, hdr("<f4", "(100000000, 5)"), nil)}},
			`array "theta": shape (100000000, 5) of <f4 needs 2.0 GB but the entry holds 0 B after the header`},
		{"huge_traces_1e12", replace(ents, "traces.npy", npyRaw(1, hdr("<f4", "(1000000000000, 600)"), nil)),
			`array "traces": shape (1000000000000, 600) of <f4 needs 2.4 PB but the entry holds 0 B`},
		{"overflow_shape", replace(ents, "theta.npy", npyRaw(1, hdr("<f8", "(3689348814741910324, 5)"), make([]byte, 32))),
			"shape (3689348814741910324, 5) has more elements than fit in an int64"},
		{"hdr_no_newline", replace(ents, "theta.npy", []byte("\x93NUMPY\x01\x00\x0a\x00{abcdefghi")),
			`array "theta": .npy header: "{abcdefghi" is not a Python literal`},
		{"short data", replace(ents, "traces.npy", npyRaw(1, hdr("<f4", "(3, 600)"), make([]byte, 3*600*4-4))),
			"shape (3, 600) of <f4 needs 7.2 kB but the entry holds 7.2 kB"},
		{"dup_entries", append(slices.Clone(ents), zipEntry{name: "theta.npy", data: ents[0].data}),
			`two entries hold array "theta" (entry "theta.npy" repeats it)`},
		{"name with and without .npy", append(slices.Clone(ents), zipEntry{name: "theta", data: ents[0].data}),
			`two entries hold array "theta" (entry "theta" repeats it)`},
		{"zipbomb_meta", append(without(ents, "meta.npy"), zipEntry{name: "meta.npy", data: bomb,
			raw: &zip.FileHeader{Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(zeros), CompressedSize64: uint64(len(bomb)), UncompressedSize64: uint64(len(zeros))}}),
			"kB to 17.8 MB, more than MaxInflateRatio = 100 times (a zip bomb?)"},
		{"meta beyond MaxStringChars", replace(ents, "meta.npy", npyRaw(1, hdr(fmt.Sprintf("<U%d", MaxStringChars+1), "()"), nil)),
			"a string of 16777217 characters is longer than MaxStringChars = 16777216"},
		{"meta not a string", replace(ents, "meta.npy", ents[0].data), `array "meta": dtype <f8, want a unicode string`},
		{"two meta strings", replace(ents, "meta.npy", npyRaw(1, hdr("<U1", "(2,)"), make([]byte, 8))), "shape (2,), want one string"},
		{"int64 theta", replace(ents, "theta.npy", npyRaw(1, hdr("<i8", "(3, 5)"), make([]byte, 120))), `dtype "<i8" is not supported`},
		{"bzip2 entry", []zipEntry{{name: "theta.npy", data: []byte("BZh9"), raw: &zip.FileHeader{Method: 12, CompressedSize64: 4, UncompressedSize64: 4}}},
			"entry theta.npy uses compression method 12; only stored (0) and deflated (8) entries are read"},
		{"stored sizes disagree", []zipEntry{{name: "theta.npy", data: ents[0].data,
			raw: &zip.FileHeader{Method: zip.Store, CRC32: crc32.ChecksumIEEE(ents[0].data), CompressedSize64: uint64(len(ents[0].data)), UncompressedSize64: 1 << 30}}},
			"entry theta.npy is stored uncompressed but declares"},
		{"deflated size claims more", []zipEntry{{name: "theta.npy", data: payload,
			raw: &zip.FileHeader{Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(ents[0].data), CompressedSize64: uint64(len(payload)), UncompressedSize64: uint64(len(ents[0].data) + 1000)}}},
			"entry theta.npy is damaged (its data disagrees with the size of 1248 bytes or the checksum it declares): unexpected EOF"},
		{"deflated size claims less", []zipEntry{{name: "theta.npy", data: payload,
			raw: &zip.FileHeader{Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(ents[0].data), CompressedSize64: uint64(len(payload)), UncompressedSize64: uint64(len(ents[0].data) - 8)}}},
			"entry theta.npy is damaged (its data disagrees with the size of 240 bytes or the checksum it declares): zip: not a valid zip file"},
		{"bad checksum", []zipEntry{{name: "theta.npy", data: ents[0].data,
			raw: &zip.FileHeader{Method: zip.Store, CRC32: 12345, CompressedSize64: uint64(len(ents[0].data)), UncompressedSize64: uint64(len(ents[0].data))}}},
			"entry theta.npy is damaged (its data disagrees with the size of 248 bytes or the checksum it declares): zip: checksum error"},
		{"no theta", without(ents, "theta.npy"), `no array "theta" (has traces, time_ms, stimulus, stats, meta)`},
		{"theta 1-d", replace(ents, "theta.npy", npyOf(t, good.Theta, 15)), "theta has shape (15,), want (N, P)"},
		{"time 2-d", replace(ents, "time_ms.npy", npyOf(t, good.Time, 600, 1)), "time_ms has shape (600, 1), want (T,)"},
		{"T disagrees with meta", replace(replace(replace(ents,
			"traces.npy", npyRaw(1, hdr("<f4", "(3, 500)"), make([]byte, 3*500*4))),
			"time_ms.npy", npyOf(t, good.Time[:500], 500)),
			"stimulus.npy", npyOf(t, good.Stimulus[:500], 500)),
			"traces have 500 samples, but the configuration records 600"},
		{"impossible start", replace(ents, "meta.npy", meta(func(m *Meta) { m.Start = math.MaxInt - 1 })),
			"cannot be part of a run of 3"},
		{"negative total", replace(ents, "meta.npy", meta(func(m *Meta) { m.Total = -5 })), "cannot be part of a run of -5"},
		{"invalid config", replace(ents, "meta.npy", meta(func(m *Meta) { m.Config.RecordStepMs = 0 })), "metadata: config: record_step_ms = 0"},
		{"other format", replace(ents, "meta.npy", meta(func(m *Meta) { m.Format = "x" })), `metadata says format "x"`},
		{"names disagree", replace(ents, "meta.npy", meta(func(m *Meta) { m.Names = []string{"a", "b", "c", "d", "e"} })),
			"parameter names [a b c d e], but the model infers [C_m g_L E_L k V_thr]"},
		{"theta outside prior", replace(ents, "theta.npy", npyOf(t, theta, 3, 5)), "theta row 1: C_m = -1 is outside the support"},
		{"NaN theta", replace(ents, "theta.npy", npyOf(t, nanTheta, 3, 5)), `array "theta": row 1, column 2 is NaN`},
		{"stats of the wrong shape", replace(ents, "stats.npy", npyOf(t, make([]float64, 6), 3, 2)), "stats have shape (3, 2), want (3, 23)"},
		{"not a zip", []zipEntry(nil), "not a readable .npz archive"},
	} {
		b := zipOf(t, c.entries)
		if c.entries == nil {
			b = []byte("PK\x03\x04 not really")
		}
		s, err := readMem(b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
		if s != nil {
			t.Errorf("%s: a set came back with the error", c.name)
		}
	}
}

// TestLegitimateVariantsRead checks archives laa must read as numpy does:
// reordered header keys, other format versions, deflated entries
// (numpy.savez_compressed), bytes after an array's data, a Fortran-ordered
// traces array.
func TestLegitimateVariantsRead(t *testing.T) {
	t.Parallel()
	good, _ := tiny(t)
	ents := tinyEntries(t)
	thetaBody := ents[0].data[128:]
	fortran := make([]byte, 0, len(good.Traces)*4)
	for j := range good.T { // column-major: the first index runs fastest
		for i := range good.N {
			fortran = binary.LittleEndian.AppendUint32(fortran, math.Float32bits(good.Traces[i*good.T+j]))
		}
	}
	var deflate []zipEntry
	for _, e := range ents {
		deflate = append(deflate, zipEntry{name: e.name, data: e.data, method: zip.Deflate})
	}
	for _, c := range []struct {
		name    string
		entries []zipEntry
	}{
		{"reordered keys", replace(ents, "theta.npy", npyRaw(1, "{'shape': (3, 5), 'fortran_order': False, 'descr': '<f8', }", thetaBody))},
		{"version 2.0", replace(ents, "theta.npy", npyRaw(2, "{'descr':'<f8','fortran_order':False,'shape':(3,5)}", thetaBody))},
		{"version 3.0", replace(ents, "theta.npy", npyRaw(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 5)}", thetaBody))},
		{"trailing bytes", replace(ents, "theta.npy", append(slices.Clone(ents[0].data), "ignored as numpy ignores them"...))},
		{"deflated", deflate},
		{"fortran traces", replace(ents, "traces.npy", npyRaw(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 600), }", fortran))},
	} {
		s, err := readMem(zipOf(t, c.entries))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(s.Theta, good.Theta) || !slices.Equal(s.Traces, good.Traces) || !slices.Equal(s.Stats, good.Stats) || s.T != 600 {
			t.Errorf("%s: read other values", c.name)
		}
	}
}

// TestProtocolFromArrays checks the configuration of data sets without
// meta against the arrays they hold.
func TestProtocolFromArrays(t *testing.T) {
	t.Parallel()
	grid := func(n int, step float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i) * step
		}
		return v
	}
	// The default staircase over 900 samples: the default configuration, 900 ms.
	sim, _ := neuron.NewSimulator(func() neuron.Config { c := neuron.Default(); c.DurationMs = 900; return c }())
	cfg, desc, err := protocolFromArrays(grid(900, 1), sim.StimulusAtSamples(), 900)
	if err != nil {
		t.Fatal(err)
	}
	want := neuron.Default()
	want.DurationMs = 900
	if !configEqual(cfg, want) || cfg.NumSamples() != 900 || !strings.Contains(desc, "900 samples every 1 ms (900 ms), the default staircase") {
		t.Fatalf("default staircase over 900 samples: %+v, %q", cfg, desc)
	}
	// A 3 uA/cm2 step from 100 to 400 ms.
	step := make([]float64, 600)
	for i := 100; i < 400; i++ {
		step[i] = 3
	}
	cfg, desc, err = protocolFromArrays(grid(600, 1), step, 600)
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Stimulus; s.Kind != neuron.StimStep || s.Start != 100 || s.End != 400 || s.Amplitude != 3 || !strings.Contains(desc, "a step of 3 uA/cm2 from 100 to 400 ms") {
		t.Fatalf("step: %+v %q", s, desc)
	}
	// Sampled every 0.1 ms (10 kHz), with a staircase starting at 0 ms and
	// float32 times: the RK4 step becomes 0.1 ms, and the staircase holds.
	stair := make([]float64, 3000)
	times := grid(3000, 0.1)
	for i := range stair {
		stair[i] = float64(i/700) * 0.25
		times[i] = float64(float32(times[i]))
	}
	stair[0] = -0.5
	cfg, desc, err = protocolFromArrays(times, stair, 3000)
	if err != nil {
		t.Fatal(err)
	}
	sim, err = neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(cfg.DtMs-0.1) > 1e-12 || math.Abs(cfg.RecordStepMs-0.1) > 1e-9 || cfg.NumSamples() != 3000 || !closeTo(sim.StimulusAtSamples(), stair) ||
		cfg.Stimulus.Kind != neuron.StimStaircase || len(cfg.Stimulus.Times) != 6 || !strings.Contains(desc, "a staircase of 6 levels") {
		t.Fatalf("staircase at 10 kHz: %+v %q", cfg, desc)
	}
	// No current at all; a step lasting to the end.
	cfg, _, err = protocolFromArrays(grid(100, 2), make([]float64, 100), 100)
	if err != nil || cfg.Stimulus.Kind != neuron.StimStaircase || cfg.Stimulus.Levels[0] != 0 || cfg.DurationMs != 200 {
		t.Fatalf("no stimulus: %+v %v", cfg, err)
	}
	cfg, _, err = protocolFromArrays(grid(10, 2), []float64{0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, 10)
	if s := cfg.Stimulus; err != nil || s.Kind != neuron.StimStep || s.Start != 6 || s.End != 20 {
		t.Fatalf("step to the end: %+v %v", s, err)
	}
	// What cannot be a protocol.
	uneven := grid(600, 1)
	uneven[300] += 0.5
	late := grid(600, 1)
	for i := range late {
		late[i]++
	}
	for _, c := range []struct {
		name        string
		times, stim []float64
		T           int
		want        string
	}{
		{"lengths", grid(600, 1), make([]float64, 599), 600, "time_ms has 600 samples and stimulus 599, but the traces have 600"},
		{"one sample", []float64{0}, []float64{0}, 1, "at least 2 are needed"},
		{"uneven", uneven, make([]float64, 600), 600, "time_ms[300] = 300.5 ms is off the uniform grid"},
		{"starts late", late, make([]float64, 600), 600, "time_ms[0] = 1 ms is off the uniform grid"},
		{"decreasing", grid(600, -1), make([]float64, 600), 600, "it must increase"},
		{"too long", grid(2_000_000, 1), make([]float64, 2_000_000), 2_000_000, "MaxSamplesPerTrace"},
		{"huge current", grid(600, 1), append(make([]float64, 599), 1e12), 600, "MaxMagnitude"},
	} {
		if _, _, err := protocolFromArrays(c.times, c.stim, c.T); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}

// configEqual compares configurations through their JSON form.
func configEqual(a, b neuron.Config) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// statsTol is the relative difference allowed between statistics computed
// from float32 and from float64 traces.
const statsTol = 1e-3

// TestReadWithoutMeta reads numpy users' data sets (no meta): the trace
// length comes from traces and the protocol from time_ms and stimulus.
func TestReadWithoutMeta(t *testing.T) {
	t.Parallel()
	good, _ := tiny(t)
	ents := without(without(tinyEntries(t), "meta.npy"), "stats.npy")
	s, err := readMem(zipOf(t, ents))
	if err != nil {
		t.Fatal(err)
	}
	if !configEqual(s.Meta.Config, neuron.Default()) || s.Meta.Total != 3 || len(s.Warnings) != 1 ||
		!strings.Contains(s.Warnings[0], "no meta: the protocol was taken from the arrays time_ms and stimulus: 600 samples every 1 ms (600 ms), the default staircase") {
		t.Fatalf("default protocol: %+v %q", s.Meta, s.Warnings)
	}
	// The hand-made statistics are computed from the (float32) traces as
	// Simulate computes them from the float64 ones.
	if !slices.Equal(s.Meta.StatNames, good.Meta.StatNames) || len(s.Stats) != len(good.Stats) {
		t.Fatalf("statistics %v, want %v", s.Meta.StatNames, good.Meta.StatNames)
	}
	for i, v := range s.Stats {
		if w := good.Stats[i]; math.Abs(float64(v-w)) > statsTol*max(1, math.Abs(float64(w))) {
			t.Errorf("statistic %s of trace %d: %v from the float32 traces, %v from the simulation", s.Meta.StatNames[i%s.S()], i/s.S(), v, w)
		}
	}
	// 900 samples of a 3 uA/cm2 step.
	T := 900
	traces := make([]float64, 3*T)
	times, stim := make([]float64, T), make([]float64, T)
	for i := range T {
		times[i] = float64(i)
		if i >= 100 && i < 400 {
			stim[i] = 3
		}
	}
	for i := range traces {
		traces[i] = -65
	}
	var buf bytes.Buffer
	writeNpy(&buf, toFloat32(traces), 3, T)
	ents = replace(replace(replace(ents, "traces.npy", buf.Bytes()), "time_ms.npy", npyOf(t, times, T)), "stimulus.npy", npyOf(t, stim, T))
	s, err = readMem(zipOf(t, ents))
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Meta.Config; s.T != T || c.NumSamples() != T || c.Stimulus.Kind != neuron.StimStep || c.Stimulus.Amplitude != 3 || !slices.Equal(s.Theta, good.Theta) {
		t.Fatalf("900-sample step: T = %d, config %+v", s.T, c)
	}
	// Written back, it reads the same, now with meta and no warning.
	path := filepath.Join(t.TempDir(), "x.npz")
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil || !configEqual(back.Meta.Config, s.Meta.Config) || len(back.Warnings) != 0 {
		t.Fatalf("written back: %v %+v", err, back)
	}
	// Times that are not a grid are refused, naming the reason.
	times[5] = 5.5
	ents = replace(ents, "time_ms.npy", npyOf(t, times, T))
	if _, err := readMem(zipOf(t, ents)); err == nil || !strings.Contains(err.Error(), "no meta, and time_ms and stimulus do not give a protocol: time_ms[5] = 5.5 ms") {
		t.Fatalf("uneven times: %v", err)
	}
}

func toFloat32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// TestLegacyStimulusPath reads metadata whose stimulus is a path (older
// files): a regular file is embedded with a warning, /dev/zero refused.
func TestLegacyStimulusPath(t *testing.T) {
	t.Parallel()
	good, _ := tiny(t)
	ents := tinyEntries(t)
	csv := filepath.Join(t.TempDir(), "stim.csv")
	os.WriteFile(csv, []byte("time_ms,current\n0,0\n50,0.5\n200,1\n350,1.5\n500,0\n"), 0o644)
	legacy := func(path string) []byte {
		m := good.Meta
		m.Config.Stimulus = neuron.Stimulus{Kind: neuron.StimFile, File: path}
		return metaOf(t, m)
	}
	s, err := readMem(zipOf(t, replace(ents, "meta.npy", legacy(csv))))
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Meta.Config.Stimulus; len(st.Levels) != 5 || st.Levels[3] != 1.5 || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "stim.csv") {
		t.Fatalf("legacy stimulus: %+v, warnings %q", st, s.Warnings)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := readMem(zipOf(t, replace(ents, "meta.npy", legacy("/dev/zero")))); err == nil || !strings.Contains(err.Error(), "only a regular file is read") {
			t.Fatalf("/dev/zero: %v", err)
		}
	}
}

// TestValidateAndMergeRefuseImpossibleSets checks sizes and indices that
// overflow or cannot belong to a run: nothing that Merge or Write accepts
// is unreadable.
func TestValidateAndMergeRefuseImpossibleSets(t *testing.T) {
	t.Parallel()
	good, _ := tiny(t)
	clone := func(edit func(s *Set)) *Set {
		s, _ := good.Slice(0, good.N)
		edit(s)
		return s
	}
	for _, c := range []struct {
		name string
		set  *Set
		want string
	}{
		{"N*P overflows", clone(func(s *Set) { s.N = math.MaxInt/5 + 2; s.Meta.Total = math.MaxInt; s.Theta = s.Theta[:4] }), "theta has 4 values"},
		{"N*T overflows", clone(func(s *Set) { s.N = math.MaxInt / 3 }), "cannot be part of a run"},
		{"start near MaxInt", clone(func(s *Set) { s.Meta.Start = math.MaxInt - 1; s.Meta.Total = math.MaxInt }), "cannot be part of a run"},
		{"negative P", clone(func(s *Set) { s.P = -1 }), "negative size"},
		{"inf trace", clone(func(s *Set) { s.Traces[601] = float32(math.Inf(1)) }), `array "traces": row 1, column 1 is +Inf`},
		{"wrong T", clone(func(s *Set) { s.T = 599 }), "traces have 599 samples"},
	} {
		if err := c.set.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate: %v, want an error with %q", c.name, err, c.want)
		}
		if _, err := Merge([]*Set{c.set}); err == nil {
			t.Errorf("%s: merged", c.name)
		}
		if err := c.set.Write(filepath.Join(t.TempDir(), "x.npz")); err == nil {
			t.Errorf("%s: written", c.name)
		}
	}
	// Two shards whose starts overflow when added.
	a := clone(func(s *Set) { s.Meta.Start, s.Meta.Total = math.MaxInt-3, math.MaxInt })
	if _, err := Merge([]*Set{a, a}); err == nil || !strings.Contains(err.Error(), "gap or overlap") {
		t.Fatalf("overlapping shards at MaxInt: %v", err)
	}
}

// TestSimulateRefusesRunawayTraces checks that a prior which makes traces
// leave any physical range fails with the simulation's index and
// parameters instead of writing +-Inf.
func TestSimulateRefusesRunawayTraces(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	wide := neuron.Normal(-65, 1e8)
	cfg.Priors.EL = &wide
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Simulate(sim, SimulateOptions{Seed: 1, N: 4, Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "simulation ") || !strings.Contains(err.Error(), "E_L") {
		t.Fatalf("runaway traces: %v, want an error naming the simulation and its parameters", err)
	}
	t.Log(err)
}
