package dataset

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/inputfile"
)

// Array is one named array of an .npz archive: Data is []float64,
// []float32 or string.
type Array struct {
	Name  string
	Data  any
	Shape []int
}

// WriteNPZ writes arrays as an uncompressed .npz (what numpy.savez writes),
// atomically: to a temporary file in the same directory, renamed into place
// only when complete. Entries carry no timestamps, so equal arrays give
// equal bytes.
func WriteNPZ(path string, arrays []Array) (err error) {
	return atomicfile.Write(path, func(f *os.File) error {
		zw := zip.NewWriter(f)
		for _, a := range arrays {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store})
			if err != nil {
				return err
			}
			if err := writeNpy(w, a.Data, a.Shape...); err != nil {
				return fmt.Errorf("array %s: %w", a.Name, err)
			}
		}
		return zw.Close()
	})
}

// Limits on reading .npz archives.
const (
	// MaxInflateRatio is the most a deflated entry larger than
	// MinBombBytes may expand: float arrays deflate to 50-95 % of their
	// size, while a zip bomb expands about 1,000 times.
	MaxInflateRatio = 100
	// MinBombBytes is the uncompressed size up to which an entry may
	// expand by any ratio (a small array of zeros deflates 1,000 times).
	MinBombBytes = 16 << 20
	// MaxStringChars is the longest string array read (the metadata of a
	// data set, a few thousand characters), in characters.
	MaxStringChars = 16 << 20
)

// NPZ reads arrays from an .npz written by laa or by numpy.savez or
// numpy.savez_compressed. It trusts no size the archive declares: entries
// are read through readers bounded by their declared sizes, checked against
// them and their checksums, and no array is allocated before the archive is
// known to hold its data.
type NPZ struct {
	path    string
	file    *os.File    // nil when reading from memory
	at      io.ReaderAt // the archive's bytes (file, or memory)
	size    int64
	entries map[string]*zip.File // by array name (entry name without .npy)
	names   []string             // array names in archive order
}

// OpenNPZ opens an .npz archive. Two entries with one array name ("x" and
// "x", or "x" and "x.npy") are refused: numpy would read one of them and
// laa another.
func OpenNPZ(path string) (*NPZ, error) {
	f, err := inputfile.Open(path, -1, "")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	z, err := newNPZ(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	z.file = f
	return z, nil
}

// newNPZ reads the archive directory of r (size bytes); path labels errors.
func newNPZ(r io.ReaderAt, size int64, path string) (*NPZ, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // entry names are never used as paths
		return nil, fmt.Errorf("open %s: not a readable .npz archive (truncated or another format?): %w", path, err)
	}
	z := &NPZ{path: path, at: r, size: size, entries: map[string]*zip.File{}}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if _, dup := z.entries[name]; dup {
			return nil, fmt.Errorf("open %s: two entries hold array %q (entry %q repeats it); refusing an ambiguous archive", path, name, f.Name)
		}
		z.entries[name] = f
		z.names = append(z.names, name)
	}
	return z, nil
}

// Close releases the archive.
func (z *NPZ) Close() error {
	if z.file == nil {
		return nil
	}
	return z.file.Close()
}

// Has reports whether the archive holds the named array.
func (z *NPZ) Has(name string) bool { return z.entries[name] != nil }

// entry returns the zip entry of array name after checking what can be
// checked without reading it: a supported compression, declared sizes that
// fit in the archive, and no zip bomb.
func (z *NPZ) entry(name string) (*zip.File, error) {
	f := z.entries[name]
	if f == nil {
		return nil, fmt.Errorf("no array %q (has %s)", name, strings.Join(z.names, ", "))
	}
	c, u := f.CompressedSize64, f.UncompressedSize64
	switch {
	case f.Flags&1 != 0:
		return nil, fmt.Errorf("entry %s is encrypted", f.Name)
	case f.Method != zip.Store && f.Method != zip.Deflate:
		return nil, fmt.Errorf("entry %s uses compression method %d; only stored (0) and deflated (8) entries are read", f.Name, f.Method)
	case f.Method == zip.Store && c != u:
		return nil, fmt.Errorf("entry %s is stored uncompressed but declares %d bytes compressed and %d uncompressed", f.Name, c, u)
	case c > uint64(z.size) || u > math.MaxInt64/2:
		return nil, fmt.Errorf("entry %s declares %s but the archive holds %s", f.Name, sizeString(int64(min(u, math.MaxInt64))), sizeString(z.size))
	case f.Method == zip.Deflate && u > MinBombBytes && u/MaxInflateRatio > c:
		return nil, fmt.Errorf("entry %s would inflate from %s to %s, more than MaxInflateRatio = %d times (a zip bomb?)",
			f.Name, sizeString(int64(c)), sizeString(int64(u)), MaxInflateRatio)
	}
	off, err := f.DataOffset()
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", f.Name, err)
	}
	if off < 0 || off > z.size-int64(c) {
		return nil, fmt.Errorf("entry %s declares %s of data but the archive ends before it does", f.Name, sizeString(int64(c)))
	}
	return f, nil
}

