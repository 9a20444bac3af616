package nn

import (
	"fmt"
	"math"
	"os"
	"testing"
)

// TestAsmSgemm checks Asm against the float64 triple loop on many shapes,
// all transpose combinations, padded leading dimensions and alpha/beta
// variants, including beta == 0 over NaN.
func TestAsmSgemm(t *testing.T) {
	t.Parallel()
	if !AsmSupported() {
		t.Skip("no AVX2+FMA: Asm falls back to Gonum")
	}
	rng := newRNG(11)
	sizes := [][3]int{
		{1, 1, 1}, {1, 1, 7}, {1, 17, 1}, {5, 1, 3}, {3, 4, 0}, {0, 4, 3}, {4, 0, 3},
		{6, 16, 1}, {6, 16, 4}, {6, 16, 5}, {7, 17, 9}, {5, 15, 3}, {12, 32, 8},
		{13, 33, 257}, {96, 16, 256}, {97, 15, 255}, {100, 1030, 20}, {256, 23, 128},
		{200, 4, 3}, {4, 256, 4}, {61, 70, 513}, {192, 48, 600}, {256, 128, 34},
	}
	for range 40 {
		sizes = append(sizes, [3]int{1 + rng.IntN(120), 1 + rng.IntN(120), 1 + rng.IntN(300)})
	}
	type ab struct{ alpha, beta float32 }
	for _, sz := range sizes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, v := range []ab{{1, 0}, {1.5, 0}, {1, 1}, {-0.75, 0.5}, {0, 2}, {2, -1}} {
					m, n, k := sz[0], sz[1], sz[2]
					ar, ac := m, k
					if tA {
						ar, ac = k, m
					}
					br, bc := k, n
					if tB {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+rng.IntN(3), bc+rng.IntN(3), n+rng.IntN(3)
					lda, ldb, ldc = max(lda, 1), max(ldb, 1), max(ldc, 1)
					a := randMat(rng, max(ar, 1), lda, 1).Data
					b := randMat(rng, max(br, 1), ldb, 1).Data
					c := randMat(rng, max(m, 1), ldc, 1).Data
					if v.beta == 0 {
						for i := range c {
							c[i] = float32(math.NaN()) // must be ignored
						}
					}
					c0 := append([]float32(nil), c...)
					want := naiveGemm(tA, tB, m, n, k, v.alpha, a, lda, b, ldb, v.beta, c, ldc)
					Asm{}.Sgemm(tA, tB, m, n, k, v.alpha, a, lda, b, ldb, v.beta, c, ldc)
					name := fmt.Sprintf("%v tA=%v tB=%v alpha=%g beta=%g ld=%d,%d,%d", sz, tA, tB, v.alpha, v.beta, lda, ldb, ldc)
					for i := range max(m, 1) {
						for j := range ldc {
							got := float64(c[i*ldc+j])
							if i >= m || j >= n { // outside C: untouched
								if math.Float32bits(c[i*ldc+j]) != math.Float32bits(c0[i*ldc+j]) {
									t.Fatalf("%s: wrote outside C at [%d,%d]", name, i, j)
								}
								continue
							}
							w := want[i*n+j]
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

// TestAsmSgemmShort checks that Asm panics, rather than reading or writing
// out of bounds, when a slice is too short.
func TestAsmSgemmShort(t *testing.T) {
	t.Parallel()
	a, b, c := make([]float32, 12*8), make([]float32, 8*16), make([]float32, 12*16)
	for _, tc := range []struct {
		name    string
		a, b, c []float32
	}{{"A", a[:len(a)-1], b, c}, {"B", a, b[:len(b)-1], c}, {"C", a, b, c[:len(c)-1]}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("short %s: no panic", tc.name)
				}
			}()
			Asm{}.Sgemm(false, false, 12, 16, 8, 1, tc.a, 8, tc.b, 16, 0, tc.c, 16)
		}()
	}
}

// With LAA_TEST_BACKEND=go-avx2, the package's tests (gradient checks
// included) run over Asm as the default backend.
func init() {
	if os.Getenv("LAA_TEST_BACKEND") == "go-avx2" && AsmSupported() {
		SetDefaultBackend(Asm{})
	}
}
