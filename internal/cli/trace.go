package cli

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/npe"
)

// recordingFlags are the options for reading recordings.
type recordingFlags struct{}

func (r *recordingFlags) register(cmd *cobra.Command) {}

// readObserved reads a CSV trace on the model's grid: a header naming
// time_ms, voltage_mV and current_uA_per_cm2 columns.
func readObserved(path string, m *npe.Model, _ recordingFlags) (observed, error) {
	f, err := os.Open(path)
	if err != nil {
		return observed{}, fmt.Errorf("read trace: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return observed{}, fmt.Errorf("read trace %s: %w", path, err)
	}
	if len(rows) < 2 {
		return observed{}, fmt.Errorf("read trace %s: no data rows", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	vi, ok := col["voltage_mV"]
	if !ok {
		return observed{}, fmt.Errorf("read trace %s: no voltage_mV column in header %v", path, rows[0])
	}
	ci, hasCur := col["current_uA_per_cm2"]
	o := observed{name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))}
	for r, row := range rows[1:] {
		v, err := strconv.ParseFloat(strings.TrimSpace(row[vi]), 64)
		if err != nil || math.IsNaN(v) {
			return observed{}, fmt.Errorf("read trace %s line %d: bad voltage %q", path, r+2, row[vi])
		}
		o.trace = append(o.trace, v)
		if hasCur {
			c, err := strconv.ParseFloat(strings.TrimSpace(row[ci]), 64)
			if err != nil {
				return observed{}, fmt.Errorf("read trace %s line %d: bad current %q", path, r+2, row[ci])
			}
			o.current = append(o.current, c)
		}
	}
	return o, nil
}
