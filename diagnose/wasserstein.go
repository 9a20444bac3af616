package diagnose

import (
	"fmt"
	"math"
	"slices"
)

// Wasserstein1 returns the 1-Wasserstein (earth mover's) distance between
// the empirical distributions of x and y,
//
//	W1 = integral |F_x(t) - F_y(t)| dt,
//
// summed exactly over the merged sorted samples. For equal sizes n this is
// the sorted-sample formula (1/n) sum_i |x_(i) - y_(i)|.
func Wasserstein1(x, y []float64) (float64, error) {
	if err := checkVector("x", x); err != nil {
		return 0, err
	}
	if err := checkVector("y", y); err != nil {
		return 0, err
	}
	xs, ys := slices.Clone(x), slices.Clone(y)
	slices.Sort(xs)
	slices.Sort(ys)
	n, m := float64(len(xs)), float64(len(ys))
	var w float64
	i, j, prev := 0, 0, math.Min(xs[0], ys[0])
	for i < len(xs) || j < len(ys) {
		t := xs[min(i, len(xs)-1)]
		if i == len(xs) || (j < len(ys) && ys[j] < t) {
			t = ys[j]
		}
		w += math.Abs(float64(i)/n-float64(j)/m) * (t - prev) // F_x, F_y are flat on [prev, t)
		for i < len(xs) && xs[i] == t {
			i++
		}
		for j < len(ys) && ys[j] == t {
			j++
		}
		prev = t
	}
	return w, nil
}

// Wasserstein1Columns returns Wasserstein1 between matching columns of a
// (N x P) and b (M x P): one distance per parameter.
func Wasserstein1Columns(a, b [][]float64) ([]float64, error) {
	_, p, err := checkMatrix("a", a)
	if err != nil {
		return nil, err
	}
	if _, q, err := checkMatrix("b", b); err != nil {
		return nil, err
	} else if q != p {
		return nil, fmt.Errorf("diagnose: samples have %d and %d columns", p, q)
	}
	w := make([]float64, p)
	for j := range p {
		w[j], _ = Wasserstein1(column(a, j), column(b, j)) // inputs already checked
	}
	return w, nil
}
