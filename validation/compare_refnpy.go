package validation

import (
	"fmt"

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

// readNpy2D reads a float64 n x d .npy file written by writeNpy2D
// (dataset.ReadNPY bounds it by the file's size).
func readNpy2D(path string) ([][]float64, error) {
	flat, shape, err := dataset.ReadNPY(path)
	if err != nil {
		return nil, fmt.Errorf("validation: references: %w", err)
	}
	if len(shape) != 2 {
		return nil, fmt.Errorf("validation: references: %s has shape %v, want 2 dimensions", path, shape)
	}
	out := make([][]float64, shape[0])
	for i := range out {
		out[i] = flat[i*shape[1] : (i+1)*shape[1]]
	}
	return out, nil
}
