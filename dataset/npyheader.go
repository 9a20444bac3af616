package dataset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MaxNPYHeaderBytes is the longest .npy header dictionary read, in bytes:
// numpy's own default (max_header_size of numpy.load). numpy writes headers
// of 118 bytes for laa's arrays; a longer one is refused before it is read.
const MaxNPYHeaderBytes = 10_000

// maxHeaderDepth bounds the nesting of tuples, lists and dictionaries in a
// header (a structured dtype nests two levels; nothing valid nests more).
const maxHeaderDepth = 16

// npyHeader is a parsed .npy header: what the array holds and how.
type npyHeader struct {
	descr   string           // dtype as written, e.g. "<f4"
	kind    byte             // 'f' (float) or 'U' (unicode string)
	size    int64            // bytes per element: 4 or 8, or 4 per character for 'U'
	order   binary.ByteOrder // byte order of the elements
	fortran bool             // elements stored in Fortran (column-major) order
	shape   []int
	count   int   // number of elements, the product of shape (1 for shape ())
	bytes   int64 // count * size: the bytes of data that must follow the header
	hdrLen  int64 // bytes before the data: magic, version, length and dictionary
}

// ShapeString formats an array shape as numpy prints it: (600,), (1000, 600)
// or ().
func ShapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// readNpyHeader reads the magic string, version, header length and header
// dictionary of a .npy stream, and checks everything the header says
// except that the data is there: versions 1.0, 2.0 and 3.0, a header of at
// most MaxNPYHeaderBytes, keys in any order in Python literal syntax, and
// an element count and byte size that fit in an int64.
func readNpyHeader(r io.Reader) (*npyHeader, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, fmt.Errorf("not a .npy array: %w", shortRead(err))
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("not a .npy array (starts with %q, want \"\\x93NUMPY\")", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var n int64
	switch {
	case major == 1 && minor == 0:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, fmt.Errorf(".npy header length: %w", shortRead(err))
		}
		n = int64(binary.LittleEndian.Uint16(pre[8:10]))
	case (major == 2 || major == 3) && minor == 0:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, fmt.Errorf(".npy header length: %w", shortRead(err))
		}
		n = int64(binary.LittleEndian.Uint32(l[:]))
	default:
		return nil, fmt.Errorf(".npy format version %d.%d is not supported (want 1.0, 2.0 or 3.0)", major, minor)
	}
	if n > MaxNPYHeaderBytes {
		return nil, fmt.Errorf(".npy header of %d bytes is longer than MaxNPYHeaderBytes = %d", n, MaxNPYHeaderBytes)
	}
	text := make([]byte, n)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, fmt.Errorf(".npy header (%d bytes): %w", n, shortRead(err))
	}
	h, err := parseHeader(string(text), major <= 2)
	if err != nil {
		return nil, fmt.Errorf(".npy header: %w", err)
	}
	h.hdrLen = 6 + 2 + n + 2
	if major > 1 {
		h.hdrLen += 2
	}
	return h, nil
}

// shortRead names a stream that ended early.
func shortRead(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the data ends early")
	}
	return err
}

