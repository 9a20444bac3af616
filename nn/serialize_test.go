package nn

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestParamsRoundTrip(t *testing.T) {
	t.Parallel()
	src := NewMLP([]int{3, 4, 2}, "relu", newRNG(40))
	var buf bytes.Buffer
	if err := WriteParams(&buf, src.Params()); err != nil {
		t.Fatal(err)
	}
	buf.WriteString("tail") // data after the parameters stays unread
	dst := NewMLP([]int{3, 4, 2}, "relu", newRNG(41))
	if err := ReadParams(&buf, dst.Params()); err != nil {
		t.Fatal(err)
	}
	for i, p := range dst.Params() {
		for j, v := range p.Value.Data {
			if v != src.Params()[i].Value.Data[j] {
				t.Fatalf("%s[%d] = %g, want %g", p.Name, j, v, src.Params()[i].Value.Data[j])
			}
		}
	}
	if buf.String() != "tail" {
		t.Errorf("ReadParams read past the parameters: %q left", buf.String())
	}
}

func TestParamsReadErrors(t *testing.T) {
	t.Parallel()
	src := NewMLP([]int{3, 4, 2}, "relu", newRNG(42))
	var buf bytes.Buffer
	if err := WriteParams(&buf, src.Params()); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	dst := NewMLP([]int{3, 4, 2}, "relu", newRNG(43))
	before := dst.Params()[0].Value.Clone()
	for _, cut := range []int{0, 5, 12, 15, 40, len(data) - 1} {
		err := ReadParams(bytes.NewReader(data[:cut]), dst.Params())
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d of %d: error %v, want unexpected EOF", cut, len(data), err)
		}
	}
	for i, v := range dst.Params()[0].Value.Data {
		if v != before.Data[i] {
			t.Fatal("failed reads changed the parameters")
		}
	}

	for _, tc := range []struct {
		name   string
		params []*Param
		want   string
	}{
		{"shape", NewMLP([]int{3, 5, 2}, "relu", newRNG(44)).Params(), "shape 3x4, want 3x5"},
		{"count", NewMLP([]int{3, 4, 4, 2}, "relu", newRNG(44)).Params(), "4 parameters, want 6"},
	} {
		err := ReadParams(bytes.NewReader(data), tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s mismatch: error %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
	renamed := NewMLP([]int{3, 4, 2}, "relu", newRNG(45)).Params()
	renamed[1].Name = "bias"
	if err := ReadParams(bytes.NewReader(data), renamed); err == nil || !strings.Contains(err.Error(), `name "dense0.b"`) {
		t.Errorf("name mismatch: error %v", err)
	}
	if err := ReadParams(strings.NewReader("not a parameter file"), dst.Params()); err == nil {
		t.Error("bad magic: no error")
	}
}
