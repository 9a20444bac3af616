package dataset

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npyRaw builds a .npy stream of format version major.0 from a header
// dictionary (padded as numpy pads it) and a body.
func npyRaw(major byte, header string, body []byte) []byte {
	lenBytes := 2
	if major > 1 {
		lenBytes = 4
	}
	header += strings.Repeat(" ", (64-(8+lenBytes+len(header)+1)%64)%64) + "\n"
	b := []byte{0x93, 'N', 'U', 'M', 'P', 'Y', major, 0}
	if major > 1 {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	}
	return append(append(b, header...), body...)
}

// f8 encodes values as float64 in the given byte order.
func f8(order binary.AppendByteOrder, v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = order.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func TestHeaderParsedAsNumpyParsesIt(t *testing.T) {
	t.Parallel()
	body := f8(binary.LittleEndian, 1, 2, 3, 4, 5, 6)
	for _, hdr := range []string{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
		"{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
		"{ \"fortran_order\" :False,'shape':(2,3,),'descr':'<f8' ,}",
		"{'descr':'<f8',\n 'fortran_order': False, # a comment\n 'shape': (2L, 3L)}",
		"{'descr': '=f8', 'fortran_order': False, 'shape': (2, 3)}",
		"{'descr': '|f8', 'fortran_order': False, 'shape': (+2, 3)}",
		"{'descr': '<f8', 'fortran_order': False, 'shape': ((2), 3)}",
	} {
		for _, major := range []byte{1, 2, 3} {
			if major == 3 && strings.Contains(hdr, "L,") {
				continue // the L suffix is Python 2's, allowed before version 3.0
			}
			v, shape, err := readNPY(bytes.NewReader(npyRaw(major, hdr, body)), 1<<20)
			if err != nil {
				t.Fatalf("version %d.0, %s: %v", major, hdr, err)
			}
			if !slices.Equal(shape, []int{2, 3}) || !slices.Equal(v, []float64{1, 2, 3, 4, 5, 6}) {
				t.Fatalf("version %d.0, %s: read %v %v", major, hdr, shape, v)
			}
		}
	}
}

func TestBadHeadersRefused(t *testing.T) {
	t.Parallel()
	body := f8(binary.LittleEndian, 1, 2)
	for _, c := range []struct{ hdr, want string }{
		{"{abcdefghi", "not a Python literal"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} extra", "after the dictionary"},
		{"{'descr': '<f8', 'fortran_order': False}", "want exactly descr, fortran_order and shape"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", "want exactly"},
		{"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", "appears twice"},
		{"{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "not True or False"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2)}", "not a tuple"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': [2]}", "not a tuple"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", "negative dimension"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (True,)}", "not an integer"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", "larger than an int64"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3689348814741910324, 5)}", "more elements than fit in an int64"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,)}", "more bytes than fit in an int64"},
		{"{'descr': '<i8', 'fortran_order': False, 'shape': (2,)}", `dtype "<i8" is not supported`},
		{"{'descr': '<f2', 'fortran_order': False, 'shape': (2,)}", `dtype "<f2" is not supported`},
		{"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}", "structured arrays are not"},
		{"{'descr': '<U-3', 'fortran_order': False, 'shape': ()}", "not a valid unicode"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (01,)}", "not a decimal integer"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': " + strings.Repeat("(", 40) + strings.Repeat(")", 40) + "}", "nested more than"},
		{"{'descr': '<f8\\n', 'fortran_order': False, 'shape': (2,)}", "escape"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", "no ',' or '}'"},
	} {
		_, _, err := readNPY(bytes.NewReader(npyRaw(1, c.hdr, body)), 1<<20)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.hdr, err, c.want)
		}
	}
	// Framing: magic, version, header length.
	good := npyRaw(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", body)
	long := append([]byte("\x93NUMPY\x02\x00"), binary.LittleEndian.AppendUint32(nil, MaxNPYHeaderBytes+1)...)
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{append([]byte("\x93NUMPZ"), good[6:]...), "not a .npy array"},
		{append([]byte("\x93NUMPY\x04\x00"), good[8:]...), "version 4.0 is not supported"},
		{long, "longer than MaxNPYHeaderBytes = 10000"},
		{good[:30], "header (118 bytes): the data ends early"},
		{good[:5], "not a .npy array: the data ends early"},
		{good[:len(good)-1], "needs 16 B but the file holds 15 B"},
	} {
		_, _, err := readNPY(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q...: %v, want an error with %q", c.b[:min(len(c.b), 12)], err, c.want)
		}
	}
}

// TestFortranOrderAnyRank checks the transpose against the definition:
// element (i0, ..., ik) of a Fortran array sits at i0 + d0 (i1 + d1 (...)).
func TestFortranOrderAnyRank(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		shape := make([]int, 1+trial%5)
		for d := range shape {
			shape[d] = rng.IntN(4) // zeros included
		}
		n, _ := product(shape)
		c := make([]float64, n) // the C-order answer
		for k := range c {
			c[k] = float64(k)
		}
		f := make([]float64, n) // the same array stored in Fortran order
		idx := make([]int, len(shape))
		for k := range n {
			rem := k // k is the C index: split it into idx
			for d := len(shape) - 1; d >= 0; d-- {
				idx[d], rem = rem%shape[d], rem/shape[d]
			}
			off, mul := 0, 1
			for d := range shape {
				off += idx[d] * mul
				mul *= shape[d]
			}
			f[off] = c[k]
		}
		hdr := "{'descr': '>f8', 'fortran_order': True, 'shape': " + ShapeString(shape) + "}"
		got, gotShape, err := readNPY(bytes.NewReader(npyRaw(1, hdr, f8(binary.BigEndian, f...))), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c) || !slices.Equal(gotShape, shape) {
			t.Fatalf("shape %v: read %v, want %v", shape, got, c)
		}
	}
}

