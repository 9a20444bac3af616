package cli

import (
	"strings"
	"testing"
)

// TestObservationRows reads observations of D = 3 values from text as a
// user writes them, and refuses what is not one.
func TestObservationRows(t *testing.T) {
	for _, c := range []struct {
		text, ext string
		want      [][]float64
		err       string
	}{
		{"1,2,3\n", ".csv", [][]float64{{1, 2, 3}}, ""},
		{"a,b,c\n1,2,3\n4,5,6\n", ".csv", [][]float64{{1, 2, 3}, {4, 5, 6}}, ""},
		{"1\n2\n3\n", ".csv", [][]float64{{1, 2, 3}}, ""},
		{"1,2\n", ".csv", nil, "row 1 has 2 values; want 3"},
		{"1,x,3\n4,5,6\n", ".csv", nil, "line 1, column 2"},
		{"1,2,3\n4,y,6\n", ".csv", nil, `line 2, column 2: "y" is not a number`},
		{"[1, 2, 3]", ".json", [][]float64{{1, 2, 3}}, ""},
		{"[[1, 2, 3], [4, 5, 6]]", ".json", [][]float64{{1, 2, 3}, {4, 5, 6}}, ""},
		{"[1, null, 3]", ".json", nil, "row 0, value 1 is null"},
		{`{"x": 1}`, ".json", nil, "want a JSON array"},
		{"", ".json", nil, "want a JSON array"},
	} {
		parse := parseCSVRows
		if c.ext == ".json" {
			parse = parseJSONRows
		}
		got, err := observationRows([]byte(c.text), 3, parse)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one containing %q", c.text, err, c.err)
			}
			continue
		}
		if err != nil || len(got) != len(c.want) {
			t.Errorf("%q: %v, %v; want %v", c.text, got, err, c.want)
			continue
		}
		for i := range got {
			for j := range got[i] {
				if got[i][j] != c.want[i][j] {
					t.Errorf("%q: %v, want %v", c.text, got, c.want)
				}
			}
		}
	}
}

// FuzzObservationRows feeds any text to both parsers: an error or rows of
// D values, never a panic.
func FuzzObservationRows(f *testing.F) {
	for _, s := range []string{"1,2,3\n", "a,b\n1,2\n", "1\n2\n3\n", "[1,2,3]", "[[1,2,3],[4,5,6]]", "[1,null]", "\"", "1e999,2,3"} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, text []byte, d uint8) {
		D := int(d%8) + 1
		for _, parse := range []func([]byte) ([][]float64, error){parseCSVRows, parseJSONRows} {
			rows, err := observationRows(text, D, parse)
			if err != nil {
				continue
			}
			for _, r := range rows {
				if len(r) != D {
					t.Fatalf("row of %d values for D = %d", len(r), D)
				}
			}
		}
	})
}
