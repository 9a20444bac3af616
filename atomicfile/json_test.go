package atomicfile

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type inner struct {
	K     float64   `json:"k"`
	Skip  string    `json:"-"`
	Empty []float64 `json:"empty,omitempty"`
}

type raw struct{ X float64 }

func (r raw) MarshalJSON() ([]byte, error) { return json.Marshal(map[string]float64{"x2": 2 * r.X}) }

type outer struct {
	inner
	Name   string             `json:"name"`
	Values []float64          `json:"values"`
	Ptr    *inner             `json:"ptr,omitempty"`
	Map    map[string]float64 `json:"map"`
	Any    any                `json:"any"`
	Raw    raw                `json:"raw"`
	Bytes  []byte             `json:"bytes"`
	hidden float64
}

func sample(x float64) outer {
	return outer{inner: inner{K: x, Skip: "no", Empty: []float64{}}, Name: "n", Values: []float64{1, x, 3},
		Map: map[string]float64{"b": x, "a": 1}, Any: []any{x, "s"}, Raw: raw{1.5}, Bytes: []byte("hi"), hidden: x}
}

// TestFiniteEncodingMatchesEncodingJSON: without NaN or Inf the fallback
// encoder writes what encoding/json writes, byte for byte.
func TestFiniteEncodingMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{sample(2.5), &[]outer{sample(1), sample(-3)}, map[int]string{2: "b", 1: "a"}, nil, 7.0} {
		want, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := encodeFinite(&buf, reflect.ValueOf(v)); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := json.Indent(&got, buf.Bytes(), "", "  "); err != nil {
			t.Fatalf("%T: invalid JSON %s: %v", v, buf.Bytes(), err)
		}
		if got.String() != string(want) {
			t.Errorf("%T:\n got %s\nwant %s", v, got.Bytes(), want)
		}
	}
}

// TestWriteJSONWritesNonFiniteAsNull: NaN and Inf become null, everything
// else is kept.
func TestWriteJSONWritesNonFiniteAsNull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	if err := WriteJSON(path, sample(math.NaN())); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	if back["k"] != nil || back["values"].([]any)[1] != nil || back["map"].(map[string]any)["b"] != nil || back["any"].([]any)[0] != nil {
		t.Errorf("NaN not written as null: %s", b)
	}
	if back["name"] != "n" || back["values"].([]any)[2] != 3.0 || !strings.Contains(string(b), `"x2": 3`) {
		t.Errorf("finite values changed: %s", b)
	}
	if err := WriteJSON(path, map[string]float64{"inf": math.Inf(1)}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"inf": null`) {
		t.Errorf("+Inf: %s", b)
	}
}
