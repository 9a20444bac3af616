package nn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// The parameter file format, all integers little-endian:
//
//	magic   [8]byte "LAANNP01"
//	count   uint32
//	count times:
//	  nameLen uint16, name [nameLen]byte
//	  rows, cols uint32
//	  values [rows*cols]float32 (IEEE 754 bits)
var paramMagic = [8]byte{'L', 'A', 'A', 'N', 'N', 'P', '0', '1'}

// WriteParams writes the names, shapes and values of params, in order, to w.
func WriteParams(w io.Writer, params []*Param) error {
	bw := bufio.NewWriter(w)
	bw.Write(paramMagic[:])
	var buf [8]byte
	bw.Write(binary.LittleEndian.AppendUint32(buf[:0], uint32(len(params))))
	for _, p := range params {
		if len(p.Name) > math.MaxUint16 {
			return fmt.Errorf("nn: parameter name of %d bytes", len(p.Name))
		}
		bw.Write(binary.LittleEndian.AppendUint16(buf[:0], uint16(len(p.Name))))
		bw.WriteString(p.Name)
		bw.Write(binary.LittleEndian.AppendUint32(buf[:0], uint32(p.Value.Rows)))
		bw.Write(binary.LittleEndian.AppendUint32(buf[:0], uint32(p.Value.Cols)))
		for _, v := range p.Value.Data {
			bw.Write(binary.LittleEndian.AppendUint32(buf[:0], math.Float32bits(v)))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("nn: writing parameters: %w", err)
	}
	return nil
}

// ReadParams reads values written by WriteParams into params, which must
// have the same names and shapes in the same order. On any error (a
// mismatch, a short or corrupt input) it returns it and leaves params
// unchanged. It reads no further than the parameters, so they can be
// followed by other data in the same stream.
func ReadParams(r io.Reader, params []*Param) error {
	br := r // unbuffered: reads stop exactly at the end of the parameters
	var magic [8]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return readErr("header", err)
	}
	if magic != paramMagic {
		return fmt.Errorf("nn: not a parameter file (magic %q)", magic[:])
	}
	var count uint32
	if err := binary.Read(br, binary.LittleEndian, &count); err != nil {
		return readErr("header", err)
	}
	if int(count) != len(params) {
		return fmt.Errorf("nn: parameter file has %d parameters, want %d", count, len(params))
	}
	vals := make([][]float32, len(params))
	for k, p := range params {
		what := fmt.Sprintf("parameter %d (%s)", k, p.Name)
		var n uint16
		if err := binary.Read(br, binary.LittleEndian, &n); err != nil {
			return readErr(what, err)
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(br, name); err != nil {
			return readErr(what, err)
		}
		if string(name) != p.Name {
			return fmt.Errorf("nn: %s: file has name %q", what, name)
		}
		var shape [2]uint32
		if err := binary.Read(br, binary.LittleEndian, &shape); err != nil {
			return readErr(what, err)
		}
		if int(shape[0]) != p.Value.Rows || int(shape[1]) != p.Value.Cols {
			return fmt.Errorf("nn: %s: file has shape %dx%d, want %dx%d",
				what, shape[0], shape[1], p.Value.Rows, p.Value.Cols)
		}
		vals[k] = make([]float32, len(p.Value.Data))
		if err := binary.Read(br, binary.LittleEndian, vals[k]); err != nil {
			return readErr(what, err)
		}
	}
	for k, p := range params {
		copy(p.Value.Data, vals[k])
	}
	return nil
}

func readErr(what string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("nn: reading parameters: %s: %w", what, err)
}
