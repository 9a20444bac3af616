package external

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strings"
)

// writeNPY writes a C-order little-endian array of float64 ([]float64) or
// uint64 ([]uint64) values in NumPy's .npy format, version 1.0: the magic
// string, a header dictionary padded with spaces and a newline to a
// multiple of 64 bytes, then the values. It writes into a private
// temporary folder that no one reads before the file is closed, so it
// writes in place rather than through package atomicfile.
func writeNPY(path string, data any, shape ...int) error {
	var descr string
	var body []byte
	switch v := data.(type) {
	case []float64:
		descr, body = "<f8", make([]byte, 8*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint64(body[8*i:], math.Float64bits(x))
		}
	case []uint64:
		descr, body = "<u8", make([]byte, 8*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint64(body[8*i:], x)
		}
	default:
		return fmt.Errorf("write %s: cannot write %T as .npy", path, data)
	}
	n := 1
	dims := make([]string, len(shape))
	for i, s := range shape {
		n *= s
		dims[i] = fmt.Sprint(s)
	}
	if 8*n != len(body) {
		return fmt.Errorf("write %s: %d values do not fill shape %v", path, len(body)/8, shape)
	}
	tuple := strings.Join(dims, ", ")
	if len(dims) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	// magic (6) + version (2) + header length (2) + header + "\n".
	header += strings.Repeat(" ", (64-(10+len(header)+1)%64)%64) + "\n"
	out := make([]byte, 0, 10+len(header)+len(body))
	out = append(out, "\x93NUMPY\x01\x00"...)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	out = append(append(out, header...), body...)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
