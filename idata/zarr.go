package idata

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
)

// Zarr format 2 metadata file names.
const (
	zgroupFile    = ".zgroup"
	zattrsFile    = ".zattrs"
	zarrayFile    = ".zarray"
	zmetadataFile = ".zmetadata"
)

// zarray is the metadata of an uncompressed Zarr (format 2) array stored
// in a single chunk.
type zarray struct {
	Chunks     []int    `json:"chunks"`
	Compressor *string  `json:"compressor"` // null: uncompressed
	DimSep     string   `json:"dimension_separator"`
	DType      string   `json:"dtype"`
	FillValue  *float64 `json:"fill_value"` // null: none
	Filters    []string `json:"filters"`    // null: none
	Order      string   `json:"order"`
	Shape      []int    `json:"shape"`
	ZarrFormat int      `json:"zarr_format"`
}

// Write stores d at path as a Zarr store that ArviZ opens as
// InferenceData (see the package documentation). It replaces an earlier
// store at path whole and refuses to replace anything else.
func Write(path string, d *Data) error {
	groups, err := d.groups()
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	replace, err := checkDestination(path)
	if err != nil {
		return err
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	tmp, err := os.MkdirTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeStore(tmp, d.attrs(), groups); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := swapIn(tmp, path, replace); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("write %s: sync its folder: %w", path, err)
	}
	return nil
}

// IsStore reports whether path is a folder holding a Zarr group, as Write
// makes.
func IsStore(path string) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.IsDir() {
		return false
	}
	g, err := os.Lstat(filepath.Join(path, zgroupFile))
	return err == nil && g.Mode().IsRegular()
}

// checkDestination reports whether path holds a store to replace, and
// refuses a path that holds anything else.
func checkDestination(path string) (replace bool, err error) {
	_, err = os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("write %s: %w", path, err)
	case !IsStore(path):
		return false, fmt.Errorf("write %s: it exists and is not a Zarr store (no %s folder with %s): refusing to replace it", path, filepath.Base(path), zgroupFile)
	}
	return true, nil
}

// swapIn renames the finished store tmp to path. An earlier store at path
// is first moved into a new hidden folder beside it, which is removed once
// tmp is in place; if tmp cannot be renamed, the earlier store is put back.
func swapIn(tmp, path string, replace bool) error {
	if !replace {
		return os.Rename(tmp, path)
	}
	aside, err := os.MkdirTemp(filepath.Dir(path), "."+filepath.Base(path)+".old*")
	if err != nil {
		return err
	}
	old := filepath.Join(aside, "store")
	if err := os.Rename(path, old); err != nil {
		os.Remove(aside)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		if back := os.Rename(old, path); back != nil {
			return fmt.Errorf("%w (and the earlier store stays at %s: %v)", err, old, back)
		}
		os.Remove(aside)
		return err
	}
	return os.RemoveAll(aside)
}

// writeStore writes the root group with attrs and groups into the empty
// folder root.
func writeStore(root string, attrs map[string]any, groups []group) error {
	meta := map[string]json.RawMessage{}
	put := func(rel string, v any) error {
		b, err := marshal(v)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		meta[filepath.ToSlash(rel)] = b
		return writeFile(filepath.Join(root, rel), b)
	}
	zgroup := map[string]int{"zarr_format": 2}
	if err := put(zgroupFile, zgroup); err != nil {
		return err
	}
	if err := put(zattrsFile, attrs); err != nil {
		return err
	}
	for _, g := range groups {
		if err := os.Mkdir(filepath.Join(root, g.name), 0o755); err != nil {
			return err
		}
		if err := put(filepath.Join(g.name, zgroupFile), zgroup); err != nil {
			return err
		}
		if err := put(filepath.Join(g.name, zattrsFile), g.attrs); err != nil {
			return err
		}
		for _, a := range g.arrays {
			rel := filepath.Join(g.name, a.name)
			if err := os.Mkdir(filepath.Join(root, rel), 0o755); err != nil {
				return err
			}
			if err := put(filepath.Join(rel, zarrayFile), a.meta()); err != nil {
				return err
			}
			attrs := map[string]any{"_ARRAY_DIMENSIONS": nonNil(a.dims)}
			for k, v := range a.attrs {
				attrs[k] = v
			}
			if err := put(filepath.Join(rel, zattrsFile), attrs); err != nil {
				return err
			}
			if err := writeFile(filepath.Join(root, rel, a.chunkKey()), a.bytes()); err != nil {
				return err
			}
			if err := atomicfile.SyncDir(filepath.Join(root, rel)); err != nil {
				return err
			}
		}
		if err := atomicfile.SyncDir(filepath.Join(root, g.name)); err != nil {
			return err
		}
	}
	consolidated := map[string]any{"zarr_consolidated_format": 1, "metadata": meta}
	b, err := marshal(consolidated)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(root, zmetadataFile), b); err != nil {
		return err
	}
	return atomicfile.SyncDir(root)
}

// marshal returns v as indented JSON, with '<' and '>' (of "<f8") as they are.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// meta returns the array's .zarray metadata: one chunk of the whole array.
func (a array) meta() zarray {
	dtype := "<f8"
	if a.ints != nil {
		dtype = "<i8"
	}
	return zarray{Chunks: nonNilInts(a.shape), DimSep: ".", DType: dtype, Order: "C", Shape: nonNilInts(a.shape), ZarrFormat: 2}
}

// chunkKey is the file name of the array's only chunk: "0" for a scalar,
// "0.0" for a matrix.
func (a array) chunkKey() string {
	if len(a.shape) == 0 {
		return "0"
	}
	return strings.Repeat("0.", len(a.shape)-1) + "0"
}

// bytes returns the array's values, little-endian, in C order.
func (a array) bytes() []byte {
	if a.ints != nil {
		b := make([]byte, 0, 8*len(a.ints))
		for _, v := range a.ints {
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
		return b
	}
	b := make([]byte, 0, 8*len(a.values))
	for _, v := range a.values {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// writeFile creates path holding b, synced to disk.
func writeFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// nonNil returns s, or an empty slice for nil (JSON [] rather than null).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// nonNilInts is nonNil for ints.
func nonNilInts(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}
