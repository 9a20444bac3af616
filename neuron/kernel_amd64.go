//go:build !purego

package neuron

import (
	"math"

	"golang.org/x/sys/cpu"
)

// asmKernel reports whether this build holds stageAVX2.
const asmKernel = true

// useAVX2 selects stageAVX2 for stage. Tests set it false to run the
// scalar fallback.
var useAVX2 = cpu.X86.HasAVX2

// stageAVX2 is stageGo in AVX2 assembly (kernel_amd64.s), four lanes per
// instruction and a gather for the table of 2^(i/128), with the same
// operations in the same order: the results are the same bits.
//
//go:noescape
func stageAVX2(l *lanes, dst, kp *[BlockSize]float64, c, iext float64)

// avx2Consts holds stageAVX2's constants, each repeated for the four lanes
// of a register, at the offsets kernel_amd64.s reads them from (32 bytes
// each, in this order).
var avx2Consts = [...][4]float64{
	splat(expInvLn2), splat(expShift), splat(expLn2Hi), splat(expLn2Lo),
	splat(0.5), splat(1.0 / 6), splat(1.0 / 24), splat(1.0 / 120), splat(1),
	splat(math.Float64frombits(expTableSize - 1)), // mask of the table index
	splat(expClamp), splat(-expClamp),
}

func splat(x float64) [4]float64 { return [4]float64{x, x, x, x} }

// stageAVX2 takes eight lanes per iteration: BlockSize must be a multiple
// of 8 (this constant overflows otherwise).
const _ uint = -(BlockSize % 8)
