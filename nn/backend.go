package nn

import "fmt"

// Backend multiplies matrices. Every matrix product in this package goes
// through one, so a faster implementation (OpenBLAS through cgo, or later an
// accelerator) replaces the default without touching the layers.
//
// Slices are row-major: element (i, j) of a matrix with leading dimension ld
// is at index i*ld+j.
type Backend interface {
	// Name identifies the implementation, e.g. "gonum" or "openblas".
	Name() string
	// Sgemm computes C = alpha*op(A)*op(B) + beta*C, where op(X) is X or Xᵀ
	// as transA and transB say, op(A) is m x k, op(B) is k x n and C is
	// m x n. lda, ldb and ldc are the row strides of A, B and C as stored.
	// With beta == 0, C is overwritten (its old contents, even NaN, are
	// ignored). It panics when a slice is too short for its shape.
	Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// defaultBackend is what the layers use; see backend_openblas.go for the
// build-tag override.
var defaultBackend Backend = pureGoBackend()

// DefaultBackend returns the backend the layers use: OpenBLAS when built
// with -tags openblas (and cgo); otherwise the pure-Go AVX2+FMA kernel
// (Asm) on CPUs that have them, and gonum's BLAS elsewhere.
func DefaultBackend() Backend { return defaultBackend }

// BackendName returns the name of the default backend, for logs and
// benchmark labels.
func BackendName() string { return defaultBackend.Name() }

// SetDefaultBackend makes b the backend the layers use and returns the
// previous one. It is not safe to call while layers are running.
func SetDefaultBackend(b Backend) (prev Backend) {
	if b == nil {
		panic("nn: nil backend")
	}
	prev, defaultBackend = defaultBackend, b
	return prev
}

// Gemm computes c = alpha*op(a)*op(b) + beta*c with the default backend. It
// panics when the shapes do not agree.
func Gemm(transA, transB bool, alpha float32, a, b *Mat, beta float32, c *Mat) {
	m, k := a.Rows, a.Cols
	if transA {
		m, k = k, m
	}
	kb, n := b.Rows, b.Cols
	if transB {
		kb, n = n, kb
	}
	if k != kb || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("nn: gemm shapes %s(%dx%d) * %s(%dx%d) -> %dx%d",
			opName(transA), a.Rows, a.Cols, opName(transB), b.Rows, b.Cols, c.Rows, c.Cols))
	}
	defaultBackend.Sgemm(transA, transB, m, n, k, alpha, a.Data, a.Cols, b.Data, b.Cols, beta, c.Data, c.Cols)
}

func opName(trans bool) string {
	if trans {
		return "T"
	}
	return "N"
}

// checkSgemm panics unless the slices hold the matrices that the Sgemm
// arguments describe. Backends that hand pointers to C must call it.
func checkSgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("nn: negative gemm size %dx%dx%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkStored("A", ar, ac, a, lda)
	checkStored("B", br, bc, b, ldb)
	checkStored("C", m, n, c, ldc)
}

func checkStored(name string, rows, cols int, s []float32, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("nn: gemm %s leading dimension %d < %d columns", name, ld, cols))
	}
	if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("nn: gemm %s has %d values, need %d", name, len(s), (rows-1)*ld+cols))
	}
}
