package nn

import (
	"hash/fnv"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The tests in this file hold for every assembly kernel behind Asm (AVX2
// on amd64, NEON on arm64): both compute each tile element as the same
// sequence of fused multiply-adds, so their results agree to the bit.

// fma32 returns x*y + z rounded once to float32 (round to nearest even),
// computed exactly with math/big: the reference for one FMA lane.
func fma32(x, y, z float32) float32 {
	p := new(big.Float).SetPrec(64).Mul(big.NewFloat(float64(x)), big.NewFloat(float64(y))) // exact: 48 bits
	s := new(big.Float).SetPrec(24).SetMode(big.ToNearestEven).Add(p, big.NewFloat(float64(z)))
	f, _ := s.Float32()
	return f
}

// exactFloats returns n floats in (-1, 1), each a multiple of 2⁻²³, drawn
// with integer arithmetic only, so every architecture draws the same bits.
func exactFloats(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(int32(rng.Uint32()>>8)-1<<23) / (1 << 23)
	}
	return v
}

// TestSgemmKernelExact checks the 6x16 micro-kernel to the bit against a
// model of it: each element of the tile is the chain of fused multiply-adds
// over k in order from zero, then one more with beta and C (none when
// beta == 0, where C, here NaN, is not read). It also checks that nothing
// outside the 6x16 tile of the strided C moves.
func TestSgemmKernelExact(t *testing.T) {
	t.Parallel()
	if !hasAsmKernel {
		t.Skip("no assembly kernel on this CPU or architecture")
	}
	rng := newRNG(21)
	const ldc = asmNR + 3
	for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 64} {
		for _, beta := range []float32{0, 1, -0.375, 2.5} {
			a, b := exactFloats(rng, asmMR*k), exactFloats(rng, asmNR*k)
			c := exactFloats(rng, (asmMR+1)*ldc) // one guard row below the tile
			if beta == 0 {
				for r := range asmMR {
					for j := range asmNR {
						c[r*ldc+j] = float32(math.NaN())
					}
				}
			}
			c0 := append([]float32(nil), c...)
			var ap, bp *float32
			if k > 0 {
				ap, bp = &a[0], &b[0]
			}
			sgemmKernel6x16(k, ap, bp, &c[0], ldc, beta)
			for r := range asmMR + 1 {
				for j := range ldc {
					got := c[r*ldc+j]
					if r == asmMR || j >= asmNR {
						if math.Float32bits(got) != math.Float32bits(c0[r*ldc+j]) {
							t.Fatalf("k=%d beta=%g: wrote outside the tile at [%d,%d]", k, beta, r, j)
						}
						continue
					}
					var want float32
					for p := range k {
						want = fma32(a[p*asmMR+r], b[p*asmNR+j], want)
					}
					if beta != 0 {
						want = fma32(beta, c0[r*ldc+j], want)
					}
					if math.Float32bits(got) != math.Float32bits(want) {
						t.Fatalf("k=%d beta=%g: tile[%d,%d] = %g (%#x), want %g (%#x)",
							k, beta, r, j, got, math.Float32bits(got), want, math.Float32bits(want))
					}
				}
			}
		}
	}
}

// TestSgemmPackB checks the assembly packers against plain copies: the
// packed panels hold the source rows in order, and nothing else moves.
func TestSgemmPackB(t *testing.T) {
	t.Parallel()
	if !hasAsmKernel {
		t.Skip("no assembly kernel on this CPU or architecture")
	}
	rng := newRNG(22)
	for _, k := range []int{1, 2, 5, 16} {
		for _, panels := range []int{1, 2, 3} {
			lds := panels*asmNR + 5
			src := exactFloats(rng, k*lds)
			kb := k + 1 // panels spaced wider than k rows: row k of each stays
			dst := exactFloats(rng, panels*asmNR*kb+asmNR)
			want := append([]float32(nil), dst...)
			for p := range k {
				for j := range panels {
					copy(want[j*asmNR*kb+p*asmNR:][:asmNR], src[p*lds+j*asmNR:])
				}
			}
			sgemmPackBRows(k, &src[0], lds, &dst[0], panels, kb)
			for i := range dst {
				if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
					t.Fatalf("sgemmPackBRows k=%d panels=%d: dst[%d] = %g, want %g", k, panels, i, dst[i], want[i])
				}
			}

			off := lds - asmNR // the last 16 floats of each row
			dst = exactFloats(rng, k*asmNR+asmNR)
			want = append([]float32(nil), dst...)
			for p := range k {
				copy(want[p*asmNR:][:asmNR], src[p*lds+off:])
			}
			sgemmPackB16(k, &src[off], lds, &dst[0])
			for i := range dst {
				if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
					t.Fatalf("sgemmPackB16 k=%d lds=%d: dst[%d] = %g, want %g", k, lds, i, dst[i], want[i])
				}
			}
		}
	}
}

// asmGoldenSum is the FNV-64a sum of the bits of every C that
// asmGoldenProducts computes, as the AVX2 kernel on amd64 computes it.
const asmGoldenSum = 0x9ab7b9ba98ab6b97

// asmGoldenProducts runs Asm over edge-sized and multi-block shapes, all
// transpose cases and several alpha/beta, on inputs drawn with integer
// arithmetic, and returns the FNV-64a sum of the bits of the results.
func asmGoldenProducts() uint64 {
	rng := newRNG(23)
	h := fnv.New64a()
	var buf [4]byte
	sizes := [][3]int{
		{1, 1, 1}, {6, 16, 4}, {7, 17, 9}, {5, 15, 3}, {13, 33, 257},
		{97, 15, 255}, {100, 1030, 20}, {61, 70, 513}, {3, 4, 0},
	}
	for _, sz := range sizes {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {-0.75, 0.3}, {1.5, 1.1}} {
					ar, ac := m, k
					if tA {
						ar, ac = k, m
					}
					br, bc := k, n
					if tB {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+1, bc+2, n+3
					a := exactFloats(rng, max(ar, 1)*lda)
					b := exactFloats(rng, max(br, 1)*ldb)
					c := exactFloats(rng, m*ldc)
					Asm{}.Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					for _, v := range c {
						bits := math.Float32bits(v)
						buf[0], buf[1], buf[2], buf[3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
						h.Write(buf[:])
					}
				}
			}
		}
	}
	return h.Sum64()
}

// TestAsmSgemmGolden checks that Asm gives, to the bit, the products that
// the AVX2 kernel gives on amd64: on arm64 this checks the NEON kernel and
// the driver around it against the amd64 results, on a machine with none.
func TestAsmSgemmGolden(t *testing.T) {
	t.Parallel()
	if !hasAsmKernel {
		t.Skip("no assembly kernel on this CPU or architecture")
	}
	if got := asmGoldenProducts(); got != asmGoldenSum {
		t.Errorf("%s: sum of the products = %#x, want %#x", Asm{}.Name(), got, uint64(asmGoldenSum))
	}
}
