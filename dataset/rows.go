package dataset

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
)

// WriteRowsNPY writes rows (n rows of cols values each, e.g. posterior
// draws) as an n x cols float64 .npy file, atomically.
func WriteRowsNPY(path string, rows [][]float64, cols int) error {
	flat, err := flatRows(rows, cols)
	if err != nil {
		return fmt.Errorf("dataset: write %s: %w", path, err)
	}
	return WriteNPY(path, flat, len(rows), cols)
}

// EncodeRowsNPY writes rows (n rows of cols values each) to w as an
// n x cols float64 .npy array.
func EncodeRowsNPY(w io.Writer, rows [][]float64, cols int) error {
	flat, err := flatRows(rows, cols)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	return writeNpy(w, flat, len(rows), cols)
}

// flatRows joins rows of cols values each into one slice.
func flatRows(rows [][]float64, cols int) ([]float64, error) {
	flat := make([]float64, 0, len(rows)*cols)
	for _, r := range rows {
		if len(r) != cols {
			return nil, fmt.Errorf("a row of %d values, want %d", len(r), cols)
		}
		flat = append(flat, r...)
	}
	return flat, nil
}

// WriteRowsCSV writes rows as CSV under a header of names, each value with
// 9 significant digits (float32 round-trips; pandas and numpy read it),
// atomically.
func WriteRowsCSV(path string, names []string, rows [][]float64) error {
	return atomicfile.Write(path, func(f *os.File) error { return EncodeRowsCSV(f, names, rows) })
}

// EncodeRowsCSV writes rows to w as WriteRowsCSV writes them to a file.
func EncodeRowsCSV(out io.Writer, names []string, rows [][]float64) error {
	w := bufio.NewWriter(out)
	w.WriteString(strings.Join(names, ",") + "\n")
	for _, r := range rows {
		for j, v := range r {
			if j > 0 {
				w.WriteByte(',')
			}
			w.WriteString(strconv.FormatFloat(v, 'g', 9, 64))
		}
		w.WriteByte('\n')
	}
	return w.Flush()
}

// TraceCSVHeader is the header EncodeTraceCSV writes: the columns and
// units laa's recording reader takes.
const TraceCSVHeader = "time_ms,voltage_mV,current_uA_per_cm2"

// EncodeTraceCSV writes simulation i of s (a set with a time series and
// its stimulus) to w as a recording's CSV: TraceCSVHeader, then time,
// voltage and current per sample, the voltage with 9 significant digits
// (a float32 exactly).
func (s *Set) EncodeTraceCSV(w io.Writer, i int) error {
	if i < 0 || i >= s.N || len(s.Traces) < s.N*s.T || len(s.Time) < s.T || len(s.Stimulus) < s.T {
		return fmt.Errorf("dataset: trace %d of a set of %d simulations of %d samples", i, s.N, s.T)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(TraceCSVHeader + "\n")
	v := s.Traces[i*s.T : (i+1)*s.T]
	for k := range s.T {
		fmt.Fprintf(bw, "%g,%.9g,%g\n", s.Time[k], v[k], s.Stimulus[k])
	}
	return bw.Flush()
}
