//go:build !(openblas && cgo)

package nn

// hasAsmKernel is true on every arm64 CPU: Advanced SIMD (NEON) is part of
// ARMv8-A, and Go's arm64 port assumes it (internal/bytealg uses it with no
// feature test).
const hasAsmKernel = true

// hasDirectKernel is false on arm64: the NEON kernel always reads A packed
// and op(B) = Bᵀ is packed in Go, so the driver never calls
// sgemmKernel6x16S or sgemmPackBT16 here.
const hasDirectKernel = false

// asmName is the name of Asm on arm64.
const asmName = "go-neon"

// sgemmKernel6x16 computes the 6x16 tile acc = Apanel*Bpanel over k (a: k
// groups of 6 floats, b: k rows of 16 floats), then stores acc + beta*C
// into the 6x16 tile at c (row stride ldc floats); with beta == 0 it does
// not read C. See sgemm_arm64.s.
//
//go:noescape
func sgemmKernel6x16(k int, a, b, c *float32, ldc int, beta float32)

// sgemmPackB16 copies k rows of 16 floats, row stride lds, from src to the
// contiguous dst.
//
//go:noescape
func sgemmPackB16(k int, src *float32, lds int, dst *float32)

// sgemmPackBRows copies, for each of k rows of src (stride lds), its first
// 16*panels floats into row p of the panels at dst (panel j at dst+16*kb*j).
//
//go:noescape
func sgemmPackBRows(k int, src *float32, lds int, dst *float32, panels, kb int)

func sgemmKernel6x16S(k int, a *float32, rs, ks int, b, c *float32, ldc int, beta float32) {
	panic("nn: sgemmKernel6x16S is amd64 only")
}

func sgemmPackBT16(k8 int, src *float32, lds int, dst *float32) {
	panic("nn: sgemmPackBT16 is amd64 only")
}
