package nn

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"testing"
)

// TestGemmSplitSameBits checks that a product split over row blocks of any
// multiple of the micro-tile height gives the same bits as the product
// computed whole, for every transpose combination, beta 0 and 1 and sizes
// with partial tiles and several cache blocks of k.
func TestGemmSplitSameBits(t *testing.T) {
	t.Parallel()
	if !AsmSupported() {
		t.Skip("no AVX2+FMA: Asm falls back to Gonum and does not split")
	}
	rng := newRNG(21)
	for _, sz := range [][3]int{{13, 17, 5}, {64, 128, 128}, {97, 33, 300}, {256, 16, 513}, {1000, 10, 128}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, beta := range []float32{0, 1} {
					ar, ac := m, k
					if tA {
						ar, ac = k, m
					}
					br, bc := k, n
					if tB {
						br, bc = n, k
					}
					a, b := randMat(rng, ar, ac, 1).Data, randMat(rng, br, bc, 1).Data
					c0 := randMat(rng, m, n, 1).Data
					whole := append([]float32(nil), c0...)
					asmSgemm(tA, tB, m, n, k, 0.7, a, ac, b, bc, beta, whole, n)
					for _, rows := range []int{asmMR, 2 * asmMR, 5 * asmMR, roundUp(m/2, asmMR)} {
						c := append([]float32(nil), c0...)
						task := &gemmTask{tA, tB, m, n, k, 0.7, a, ac, b, bc, beta, c, n, rows}
						for i := range (m + rows - 1) / rows {
							task.runPart(i)
						}
						for i := range c {
							if math.Float32bits(c[i]) != math.Float32bits(whole[i]) {
								t.Fatalf("%v tA=%v tB=%v beta=%g rows %d: element %d is %g split, %g whole",
									sz, tA, tB, beta, rows, i, c[i], whole[i])
							}
						}
					}
				}
			}
		}
	}
}

// TestGemmSameBitsAnyCores runs the default backend's products at
// GOMAXPROCS 1, 2 and 8 and compares the bits.
func TestGemmSameBitsAnyCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := newRNG(22)
	a, b := randMat(rng, 300, 200, 1), randMat(rng, 200, 150, 1)
	var ref []float32
	for _, p := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(p)
		if p > 1 && gemmPartRows(300, 150, 200) >= 300 {
			t.Fatalf("GOMAXPROCS %d: a 300x150x200 product is not split", p)
		}
		c := NewMat(300, 150)
		Gemm(false, false, 1, a, b, 0, c)
		if ref == nil {
			ref = c.Data
			continue
		}
		for i := range ref {
			if math.Float32bits(c.Data[i]) != math.Float32bits(ref[i]) {
				t.Fatalf("GOMAXPROCS %d: element %d is %g, %g on one core", p, i, c.Data[i], ref[i])
			}
		}
	}
}

// TestParallelRunsEveryPartOnce checks Parallel over part counts below,
// at and above the number of goroutines, nested inside itself as training
// nests products inside replicas.
func TestParallelRunsEveryPartOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, p := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(p)
		for _, n := range []int{0, 1, 3, 8, 50} {
			t.Run(fmt.Sprintf("procs%d/n%d", p, n), func(t *testing.T) {
				counts := make([]atomic.Int32, n*n)
				Parallel(n, func(i int) {
					Parallel(n, func(j int) { counts[i*n+j].Add(1) })
				})
				for i := range counts {
					if c := counts[i].Load(); c != 1 {
						t.Fatalf("part %d ran %d times", i, c)
					}
				}
			})
		}
	}
}

// TestSgemmAllocatesNothing checks that a split product allocates nothing
// once the buffers are warm.
func TestSgemmAllocatesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(4)
	rng := newRNG(23)
	a, b, c := randMat(rng, 256, 128, 1), randMat(rng, 128, 128, 1), NewMat(256, 128)
	Gemm(false, false, 1, a, b, 0, c)
	if n := testing.AllocsPerRun(20, func() { Gemm(false, false, 1, a, b, 0, c) }); n > 0 {
		t.Fatalf("%g allocations per product", n)
	}
}

// TestGemmDirectSameBits checks that reading A in place (alpha 1) gives
// the bits of the packed path, transposed or not, with partial panels.
func TestGemmDirectSameBits(t *testing.T) {
	if !AsmSupported() {
		t.Skip("no AVX2+FMA: Asm falls back to Gonum")
	}
	defer func() { asmDirect = true }()
	rng := newRNG(24)
	for _, sz := range [][3]int{{6, 16, 1}, {13, 17, 5}, {100, 40, 300}, {97, 33, 600}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []bool{false, true} {
			for _, beta := range []float32{0, 1} {
				lda := k + 3
				ar := m
				if tA {
					lda, ar = m+2, k
				}
				a, b := randMat(rng, ar, lda, 1).Data, randMat(rng, k, n, 1).Data
				c0 := randMat(rng, m, n, 1).Data
				var got [2][]float32
				for i, d := range []bool{false, true} {
					asmDirect = d
					got[i] = append([]float32(nil), c0...)
					asmSgemm(tA, false, m, n, k, 1, a, lda, b, n, beta, got[i], n)
				}
				for i := range c0 {
					if math.Float32bits(got[0][i]) != math.Float32bits(got[1][i]) {
						t.Fatalf("%v tA=%v beta=%g: element %d is %g packed, %g in place", sz, tA, beta, i, got[0][i], got[1][i])
					}
				}
			}
		}
	}
}

// TestPackBTransposed checks the packed panels of op(B) = Bᵀ element by
// element: full panels through the AVX transpose, a k tail and a partial
// last panel through Go, with zero padding.
func TestPackBTransposed(t *testing.T) {
	if !AsmSupported() {
		t.Skip("no AVX2+FMA")
	}
	rng := newRNG(25)
	for _, sz := range [][2]int{{16, 8}, {40, 21}, {33, 256}, {7, 5}} {
		n, k := sz[0], sz[1]
		ldb := k + 3
		b := randMat(rng, n, ldb, 1).Data
		for _, pc := range []int{0, 1} {
			kb := k - pc
			dst := make([]float32, roundUp(n, asmNR)*kb)
			for i := range dst {
				dst[i] = float32(math.NaN())
			}
			packB(dst, true, b, ldb, pc, kb, 0, n)
			for j0 := 0; j0 < n; j0 += asmNR {
				for p := range kb {
					for jj := range asmNR {
						want := float32(0)
						if j0+jj < n {
							want = b[(j0+jj)*ldb+pc+p]
						}
						if got := dst[j0*kb+p*asmNR+jj]; math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("n=%d k=%d pc=%d: panel %d, p %d, column %d is %g, want %g", n, k, pc, j0/asmNR, p, jj, got, want)
						}
					}
				}
			}
		}
	}
}

// TestParallelPanicReachesCaller checks that a panic in a part, wherever
// it runs, comes out of Parallel on the calling goroutine after every
// other part has ended, so that a caller's recover (a server's request
// guard) catches it and the process goes on.
func TestParallelPanicReachesCaller(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	for round := range 20 {
		var ran atomic.Int32
		got := func() (v any) {
			defer func() { v = recover() }()
			Parallel(8, func(i int) {
				ran.Add(1)
				if i == round%8 {
					panic("part failed")
				}
			})
			return nil
		}()
		if got != "part failed" {
			t.Fatalf("round %d: recovered %v, want the part's panic", round, got)
		}
		if n := ran.Load(); n != 8 {
			t.Fatalf("round %d: %d of 8 parts ran before Parallel returned", round, n)
		}
	}
}
