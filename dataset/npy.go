package dataset

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// writeNpy writes one array in NumPy's .npy format, version 1.0: the magic
// string, a header dictionary padded to a multiple of 64 bytes, then the raw
// little-endian data in C order. data is []float64 or []float32 with the
// given shape, or a string (a 0-d unicode array, shape ignored). Written here
// rather than with npyio, which writes other bytes (format 2.0, another
// header padding), takes no shape and is hundreds of times slower: see
// docs/npy.md.
func writeNpy(w io.Writer, data any, shape ...int) error {
	var descr string
	var n int // number of elements
	switch d := data.(type) {
	case []float64:
		descr, n = "<f8", len(d)
	case []float32:
		descr, n = "<f4", len(d)
	case string:
		descr, shape = fmt.Sprintf("<U%d", max(utf8.RuneCountInString(d), 1)), nil
	default:
		return fmt.Errorf("dataset: cannot write %T as .npy", data)
	}
	count := 1
	dims := make([]string, len(shape))
	for i, s := range shape {
		count *= s
		dims[i] = fmt.Sprint(s)
	}
	if descr[1] == 'f' && count != n {
		return fmt.Errorf("dataset: %d values do not fill shape %v", n, shape)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s), }", descr, tuple)
	// magic(6) + version(2) + length(2) + header + '\n' is padded to a multiple of 64.
	header += strings.Repeat(" ", (64-(10+len(header)+1)%64)%64) + "\n"
	pre := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	if _, err := w.Write(append(pre, header...)); err != nil {
		return err
	}
	return writeRaw(w, data)
}

// writeRaw writes the array body in chunks, so no second copy of a large
// array is held in memory.
func writeRaw(w io.Writer, data any) error {
	const chunk = 1 << 14
	buf := make([]byte, 0, 8*chunk)
	flush := func() error {
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	switch d := data.(type) {
	case []float64:
		for i, v := range d {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if (i+1)%chunk == 0 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	case []float32:
		for i, v := range d {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if (i+1)%chunk == 0 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	case string:
		for _, r := range d {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(r))
		}
		if d == "" {
			buf = append(buf, 0, 0, 0, 0)
		}
	}
	return flush()
}
