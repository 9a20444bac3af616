package dataset

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
)

// WriteRowsNPY writes rows (n rows of cols values each, e.g. posterior
// draws) as an n x cols float64 .npy file, atomically.
func WriteRowsNPY(path string, rows [][]float64, cols int) error {
	flat := make([]float64, 0, len(rows)*cols)
	for _, r := range rows {
		if len(r) != cols {
			return fmt.Errorf("dataset: write %s: a row of %d values, want %d", path, len(r), cols)
		}
		flat = append(flat, r...)
	}
	return WriteNPY(path, flat, len(rows), cols)
}

// WriteRowsCSV writes rows as CSV under a header of names, each value with
// 9 significant digits (float32 round-trips; pandas and numpy read it),
// atomically.
func WriteRowsCSV(path string, names []string, rows [][]float64) error {
	return atomicfile.Write(path, func(f *os.File) error {
		w := bufio.NewWriter(f)
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
	})
}
