package comparison

import (
	"fmt"

	"github.com/laa-neuro/laa/dataset"
)

// readNpy2D reads a float64 n x d .npy file written by dataset.WriteRowsNPY
// (dataset.ReadNPY bounds it by the file's size).
func readNpy2D(path string) ([][]float64, error) {
	flat, shape, err := dataset.ReadNPY(path)
	if err != nil {
		return nil, fmt.Errorf("comparison: references: %w", err)
	}
	if len(shape) != 2 {
		return nil, fmt.Errorf("comparison: references: %s has shape %v, want 2 dimensions", path, shape)
	}
	out := make([][]float64, shape[0])
	for i := range out {
		out[i] = flat[i*shape[1] : (i+1)*shape[1]]
	}
	return out, nil
}
