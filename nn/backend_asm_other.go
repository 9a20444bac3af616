//go:build !(amd64 || arm64) || (openblas && cgo)

package nn

// hasAsmKernel is false off amd64 and arm64, and in cgo builds with
// OpenBLAS (a cgo package cannot hold Go assembly): Asm falls back to Gonum.
const hasAsmKernel = false

// hasDirectKernel is false where there is no assembly kernel.
const hasDirectKernel = false

// asmName is the name of Asm where it falls back to Gonum.
const asmName = "go-avx2"

func sgemmKernel6x16(k int, a, b, c *float32, ldc int, beta float32) {
	panic("nn: sgemmKernel6x16 without an assembly kernel")
}

func sgemmPackB16(k int, src *float32, lds int, dst *float32) {
	panic("nn: sgemmPackB16 without an assembly kernel")
}

func sgemmPackBRows(k int, src *float32, lds int, dst *float32, panels, kb int) {
	panic("nn: sgemmPackBRows without an assembly kernel")
}

func sgemmKernel6x16S(k int, a *float32, rs, ks int, b, c *float32, ldc int, beta float32) {
	panic("nn: sgemmKernel6x16S without amd64")
}

func sgemmPackBT16(k8 int, src *float32, lds int, dst *float32) {
	panic("nn: sgemmPackBT16 without amd64")
}
