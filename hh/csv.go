package hh

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/laa-neuro/laa/atomicfile"
)

// CSVHeader is the first line WriteCSV writes.
const CSVHeader = "time_ms,voltage_mV,current_uA_per_cm2"

// WriteCSV writes a trace and its stimulus to path as CSV: the header
// CSVHeader, then one row "time,v,i" per sample in shortest round-trip
// notation. The three columns must have the same, non-zero length and hold
// finite values. The file is written atomically: to a temporary file in the
// same directory, renamed into place.
func WriteCSV(path string, time, v, i []float64) error {
	if len(time) == 0 || len(v) != len(time) || len(i) != len(time) {
		return fmt.Errorf("hh: csv %s: columns of length %d, %d and %d, want equal and non-zero", path, len(time), len(v), len(i))
	}
	for r := range time {
		for _, x := range [...]float64{time[r], v[r], i[r]} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("hh: csv %s: non-finite value %v in row %d", path, x, r+1)
			}
		}
	}
	err := atomicfile.Write(path, func(f *os.File) error {
		w := bufio.NewWriter(f)
		w.WriteString(CSVHeader + "\n")
		var buf []byte
		for r := range time {
			buf = strconv.AppendFloat(buf[:0], time[r], 'g', -1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, v[r], 'g', -1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, i[r], 'g', -1, 64)
			buf = append(buf, '\n')
			w.Write(buf)
		}
		return w.Flush()
	})
	if err != nil {
		return fmt.Errorf("hh: csv: %w", err)
	}
	return nil
}

// WriteCSV writes the trace's time, voltage and current columns to path with
// the package function WriteCSV.
func (t Trace) WriteCSV(path string) error { return WriteCSV(path, t.Time, t.V, t.I) }
