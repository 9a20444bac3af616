package recording

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/scigolib/hdf5"

	"github.com/laa-neuro/laa/inputfile"
)

// errHDF5Panic marks the error made from a panic of the HDF5 reader.
var errHDF5Panic = errors.New("damaged HDF5 file")

// withHDF5 opens path, runs fn and closes the file. It refuses truncated
// files and turns a panic of the HDF5 reader on a damaged file into an error.
// (The reader, forked in third_party/hdf5, bounds what it allocates by the
// file's size, so a damaged file cannot end the process with a fatal
// out-of-memory error, which no recover catches.)
func withHDF5(path string, fn func(*hdf5.File) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recording: %s: %w (%v)", path, errHDF5Panic, r)
		}
	}()
	if err := checkHDF5Size(path); err != nil {
		return fmt.Errorf("recording: %s: %w", path, err)
	}
	f, err := hdf5.Open(path)
	if err != nil {
		return fmt.Errorf("recording: %s: cannot read as HDF5/NWB: %w", path, err)
	}
	defer f.Close()
	if err := fn(f); err != nil {
		return fmt.Errorf("recording: %s: %w", path, err)
	}
	return nil
}

// checkHDF5Size compares the file's size with the end-of-file address that
// its superblock records, which catches truncated files before any parsing.
func checkHDF5Size(path string) error {
	f, err := inputfile.Open(path, -1, "")
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	// The superblock sits at 0, 512, 1024, 2048, ... (after a user block).
	size := fi.Size()
	for base := int64(0); base+8 <= size; base = max(512, 2*base) {
		b := make([]byte, min(64, size-base))
		if _, err := f.ReadAt(b, base); err != nil {
			return fmt.Errorf("reading the superblock: %w", err)
		}
		if string(b[:8]) != string(hdf5Signature) {
			continue
		}
		if len(b) < 14 {
			return fmt.Errorf("truncated file: %d bytes end inside the HDF5 superblock", size)
		}
		var at int          // offset of the end-of-file address in the superblock
		width := int(b[13]) // v0, v1: size of offsets
		switch b[8] {
		case 0:
			at = 24 + 2*width
		case 1:
			at = 28 + 2*width
		case 2, 3:
			width = int(b[9])
			at = 12 + 2*width
		default:
			return nil // an unknown version: let the HDF5 reader judge
		}
		if width != 8 {
			return nil // unusual address width: let the HDF5 reader judge
		}
		if at+8 > len(b) {
			return fmt.Errorf("truncated file: %d bytes end inside the HDF5 superblock", size)
		}
		baseAddr := binary.LittleEndian.Uint64(b[at-2*width:])
		eof := binary.LittleEndian.Uint64(b[at:])
		if want := baseAddr + eof; want > uint64(size) {
			return fmt.Errorf("truncated file: %d bytes, but its HDF5 superblock says %d", size, want)
		}
		return nil
	}
	return errors.New("not an HDF5 file (no HDF5 signature)")
}

// child returns g's child group called name, or nil.
func child(g *hdf5.Group, name string) *hdf5.Group {
	if g == nil {
		return nil
	}
	for _, o := range g.Children() {
		if c, ok := o.(*hdf5.Group); ok && c.Name() == name {
			return c
		}
	}
	return nil
}

// h5dataset returns g's data set called name, or nil.
func h5dataset(g *hdf5.Group, name string) *hdf5.Dataset {
	for _, o := range g.Children() {
		if d, ok := o.(*hdf5.Dataset); ok && d.Name() == name {
			return d
		}
	}
	return nil
}

// attrSet holds the attributes of a group or data set by name, each read
// on demand. The HDF5 reader parses an object's header again for every
// attribute asked for by name; taking them all at once parses it once.
type attrSet map[string]func() (any, error)

// attributes lists the attributes of a group or data set; none when they
// cannot be read.
func attributes(o hdf5.Object) attrSet {
	set := attrSet{}
	switch x := o.(type) {
	case *hdf5.Dataset:
		if attrs, err := x.Attributes(); err == nil {
			for _, a := range attrs {
				set[a.Name] = a.ReadValue
			}
		}
	case *hdf5.Group:
		if attrs, err := x.Attributes(); err == nil {
			for _, a := range attrs {
				set[a.Name] = a.ReadValue
			}
		}
	}
	return set
}

// value reads the attribute called name.
func (s attrSet) value(name string) (any, error) {
	read, ok := s[name]
	if !ok {
		return nil, fmt.Errorf("no attribute %q", name)
	}
	return read()
}

// str reads a string attribute.
func (s attrSet) str(name string) (string, bool) {
	v, err := s.value(name)
	if err != nil {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return strings.TrimRight(x, "\x00 "), true
	case []string:
		if len(x) == 1 {
			return strings.TrimRight(x[0], "\x00 "), true
		}
	}
	return "", false
}

// float reads a numeric scalar attribute of any width.
func (s attrSet) float(name string) (float64, bool) {
	v, err := s.value(name)
	if err != nil {
		return 0, false
	}
	r := reflect.ValueOf(v)
	if r.Kind() == reflect.Slice && r.Len() == 1 {
		r = r.Index(0)
	}
	switch r.Kind() {
	case reflect.Float32:
		// The decimal the writer meant: NWB stores conversion, offset and
		// rate as float32, and float32(1e-3) is 1.0000000474974513e-3.
		v, err := strconv.ParseFloat(strconv.FormatFloat(r.Float(), 'g', -1, 32), 64)
		return v, err == nil
	case reflect.Float64:
		return r.Float(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(r.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(r.Uint()), true
	}
	return 0, false
}
