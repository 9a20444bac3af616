package diagnose

import (
	"fmt"
	"math"
)

// checkMatrix returns the shape of a non-empty, rectangular, finite matrix.
func checkMatrix(name string, x [][]float64) (rows, cols int, err error) {
	if len(x) == 0 || len(x[0]) == 0 {
		return 0, 0, fmt.Errorf("diagnose: %s is empty", name)
	}
	cols = len(x[0])
	for i, row := range x {
		if len(row) != cols {
			return 0, 0, fmt.Errorf("diagnose: %s row %d has %d columns, want %d", name, i, len(row), cols)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("diagnose: %s[%d][%d] is %v", name, i, j, v)
			}
		}
	}
	return len(x), cols, nil
}

// checkVector reports an empty or non-finite vector.
func checkVector(name string, x []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("diagnose: %s is empty", name)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("diagnose: %s[%d] is %v", name, i, v)
		}
	}
	return nil
}

// checkSet validates M truths (M x P) against their draws (M x S x P) and
// returns M, S and P. Every simulation must have the same number of draws.
func checkSet(truths [][]float64, draws [][][]float64) (m, s, p int, err error) {
	m, p, err = checkMatrix("truths", truths)
	if err != nil {
		return 0, 0, 0, err
	}
	if len(draws) != m {
		return 0, 0, 0, fmt.Errorf("diagnose: %d truths but %d draw sets", m, len(draws))
	}
	for i, d := range draws {
		rows, cols, err := checkMatrix(fmt.Sprintf("draws[%d]", i), d)
		if err != nil {
			return 0, 0, 0, err
		}
		if i == 0 {
			s = rows
		}
		if rows != s || cols != p {
			return 0, 0, 0, fmt.Errorf("diagnose: draws[%d] is %dx%d, want %dx%d", i, rows, cols, s, p)
		}
	}
	return m, s, p, nil
}

// column copies column j of x.
func column(x [][]float64, j int) []float64 {
	c := make([]float64, len(x))
	for i, row := range x {
		c[i] = row[j]
	}
	return c
}