// TestNumpyLayouts reads the arrays numpy wrote in Fortran order and
// big-endian (testdata/make_npy_fixtures.py) and compares each with the
// C-ordered little-endian copy numpy wrote next to it.
func TestNumpyLayouts(t *testing.T) {
	t.Parallel()
	checkLayouts(t, "testdata")
	checkNPYVersions(t, "testdata", -0.5218375063367878)
}

// TestNumpyLayoutsFixtureScript runs the fixture script under numpy and
// checks its fresh output the same way (skipped without numpy, except
// under CI=true).
func TestNumpyLayoutsFixtureScript(t *testing.T) {
	t.Parallel()
	py := python(t)
	dir := t.TempDir()
	out, err := exec.Command(py, filepath.Join("testdata", "make_npy_fixtures.py"), dir).CombinedOutput()
	if err != nil {
		t.Fatalf("fixture script: %v\n%s", err, out)
	}
	checkLayouts(t, dir)
	checkNPYVersions(t, dir, -0.5218375063367878)
}

func checkLayouts(t *testing.T, dir string) {
	t.Helper()
	z, err := OpenNPZ(filepath.Join(dir, "layouts.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, name := range []string{"f4_fortran", "f8_big", "f8_big_fortran3", "f4_big_fortran", "f8_fortran4"} {
		got, shape, err := z.Floats(name)
		if err != nil {
			t.Fatal(err)
		}
		want, wantShape, err := z.Floats(name + "_c")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(shape, wantShape) || !slices.Equal(got, want) {
			t.Errorf("%s: read %v %v, numpy reads %v %v", name, shape, got, wantShape, want)
		}
		if strings.HasPrefix(name, "f4") { // and as float32, no detour
			g32, _, err := z.Float32s(name)
			if err != nil {
				t.Fatal(err)
			}
			for i := range g32 {
				if float64(g32[i]) != want[i] {
					t.Fatalf("%s as float32: element %d is %v, want %v", name, i, g32[i], want[i])
				}
			}
		}
	}
	const text = "h\u00e9llo \u2713 \U0001d11e"
	for _, name := range []string{"u_big", "u_little", "u_1d"} {
		s, err := z.String(name)
		if err != nil || s != text {
			t.Errorf("%s: read %q, %v, want %q", name, s, err, text)
		}
	}
	if _, err := z.String("f8_big"); err == nil || !strings.Contains(err.Error(), "want a unicode string") {
		t.Errorf("a float array read as a string: %v", err)
	}
	if _, _, err := z.Floats("u_big"); err == nil || !strings.Contains(err.Error(), "want float32 or float64") {
		t.Errorf("a string read as floats: %v", err)
	}
}

func checkNPYVersions(t *testing.T, dir string, last float64) {
	t.Helper()
	for _, f := range []string{"v2.npy", "v3.npy"} {
		v, shape, err := ReadNPY(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(shape, []int{3, 2}) || v[5] != last {
			t.Errorf("%s: shape %v, last value %v, want (3, 2) and %v", f, shape, v[len(v)-1], last)
		}
	}
}

func TestReadNPYFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.npy")
	want := []float64{1.5, -2, 3e-300, 4}
	if err := WriteNPY(path, want, 2, 2); err != nil {
		t.Fatal(err)
	}
	got, shape, err := ReadNPY(path)
	if err != nil || !slices.Equal(got, want) || !slices.Equal(shape, []int{2, 2}) {
		t.Fatalf("round trip: %v %v %v", got, shape, err)
	}
	b, _ := os.ReadFile(path)
	os.WriteFile(path, append(b, "trailing bytes are ignored, as numpy ignores them"...), 0o644)
	if got, _, err := ReadNPY(path); err != nil || !slices.Equal(got, want) {
		t.Fatalf("with trailing bytes: %v %v", got, err)
	}
	os.WriteFile(path, b[:len(b)-3], 0o644)
	if _, _, err := ReadNPY(path); err == nil || !strings.Contains(err.Error(), "needs 32 B but the file holds 29 B") {
		t.Fatalf("truncated: %v", err)
	}
	nan := npyRaw(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}", f8(binary.LittleEndian, 1, 2, math.NaN(), 4))
	os.WriteFile(path, nan, 0o644)
	if _, _, err := ReadNPY(path); err == nil || !strings.Contains(err.Error(), "row 1, column 0 is NaN") {
		t.Fatalf("NaN: %v", err)
	}
	if _, _, err := ReadNPY(dir); err == nil || !strings.Contains(err.Error(), "only a regular file is read") {
		t.Fatalf("a directory: %v", err)
	}
	if _, _, err := ReadNPY(filepath.Join("testdata", "missing.npy")); err == nil {
		t.Fatal("a missing file was read")
	}
}

func TestSizeString(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {999, "999 B"}, {1000, "1.0 kB"}, {2_400_128, "2.4 MB"}, {999_960, "1.0 MB"}, {2_400_000_000_000_000, "2.4 PB"}, {math.MaxInt64, "9.2 EB"}} {
		if got := sizeString(c.n); got != c.want {
			t.Errorf("sizeString(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
