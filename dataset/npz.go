package dataset

import (
	"archive/zip"
	"fmt"
	"math"
	"os"
	"strings"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/laa-neuro/laa/atomicfile"
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

// NPZ reads arrays from an .npz written by laa or by numpy.savez.
type NPZ struct {
	path string
	r    *npz.Reader
}

// OpenNPZ opens an .npz archive.
func OpenNPZ(path string) (*NPZ, error) {
	r, err := npz.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: not a readable .npz archive (truncated or another format?): %w", path, err)
	}
	return &NPZ{path: path, r: r}, nil
}

// Close releases the archive.
func (z *NPZ) Close() error { return z.r.Close() }

// key returns the entry name of array name ("name.npy" or "name"), or "".
func (z *NPZ) key(name string) string {
	for _, k := range z.r.Keys() {
		if k == name+".npy" || k == name {
			return k
		}
	}
	return ""
}

// Has reports whether the archive holds the named array.
func (z *NPZ) Has(name string) bool { return z.key(name) != "" }

// Shape returns the shape of the named array.
func (z *NPZ) Shape(name string) ([]int, error) {
	k := z.key(name)
	if k == "" {
		return nil, fmt.Errorf("%s: no array %q (has %s)", z.path, name, strings.Join(z.r.Keys(), ", "))
	}
	h := z.r.Header(k)
	if h == nil {
		return nil, fmt.Errorf("%s: array %q has an unreadable header", z.path, name)
	}
	return h.Descr.Shape, nil
}

// Floats reads the named float32 or float64 array as float64 with its shape.
// Non-finite values are an error naming the first bad element.
func (z *NPZ) Floats(name string) ([]float64, []int, error) {
	shape, err := z.Shape(name)
	if err != nil {
		return nil, nil, err
	}
	k := z.key(name)
	var out []float64
	switch typ := z.r.Header(k).Descr.Type; typ {
	case "<f8", "'<f8'":
		err = z.r.Read(k, &out)
	case "<f4", "'<f4'":
		var f []float32
		err = z.r.Read(k, &f)
		out = make([]float64, len(f))
		for i, v := range f {
			out[i] = float64(v)
		}
	default:
		return nil, nil, fmt.Errorf("%s: array %q has dtype %s, want float32 or float64", z.path, name, typ)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: array %q: %w", z.path, name, err)
	}
	if err := checkFinite(name, out, shape); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", z.path, err)
	}
	return out, shape, nil
}

// Float32s reads the named float32 array (float64 is converted) with its shape.
func (z *NPZ) Float32s(name string) ([]float32, []int, error) {
	shape, err := z.Shape(name)
	if err != nil {
		return nil, nil, err
	}
	if typ := z.r.Header(z.key(name)).Descr.Type; typ != "<f4" && typ != "'<f4'" {
		v, shape, err := z.Floats(name)
		if err != nil {
			return nil, nil, err
		}
		out := make([]float32, len(v))
		for i, x := range v {
			out[i] = float32(x)
		}
		return out, shape, nil
	}
	var out []float32
	if err := z.r.Read(z.key(name), &out); err != nil {
		return nil, nil, fmt.Errorf("%s: array %q: %w", z.path, name, err)
	}
	if err := checkFinite(name, out, shape); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", z.path, err)
	}
	return out, shape, nil
}

// String reads the named 0-d unicode array.
func (z *NPZ) String(name string) (string, error) {
	k := z.key(name)
	if k == "" {
		return "", fmt.Errorf("%s: no array %q", z.path, name)
	}
	var s string
	if err := z.r.Read(k, &s); err != nil {
		return "", fmt.Errorf("%s: array %q: %w", z.path, name, err)
	}
	return s, nil
}

// checkFinite reports the first NaN or Inf, with its row for 2-D arrays.
func checkFinite[T float32 | float64](name string, v []T, shape []int) error {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			if len(shape) == 2 && shape[1] > 0 {
				return fmt.Errorf("array %q: row %d, column %d is %v", name, i/shape[1], i%shape[1], x)
			}
			return fmt.Errorf("array %q: element %d is %v", name, i, x)
		}
	}
	return nil
}

// WriteNPY writes one float64 array as a .npy file (numpy.load reads it),
// atomically.
func WriteNPY(path string, data []float64, shape ...int) error {
	return atomicfile.Write(path, func(f *os.File) error { return writeNpy(f, data, shape...) })
}
