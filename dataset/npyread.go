package dataset

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/laa-neuro/laa/inputfile"
)

// ReadNPY reads a .npy file holding a float32 or float64 array (either byte
// order, C or Fortran order) as float64 values in C order, with its shape.
// The header is checked as numpy checks it, and the data the shape needs
// must fit in the file before anything is allocated; bytes after the data
// are ignored, as numpy ignores them. Non-finite values are an error.
func ReadNPY(path string) ([]float64, []int, error) {
	f, err := inputfile.Open(path, -1, "")
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	v, shape, err := readNPY(bufio.NewReader(f), st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return v, shape, nil
}

// readNPY reads a float .npy array of size bytes from r.
func readNPY(r io.Reader, size int64) ([]float64, []int, error) {
	h, err := readNpyHeader(r)
	if err != nil {
		return nil, nil, err
	}
	if h.kind != 'f' {
		return nil, nil, fmt.Errorf("dtype %s, want float32 or float64", h.descr)
	}
	if err := h.fits(size-h.hdrLen, "the file"); err != nil {
		return nil, nil, err
	}
	v, err := decodeFloats[float64](r, h)
	if err != nil {
		return nil, nil, err
	}
	if err := checkFinite("", v, h.shape); err != nil {
		return nil, nil, err
	}
	return v, h.shape, nil
}

// fits checks, before anything is allocated, that the data the header
// describes fits in the avail bytes that follow it in where ("the entry",
// "the file").
func (h *npyHeader) fits(avail int64, where string) error {
	if h.bytes > avail {
		return fmt.Errorf("shape %s of %s needs %s but %s holds %s after the header",
			ShapeString(h.shape), h.descr, sizeString(h.bytes), where, sizeString(max(avail, 0)))
	}
	return nil
}

// sizeString formats a byte count for messages: 244 B, 2.4 MB, 2.4 TB.
func sizeString(n int64) string {
	const units = "kMGTPE"
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n)/1000, 0
	for v >= 999.95 && u < len(units)-1 {
		v, u = v/1000, u+1
	}
	return fmt.Sprintf("%.1f %cB", v, units[u])
}

// walker yields, for the elements in storage order, their positions in C
// order: the identity for C order, a transpose for Fortran order.
type walker struct {
	pos     int
	fortran bool
	shape   []int
	stride  []int // C-order strides
	idx     []int // multi-index of the current element
}

// newWalker starts at the first element of an array of header h.
func newWalker(h *npyHeader) *walker {
	w := &walker{fortran: h.fortran && len(h.shape) > 1, shape: h.shape}
	if w.fortran {
		n := len(h.shape)
		w.stride, w.idx = make([]int, n), make([]int, n)
		s := 1
		for d := n - 1; d >= 0; d-- {
			w.stride[d] = s
			s *= h.shape[d]
		}
	}
	return w
}

// advance moves to the next element in storage order. In Fortran order the
// first index runs fastest.
func (w *walker) advance() {
	if !w.fortran {
		w.pos++
		return
	}
	d := 0
	w.idx[0]++
	w.pos += w.stride[0]
	for w.idx[d] == w.shape[d] && d+1 < len(w.shape) {
		w.pos -= w.shape[d] * w.stride[d]
		w.idx[d] = 0
		d++
		w.idx[d]++
		w.pos += w.stride[d]
	}
}

// chunkBytes is the size of the buffer arrays are decoded through.
const chunkBytes = 1 << 16

// bigEndian reports whether order is big-endian.
func bigEndian(order binary.ByteOrder) bool { return order.Uint16([]byte{0, 1}) == 1 }

// decodeFloats reads the h.count float elements that follow the header
// from r into a new slice in C order. The caller has checked that the data
// fits in what the input holds.
func decodeFloats[T float32 | float64](r io.Reader, h *npyHeader) ([]T, error) {
	if h.kind != 'f' {
		return nil, fmt.Errorf("dtype %s, want float32 or float64", h.descr)
	}
	out := make([]T, h.count)
	if err := decodeInto(r, h, out, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeInto reads the next len(out) elements of an array of header h
// from r into out, where done elements were read before. Native data (C
// order, the host's byte order, the element size of T) is read straight
// into out, at the speed of the disk; any other is converted through a
// buffer of chunkBytes. Fortran order needs the whole array (done 0,
// len(out) == h.count).
func decodeInto[T float32 | float64](r io.Reader, h *npyHeader, out []T, done int) error {
	if native[T](h) {
		raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), len(out)*int(h.size))
		if _, err := io.ReadFull(r, raw); err != nil {
			return fmt.Errorf("data of shape %s: %w after element %d of %d", ShapeString(h.shape), shortRead(err), done, h.count)
		}
		return nil
	}
	size := int(h.size)
	buf := make([]byte, chunkBytes)
	per := len(buf) / size
	big := bigEndian(h.order)
	w := newWalker(h)
	for got := 0; got < len(out); {
		k := min(per, len(out)-got)
		if _, err := io.ReadFull(r, buf[:k*size]); err != nil {
			return fmt.Errorf("data of shape %s: %w after element %d of %d", ShapeString(h.shape), shortRead(err), done+got, h.count)
		}
		for j := range k {
			b := buf[j*size : (j+1)*size]
			var v T
			switch {
			case size == 4 && big:
				v = T(math.Float32frombits(binary.BigEndian.Uint32(b)))
			case size == 4:
				v = T(math.Float32frombits(binary.LittleEndian.Uint32(b)))
			case big:
				v = T(math.Float64frombits(binary.BigEndian.Uint64(b)))
			default:
				v = T(math.Float64frombits(binary.LittleEndian.Uint64(b)))
			}
			out[w.pos] = v
			w.advance()
		}
		got += k
	}
	return nil
}

// native reports whether the elements of h are stored as T is in memory:
// C order (or one dimension), the host's byte order and T's size.
func native[T float32 | float64](h *npyHeader) bool {
	var zero T
	return h.kind == 'f' && (!h.fortran || len(h.shape) < 2) && h.size == int64(unsafe.Sizeof(zero)) &&
		bigEndian(h.order) == bigEndian(binary.NativeEndian)
}

// decodeStrings reads the h.count unicode strings that follow the header
// (UTF-32, 4 bytes a character, trailing NULs dropped as numpy drops them)
// in C order. The caller has bounded h.bytes.
func decodeStrings(r io.Reader, h *npyHeader) ([]string, error) {
	if h.kind != 'U' {
		return nil, fmt.Errorf("dtype %s, want a unicode string", h.descr)
	}
	raw := make([]byte, h.bytes)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("string data: %w", shortRead(err))
	}
	big := bigEndian(h.order)
	out := make([]string, h.count)
	w := newWalker(h)
	var sb strings.Builder
	for k := range h.count {
		elem := raw[int64(k)*h.size : int64(k+1)*h.size]
		sb.Reset()
		end := len(elem) / 4
		for end > 0 && string(elem[4*end-4:4*end]) == "\x00\x00\x00\x00" {
			end--
		}
		for j := range end {
			c := binary.LittleEndian.Uint32(elem[4*j:])
			if big {
				c = binary.BigEndian.Uint32(elem[4*j:])
			}
			if c > math.MaxInt32 || !utf8.ValidRune(rune(c)) {
				return nil, fmt.Errorf("string %d: character %d is %#x, not a valid code point", k, j, c)
			}
			sb.WriteRune(rune(c))
		}
		out[w.pos] = sb.String()
		w.advance()
	}
	return out, nil
}