// clip shortens s to at most n bytes for an error message.
func clip(s string, n int) string {
	s = strings.TrimRight(s, " \n")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// parseHeader interprets the header dictionary. legacy (versions 1.0 and
// 2.0) allows Python 2's long-integer suffix L, as numpy does.
func parseHeader(text string, legacy bool) (*npyHeader, error) {
	p := &literalParser{s: text, legacy: legacy}
	v, err := p.value(0)
	if err == nil {
		if p.space(); p.i < len(p.s) {
			err = fmt.Errorf("unexpected %q after the dictionary", clip(p.s[p.i:], 20))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%q is not a Python literal: %w", clip(text, 120), err)
	}
	d, ok := v.(pyDict)
	if !ok {
		return nil, errors.New("the header is not a dictionary")
	}
	if len(d.keys) != 3 || d.get("descr") == nil || d.get("fortran_order") == nil || d.get("shape") == nil {
		return nil, fmt.Errorf("the header has keys %v, want exactly descr, fortran_order and shape", d.keys)
	}
	h := &npyHeader{}
	fortran, ok := d.get("fortran_order").(bool)
	if !ok {
		return nil, fmt.Errorf("fortran_order is %v, not True or False", d.get("fortran_order"))
	}
	h.fortran = fortran
	tuple, ok := d.get("shape").(pyTuple)
	if !ok {
		return nil, fmt.Errorf("shape is %v, not a tuple", d.get("shape"))
	}
	for _, x := range tuple {
		dim, ok := x.(int64)
		if !ok {
			return nil, fmt.Errorf("shape has %v, not an integer", x)
		}
		if dim < 0 {
			return nil, fmt.Errorf("shape has the negative dimension %d", dim)
		}
		if dim > math.MaxInt {
			return nil, fmt.Errorf("shape has the dimension %d, more than this machine can index", dim)
		}
		h.shape = append(h.shape, int(dim))
	}
	descr, ok := d.get("descr").(string)
	if !ok {
		return nil, fmt.Errorf("dtype %v is not supported (structured arrays are not; want float32, float64 or a unicode string)", d.get("descr"))
	}
	if err := h.setDescr(descr); err != nil {
		return nil, err
	}
	count, ok := product(h.shape)
	if !ok {
		return nil, fmt.Errorf("shape %s has more elements than fit in an int64", ShapeString(h.shape))
	}
	h.count = count
	if h.size > 0 && int64(count) > math.MaxInt64/h.size {
		return nil, fmt.Errorf("shape %s of %s needs more bytes than fit in an int64", ShapeString(h.shape), descr)
	}
	h.bytes = int64(count) * h.size
	return h, nil
}

// product multiplies dims, reporting false when the product overflows an int.
func product(dims []int) (int, bool) {
	n := 1
	for _, d := range dims {
		if d < 0 {
			return 0, false
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// setDescr accepts float32 and float64 of either byte order and unicode
// strings; anything else is refused, naming it. '=' and '|' mean this
// machine's order, as in numpy.
func (h *npyHeader) setDescr(descr string) error {
	h.descr = descr
	rest := descr
	h.order = binary.NativeEndian
	if rest != "" {
		switch rest[0] {
		case '<':
			h.order, rest = binary.LittleEndian, rest[1:]
		case '>':
			h.order, rest = binary.BigEndian, rest[1:]
		case '=', '|':
			rest = rest[1:]
		}
	}
	switch {
	case rest == "f4":
		h.kind, h.size = 'f', 4
	case rest == "f8":
		h.kind, h.size = 'f', 8
	case strings.HasPrefix(rest, "U"):
		chars, err := strconv.ParseInt(rest[1:], 10, 64)
		if rest == "U" {
			chars, err = 0, nil
		}
		if err != nil || chars < 0 || chars > math.MaxInt64/4 || strings.HasPrefix(rest[1:], "+") {
			return fmt.Errorf("dtype %q is not a valid unicode string type", descr)
		}
		h.kind, h.size = 'U', 4*chars
	default:
		return fmt.Errorf("dtype %q is not supported (want float32 <f4, float64 <f8, either byte order, or a unicode string)", descr)
	}
	return nil
}

// Python literal values a header may hold.
type (
	pyTuple []any
	pyList  []any
	pyDict  struct {
		keys []string
		vals []any
	}
)

// get returns the value of key, or nil.
func (d pyDict) get(key string) any {
	for i, k := range d.keys {
		if k == key {
			return d.vals[i]
		}
	}
	return nil
}

// literalParser reads the subset of Python literal syntax that .npy headers
// use: dictionaries with string keys, tuples and lists (trailing commas
// allowed), strings in single or double quotes, decimal integers (with
// underscores, and with a trailing L in legacy headers), True, False and
// None, separated by any white space or comments.
type literalParser struct {
	s      string
	i      int
	legacy bool
}

// space skips white space and comments.
func (p *literalParser) space() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.i++
		case c == '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		default:
			return
		}
	}
}

// value parses one literal at nesting depth depth.
func (p *literalParser) value(depth int) (any, error) {
	if depth > maxHeaderDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxHeaderDepth)
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, errors.New("the header ends early")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict(depth)
	case c == '(' || c == '[':
		return p.sequence(depth)
	case c == '\'' || c == '"':
		return p.str()
	case c == '+' || c >= '0' && c <= '9':
		return p.integer()
	case c == '-':
		p.i++
		v, err := p.integer()
		return -v, err
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"True", true}, {"False", false}, {"None", nil}} {
		if strings.HasPrefix(p.s[p.i:], w.word) {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return nil, fmt.Errorf("unexpected %q at byte %d", clip(p.s[p.i:], 20), p.i)
}

// dict parses {key: value, ...}; a key given twice is refused.
func (p *literalParser) dict(depth int) (any, error) {
	p.i++ // '{'
	var d pyDict
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return d, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("dictionary key %v is not a string", k)
		}
		if contains(d.keys, key) {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, fmt.Errorf("no ':' after key %q", key)
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.keys, d.vals = append(d.keys, key), append(d.vals, v)
		if !p.separator('}') {
			return nil, fmt.Errorf("no ',' or '}' after the value of %q", key)
		}
	}
}

