package validation

import (
	"fmt"
	"os"

	"codeberg.org/sbinet/npyio"

	"github.com/laa-neuro/laa/dataset"
)

// writeNpy2D writes draws (n x d) as a float64 .npy file.
func writeNpy2D(path string, draws [][]float64) error {
	d := 0
	if len(draws) > 0 {
		d = len(draws[0])
	}
	flat := make([]float64, 0, len(draws)*d)
	for _, r := range draws {
		flat = append(flat, r...)
	}
	if err := dataset.WriteNPY(path, flat, len(draws), d); err != nil {
		return fmt.Errorf("validation: references: %w", err)
	}
	return nil
}

// readNpy2D reads a float64 n x d .npy file written by writeNpy2D.
func readNpy2D(path string) ([][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("validation: references: %w", err)
	}
	defer f.Close()
	r, err := npyio.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("validation: references: %s: %w", path, err)
	}
	shape := r.Header.Descr.Shape
	if len(shape) != 2 {
		return nil, fmt.Errorf("validation: references: %s has shape %v, want 2 dimensions", path, shape)
	}
	var flat []float64
	if err := r.Read(&flat); err != nil {
		return nil, fmt.Errorf("validation: references: %s: %w", path, err)
	}
	if len(flat) != shape[0]*shape[1] {
		return nil, fmt.Errorf("validation: references: %s holds %d values for shape %v", path, len(flat), shape)
	}
	out := make([][]float64, shape[0])
	for i := range out {
		out[i] = flat[i*shape[1] : (i+1)*shape[1]]
	}
	return out, nil
}
