package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/recording"
)

// MaxObservationBytes bounds an observation file of another model read as
// text (.csv or .json): 64 MiB, some 4 million numbers.
const MaxObservationBytes = 64 << 20

// readObservations reads the observations of model m (not the LAA neuron)
// in path, each D = m.Observation().Length values: an .npy of D values or
// of n x D; a .csv of D numbers in one column or one row, or n rows of D
// (a first line of names is skipped); or a .json array of D numbers or of
// n such arrays. Observation k of several is named <file>_<k>.
func readObservations(path string, m model.Model) ([][]float64, []string, error) {
	D := m.Observation().Length
	var (
		rows [][]float64
		err  error
	)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		rows, err = readObservationNPY(path, D)
	case ".csv", ".txt":
		rows, err = readObservationText(path, D, parseCSVRows)
	case ".json":
		rows, err = readObservationText(path, D, parseJSONRows)
	default:
		return nil, nil, fmt.Errorf("observation %s: want an .npy, .csv or .json file of %d values (or rows of %d) for model %s", path, D, D, m.Kind())
	}
	if err != nil {
		return nil, nil, fmt.Errorf("observation %s: %w", path, err)
	}
	base := recording.SafeName(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	names := make([]string, len(rows))
	for k := range rows {
		names[k] = base
		if len(rows) > 1 {
			names[k] = fmt.Sprintf("%s_%d", base, k)
		}
		for j, v := range rows[k] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("observation %s: row %d, value %d is %v", path, k, j, v)
			}
		}
	}
	return rows, names, nil
}

// readObservationNPY reads D values or n x D from an .npy file.
func readObservationNPY(path string, D int) ([][]float64, error) {
	data, shape, err := dataset.ReadNPY(path)
	if err != nil {
		return nil, err
	}
	switch {
	case len(shape) == 1 && shape[0] == D:
		return [][]float64{data}, nil
	case len(shape) == 2 && shape[1] == D && shape[0] >= 1:
		return splitRows(data, D), nil
	}
	return nil, fmt.Errorf("array of shape %v; want (%d,) or (n, %d)", shape, D, D)
}

// readObservationText reads a bounded text file and parses it into rows of D.
func readObservationText(path string, D int, parse func([]byte) ([][]float64, error)) ([][]float64, error) {
	f, err := inputfile.Open(path, MaxObservationBytes, "MaxObservationBytes")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	text, err := io.ReadAll(io.LimitReader(f, MaxObservationBytes+1))
	if err != nil {
		return nil, err
	}
	if len(text) > MaxObservationBytes {
		return nil, fmt.Errorf("more than MaxObservationBytes = %d bytes", MaxObservationBytes)
	}
	return observationRows(text, D, parse)
}

// observationRows parses text into observations of D values: one column
// of D numbers is one observation, else every row must hold D.
func observationRows(text []byte, D int, parse func([]byte) ([][]float64, error)) ([][]float64, error) {
	rows, err := parse(text)
	if err != nil {
		return nil, err
	}
	// One column of D numbers is one observation.
	if len(rows) == D && D > 1 && allLength(rows, 1) {
		col := make([]float64, D)
		for i, r := range rows {
			col[i] = r[0]
		}
		return [][]float64{col}, nil
	}
	if len(rows) == 0 {
		return nil, errors.New("no numbers")
	}
	for i, r := range rows {
		if len(r) != D {
			return nil, fmt.Errorf("row %d has %d values; want %d per observation (or one column of %d)", i+1, len(r), D, D)
		}
	}
	return rows, nil
}

// parseCSVRows parses comma-separated numbers; a first line with no number
// in it (column names) is skipped.
func parseCSVRows(text []byte) ([][]float64, error) {
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	var rows [][]float64
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		if line == 1 && isHeader(rec) {
			continue
		}
		row := make([]float64, len(rec))
		for j, field := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
			if err != nil {
				return nil, fmt.Errorf("line %d, column %d: %q is not a number", line, j+1, field)
			}
			row[j] = v
		}
		rows = append(rows, row)
	}
}

// parseJSONRows parses a JSON array of numbers or of arrays of numbers; a
// null (how some writers spell NaN) is an error naming its place.
func parseJSONRows(text []byte) ([][]float64, error) {
	var flat []*float64
	if err := json.Unmarshal(text, &flat); err == nil {
		row, err := noNulls(flat, 0)
		return [][]float64{row}, err
	}
	var nested [][]*float64
	if err := json.Unmarshal(text, &nested); err != nil {
		return nil, fmt.Errorf("want a JSON array of numbers or of arrays of numbers: %w", err)
	}
	rows := make([][]float64, len(nested))
	for i, r := range nested {
		var err error
		if rows[i], err = noNulls(r, i); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// noNulls returns the values of row i, or an error at its first null.
func noNulls(vals []*float64, i int) ([]float64, error) {
	out := make([]float64, len(vals))
	for j, v := range vals {
		if v == nil {
			return nil, fmt.Errorf("row %d, value %d is null (not a number)", i, j)
		}
		out[j] = *v
	}
	return out, nil
}

// splitRows cuts flat into rows of d values.
func splitRows(flat []float64, d int) [][]float64 {
	rows := make([][]float64, len(flat)/d)
	for i := range rows {
		rows[i] = flat[i*d : (i+1)*d]
	}
	return rows
}

// allLength reports whether every row has n values.
func allLength(rows [][]float64, n int) bool {
	for _, r := range rows {
		if len(r) != n {
			return false
		}
	}
	return true
}

// isHeader reports whether no field of a CSV record is a number.
func isHeader(rec []string) bool {
	for _, field := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(field), 64); err == nil {
			return false
		}
	}
	return true
}