// contains reports whether keys holds key.
func contains(keys []string, key string) bool {
	for _, k := range keys {
		if k == key {
			return true
		}
	}
	return false
}

// sequence parses a tuple (...) or list [...]. As in Python, (x) is x
// itself, not a tuple: a tuple of one needs its trailing comma.
func (p *literalParser) sequence(depth int) (any, error) {
	open := p.s[p.i]
	closer := byte(')')
	if open == '[' {
		closer = ']'
	}
	p.i++
	var items []any
	comma := false
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			break
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		p.space()
		comma = p.i < len(p.s) && p.s[p.i] == ','
		if !p.separator(closer) {
			return nil, fmt.Errorf("no ',' or %q in a sequence", closer)
		}
	}
	switch {
	case open == '[':
		return pyList(items), nil
	case len(items) == 1 && !comma:
		return items[0], nil
	}
	return pyTuple(items), nil
}

// separator consumes ',' or the closing bracket (which it leaves for the
// caller when a comma precedes it), reporting false on anything else.
func (p *literalParser) separator(closer byte) bool {
	p.space()
	if p.i >= len(p.s) {
		return false
	}
	switch p.s[p.i] {
	case ',':
		p.i++
		return true
	case closer:
		return true
	}
	return false
}

// str parses a quoted string without escapes (no dtype or key needs one).
func (p *literalParser) str() (any, error) {
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return nil, errors.New("a string is not closed")
	}
	s := p.s[p.i+1 : p.i+1+end]
	if strings.ContainsAny(s, "\\\n") {
		return nil, fmt.Errorf("string %q has an escape or a line break", clip(s, 20))
	}
	p.i += end + 2
	return s, nil
}

// integer parses a decimal integer with optional '+' and underscores
// between digits.
func (p *literalParser) integer() (int64, error) {
	if p.i < len(p.s) && p.s[p.i] == '+' {
		p.i++
	}
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] >= '0' && p.s[p.i] <= '9' || p.s[p.i] == '_') {
		p.i++
	}
	text := p.s[start:p.i]
	if p.legacy && p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') {
		p.i++
	}
	if text == "" || text[0] == '_' || text[len(text)-1] == '_' || strings.Contains(text, "__") ||
		len(text) > 1 && text[0] == '0' && strings.Trim(text, "0_") != "" {
		return 0, fmt.Errorf("%q is not a decimal integer", clip(text, 30))
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("integer %s is larger than an int64", clip(text, 30))
	}
	return v, nil
}
