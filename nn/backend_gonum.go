package nn

import (
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Gonum is the pure-Go backend over gonum's float32 BLAS. It splits large
// products over goroutines by itself.
//
// Gonum's dot-product kernel (C = A Bᵀ) runs about 1.5x faster than its
// NN kernel, and its Aᵀ B kernel is the slowest, so Sgemm first copies
// operands into a better layout where the copy is cheap next to the
// product: Aᵀ when n is large (the copy costs O(mk) against O(mnk)), and B
// when the inner dimension is moderate (weights, not a whole sequence's
// gradients, whose copy would cost more than it saves).
type Gonum struct{}

// Name returns "gonum".
func (Gonum) Name() string { return "gonum" }

// Layout thresholds of Gonum.Sgemm, tuned on the layer shapes of this
// package (see BenchmarkMLPStep and BenchmarkLSTM).
const (
	minDotK     = 32   // inner dimension from which re-laying out pays
	minLayoutMN = 16   // smallest m and n worth re-laying out for
	minTransN   = 64   // n from which copying Aᵀ pays
	maxCopyBK   = 1024 // largest inner dimension for which B is copied
)

// scratch holds transposed operands between calls.
var scratch = sync.Pool{New: func() any { return new([]float32) }}

// Sgemm implements Backend.
func (Gonum) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k >= minDotK && m >= minLayoutMN && n >= minLayoutMN {
		checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		if transA && n >= minTransN { // A is stored k x m
			buf := scratch.Get().(*[]float32)
			defer scratch.Put(buf)
			*buf = grow(*buf, m*k)
			transpose(*buf, k, a, lda, k, m)
			a, lda, transA = *buf, k, false
		}
		if !transA && !transB && k <= maxCopyBK { // B is stored k x n
			buf := scratch.Get().(*[]float32)
			defer scratch.Put(buf)
			*buf = grow(*buf, n*k)
			transpose(*buf, k, b, ldb, k, n)
			b, ldb, transB = *buf, k, true
		}
	}
	gonum.Implementation{}.Sgemm(trans(transA), trans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// transpose writes the transpose of the rows x cols matrix src (stride lds)
// into dst (stride ldd), in cache-sized tiles.
func transpose(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	const tile = 16
	for i0 := 0; i0 < rows; i0 += tile {
		i1 := min(i0+tile, rows)
		for j0 := 0; j0 < cols; j0 += tile {
			for j := j0; j < min(j0+tile, cols); j++ {
				d, s := dst[j*ldd+i0:j*ldd+i1], src[i0*lds+j:]
				for i := range d {
					d[i] = s[i*lds]
				}
			}
		}
	}
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
