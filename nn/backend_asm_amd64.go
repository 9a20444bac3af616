//go:build !(openblas && cgo)

package nn

import "golang.org/x/sys/cpu"

// hasAsmKernel reports whether sgemmKernel6x16 can run on this CPU.
var hasAsmKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// hasDirectKernel reports whether sgemmKernel6x16S (A read in place) and
// sgemmPackBT16 exist on this architecture.
const hasDirectKernel = true

// asmName is the name of Asm on amd64.
const asmName = "go-avx2"

// sgemmKernel6x16 computes the 6x16 tile acc = Apanel*Bpanel over k (a: k
// groups of 6 floats, b: k rows of 16 floats), then stores acc + beta*C
// into the 6x16 tile at c (row stride ldc floats); with beta == 0 it does
// not read C. See sgemm_amd64.s.
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

// sgemmKernel6x16S is sgemmKernel6x16 reading the 6 x k panel of A in
// place: element (r, p) at a + r*rs + p*ks floats. Its multiply-adds are
// sgemmKernel6x16's, in the same order. See sgemm_amd64.s.
//
//go:noescape
func sgemmKernel6x16S(k int, a *float32, rs, ks int, b, c *float32, ldc int, beta float32)

// sgemmPackBT16 packs a 16-column panel of op(B) = Bᵀ over 8*k8 values of
// k: dst[p*16+r] = src[r*lds+p]. See sgemm_amd64.s.
//
//go:noescape
func sgemmPackBT16(k8 int, src *float32, lds int, dst *float32)