// read opens array name, parses its header, passes it to check (when not
// nil), checks that its data fits in the entry, and hands decode a reader
// positioned at the data. With decode nil it stops there; otherwise it
// reads the entry to its end, so that its declared size and checksum are
// checked.
func (z *NPZ) read(name string, check func(h *npyHeader) error, decode func(h *npyHeader, r io.Reader) error) error {
	err := z.readEntry(name, check, decode)
	if err != nil {
		return fmt.Errorf("%s: array %q: %w", z.path, name, err)
	}
	return nil
}

// readEntry does read's work; its errors lack the path and array name.
// An error of the zip layer (a checksum, or data longer or shorter than
// the entry declares) is reported as such, whatever the decoder made of it.
func (z *NPZ) readEntry(name string, check func(h *npyHeader) error, decode func(h *npyHeader, r io.Reader) error) (err error) {
	f, err := z.entry(name)
	if err != nil {
		return err
	}
	declared := int64(f.UncompressedSize64)
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	cr := &countingReader{r: io.LimitReader(rc, declared+1)}
	defer func() {
		if err != nil && cr.err != nil {
			err = fmt.Errorf("entry %s is damaged (its data disagrees with the size of %d bytes or the checksum it declares): %w", f.Name, declared, cr.err)
		}
	}()
	br := bufio.NewReader(cr)
	h, err := readNpyHeader(br)
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(h); err != nil {
			return err
		}
	}
	if err := h.fits(declared-h.hdrLen, "the entry"); err != nil || decode == nil {
		return err
	}
	if err := decode(h, br); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return err
	}
	if cr.n != declared {
		return fmt.Errorf("entry %s holds %d bytes, its zip header says %d", f.Name, cr.n, declared)
	}
	return nil
}

// countingReader counts the bytes read through it and keeps the first
// error other than io.EOF.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// Shape returns the shape of the named array (reading its header only).
func (z *NPZ) Shape(name string) ([]int, error) {
	var shape []int
	err := z.read(name, func(h *npyHeader) error { shape = h.shape; return nil }, nil)
	return shape, err
}

// Floats reads the named float32 or float64 array as float64 with its shape.
// Non-finite values are an error naming the first bad element.
func (z *NPZ) Floats(name string) ([]float64, []int, error) {
	return readFloats[float64](z, name)
}

// Float32s reads the named float32 array (float64 is converted) with its
// shape. Non-finite values, also those too large for float32, are an error.
func (z *NPZ) Float32s(name string) ([]float32, []int, error) {
	return readFloats[float32](z, name)
}

// readFloats reads a float array into a new []T.
func readFloats[T float32 | float64](z *NPZ, name string) ([]T, []int, error) {
	var out []T
	var shape []int
	err := z.read(name, nil, func(h *npyHeader, r io.Reader) (err error) {
		shape = h.shape
		out, err = decodeFloats[T](r, h)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if err := checkFinite(name, out, shape); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", z.path, err)
	}
	return out, shape, nil
}

// String reads the named unicode array holding one string (shape () or
// (1,)), of at most MaxStringChars characters.
func (z *NPZ) String(name string) (string, error) {
	var s string
	check := func(h *npyHeader) error {
		switch {
		case h.kind != 'U':
			return fmt.Errorf("dtype %s, want a unicode string", h.descr)
		case h.count != 1:
			return fmt.Errorf("shape %s, want one string", ShapeString(h.shape))
		case h.size/4 > MaxStringChars:
			return fmt.Errorf("a string of %d characters is longer than MaxStringChars = %d", h.size/4, MaxStringChars)
		}
		return nil
	}
	err := z.read(name, check, func(h *npyHeader, r io.Reader) error {
		ss, err := decodeStrings(r, h)
		if err == nil {
			s = ss[0]
		}
		return err
	})
	return s, err
}

// checkFinite reports the first NaN or Inf, with its row for 2-D arrays.
func checkFinite[T float32 | float64](name string, v []T, shape []int) error {
	label := ""
	if name != "" {
		label = fmt.Sprintf("array %q: ", name)
	}
	for i, x := range v {
		if x-x != 0 { // NaN or Inf: x - x is 0 for every finite x, NaN otherwise
			if len(shape) == 2 && shape[1] > 0 {
				return fmt.Errorf("%srow %d, column %d is %v", label, i/shape[1], i%shape[1], x)
			}
			return fmt.Errorf("%selement %d is %v", label, i, x)
		}
	}
	return nil
}

// WriteNPY writes one float64 array as a .npy file (numpy.load reads it),
// atomically.
func WriteNPY(path string, data []float64, shape ...int) error {
	return atomicfile.Write(path, func(f *os.File) error { return writeNpy(f, data, shape...) })
}
