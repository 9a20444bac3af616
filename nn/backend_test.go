package nn

import (
	"fmt"
	"math"
	"testing"
)

// gemmTol is the relative tolerance of a float32 product against float64.
const gemmTol = 1e-5

// naiveGemm computes alpha*op(A)*op(B) + beta*C in float64.
func naiveGemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				ai, bi := i*lda+p, p*ldb+j
				if tA {
					ai = p*lda + i
				}
				if tB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			s *= float64(alpha)
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = s
		}
	}
	return out
}

func testBackends() []Backend {
	bs := []Backend{Gonum{}}
	if DefaultBackend().Name() != "gonum" {
		bs = append(bs, DefaultBackend())
	}
	return bs
}

func TestSgemm(t *testing.T) {
	t.Parallel()
	rng := newRNG(10)
	for _, be := range testBackends() {
		for _, sz := range [][3]int{{7, 5, 3}, {70, 130, 65}, {16, 17, 100}, {20, 70, 1100}, {1, 1, 1}, {3, 4, 0}} {
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					for _, beta := range []float32{0, 0.5} {
						m, n, k := sz[0], sz[1], sz[2]
						ar, ac := m, k
						if tA {
							ar, ac = k, m
						}
						br, bc := k, n
						if tB {
							br, bc = n, k
						}
						lda, ldb, ldc := ac+2, bc+1, n+3 // strided storage
						a := randMat(rng, max(ar, 1), lda, 1).Data
						b := randMat(rng, max(br, 1), ldb, 1).Data
						c := randMat(rng, m, ldc, 1).Data
						if beta == 0 {
							for i := range c {
								c[i] = float32(math.NaN()) // must be ignored
							}
						}
						want := naiveGemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, beta, c, ldc)
						be.Sgemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, beta, c, ldc)
						name := fmt.Sprintf("%s %v tA=%v tB=%v beta=%g", be.Name(), sz, tA, tB, beta)
						for i := range m {
							for j := range n {
								got, w := float64(c[i*ldc+j]), want[i*n+j]
								if !(math.Abs(got-w) <= gemmTol*(1+math.Abs(w))*math.Sqrt(float64(k+1))) {
									t.Fatalf("%s: C[%d,%d] = %g, want %g", name, i, j, got, w)
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestGemmShapes(t *testing.T) {
	t.Parallel()
	a, b, c := NewMat(2, 3), NewMat(2, 4), NewMat(3, 4)
	Gemm(true, false, 1, a, b, 0, c) // (3x2)(2x4) fits
	defer func() {
		if recover() == nil {
			t.Error("no panic on mismatched shapes")
		}
	}()
	Gemm(false, false, 1, a, b, 0, c)
}

func TestBackendName(t *testing.T) {
	t.Parallel()
	if n := BackendName(); n != "gonum" && n != "openblas" && n != "go-avx2" && n != "go-neon" {
		t.Errorf("BackendName() = %q", n)
	}
}
