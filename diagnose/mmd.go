package diagnose

import (
	"fmt"
	"math"
	"slices"
)

// maxBandwidthRows caps the rows whose pairwise distances set the median
// heuristic, so that it stays fast for large samples.
const maxBandwidthRows = 1000

// MMD2 returns the unbiased estimate of the squared maximum mean discrepancy
// (Gretton et al. 2012) between samples x (m x D) and y (n x D) under the
// Gaussian kernel k(a, b) = exp(-|a - b|^2 / (2 h^2)):
//
//	MMD^2_u = sum_{i!=j} k(x_i, x_j) / (m(m-1)) + sum_{i!=j} k(y_i, y_j) / (n(n-1))
//	        - 2 sum_{i,j} k(x_i, y_j) / (m n).
//
// When n == 1 the y-y term has no pairs and is left out. A bandwidth h <= 0
// means MedianBandwidth of x and y together.
func MMD2(x, y [][]float64, bandwidth float64) (float64, error) {
	m, d, err := checkMatrix("x", x)
	if err != nil {
		return 0, err
	}
	n, dy, err := checkMatrix("y", y)
	if err != nil {
		return 0, err
	}
	if d != dy || m < 2 {
		return 0, fmt.Errorf("diagnose: MMD of %dx%d and %dx%d samples", m, d, n, dy)
	}
	xs, ys := flatten(x), flatten(y)
	h := bandwidth
	if h <= 0 {
		h = medianBandwidth(slices.Concat(xs, ys), d)
	}
	g := gaussKernel{d: d, c: -1 / (2 * h * h)}
	_, kxx := g.rowSums(xs)
	_, kyy := g.rowSums(ys)
	return g.mmd2(kxx, m, kyy, n, g.cross(xs, ys)), nil
}

// MedianBandwidth returns the median heuristic bandwidth: the median
// Euclidean distance between distinct rows of x (of at most its first
// 1000 rows, taken at an even stride).
func MedianBandwidth(x [][]float64) (float64, error) {
	_, d, err := checkMatrix("x", x)
	if err != nil {
		return 0, err
	}
	return medianBandwidth(flatten(x), d), nil
}

func medianBandwidth(flat []float64, d int) float64 {
	rows := len(flat) / d
	stride := max(1, (rows+maxBandwidthRows-1)/maxBandwidthRows)
	var sel []float64
	for i := 0; i < rows; i += stride {
		sel = append(sel, flat[i*d:(i+1)*d]...)
	}
	k := len(sel) / d
	dist := make([]float64, 0, k*(k-1)/2)
	for i := range k {
		for j := i + 1; j < k; j++ {
			dist = append(dist, math.Sqrt(sqDist(sel[i*d:(i+1)*d], sel[j*d:(j+1)*d])))
		}
	}
	if len(dist) == 0 {
		return 1
	}
	h := median(dist)
	if h == 0 {
		return 1 // degenerate sample: any positive bandwidth does
	}
	return h
}

// median returns the median of x in linear expected time, reordering x.
func median(x []float64) float64 {
	k := len(x) / 2
	hi := selectKth(x, k)
	if len(x)%2 == 1 {
		return hi
	}
	return (slices.Max(x[:k]) + hi) / 2 // x[:k] holds the k smallest
}

// selectKth reorders x so that x[k] is its k-th smallest element (0-based),
// with no larger element before it and no smaller one after it, and returns
// x[k] (quickselect with a median-of-three pivot).
func selectKth(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		pivot := max(min(x[lo], x[mid]), min(max(x[lo], x[mid]), x[hi]))
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k]
		}
	}
	return x[k]
}

// gaussKernel evaluates exp(c |a - b|^2) on flat rows of length d.
type gaussKernel struct {
	d int
	c float64
}

func (g gaussKernel) at(a, b []float64) float64 { return math.Exp(g.c * sqDist(a, b)) }

func (g gaussKernel) row(x []float64, i int) []float64 { return x[i*g.d : (i+1)*g.d] }

// rowSums returns sum_{j != i} k(x_i, x_j) for every row and their total.
func (g gaussKernel) rowSums(x []float64) (rows []float64, total float64) {
	n := len(x) / g.d
	rows = make([]float64, n)
	for i := range n {
		xi := g.row(x, i)
		for j := i + 1; j < n; j++ {
			k := g.at(xi, g.row(x, j))
			rows[i] += k
			rows[j] += k
		}
	}
	for _, r := range rows {
		total += r
	}
	return rows, total
}

// cross returns sum_{i,j} k(x_i, y_j).
func (g gaussKernel) cross(x, y []float64) float64 {
	var s float64
	for i := range len(x) / g.d {
		for j := range len(y) / g.d {
			s += g.at(g.row(x, i), g.row(y, j))
		}
	}
	return s
}

// mmd2 assembles MMD^2_u from the kernel sums (see MMD2).
func (g gaussKernel) mmd2(kxx float64, m int, kyy float64, n int, kxy float64) float64 {
	v := kxx/float64(m*(m-1)) - 2*kxy/float64(m*n)
	if n > 1 {
		v += kyy / float64(n*(n-1))
	}
	return v
}

func sqDist(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		e := v - b[i]
		s += e * e
	}
	return s
}

func flatten(x [][]float64) []float64 { return slices.Concat(x...) }
