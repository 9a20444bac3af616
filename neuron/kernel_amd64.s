//go:build !purego

#include "textflag.h"
#include "go_asm.h"

// Offsets in ·avx2Consts (kernel_amd64.go), 32 bytes per constant.
#define INVLN2 0
#define SHIFT 32
#define LN2HI 64
#define LN2LO 96
#define HALF 128
#define C6 160
#define C24 192
#define C120 224
#define ONE 256
#define MASK 288
#define CLAMP 320
#define NCLAMP 352

// func stageAVX2(l *lanes, dst, kp *[BlockSize]float64, c, iext float64)
//
// stageGo (kernel.go) four lanes at a time: the same IEEE operations in the
// same order, no fused multiply-add, so every lane gets the same bits. Go's
// operand order is reversed: VSUBPD A, B, C computes C = B - A.
//
// Registers: AX lanes, DI dst, DX kp, R8 exp2Table, R9 constants,
// SI byte offset of the four lanes; Y15 c, Y14 iext, Y13 clamp, Y12 -clamp.
TEXT ·stageAVX2(SB), NOSPLIT, $0-40
	MOVQ l+0(FP), AX
	MOVQ dst+8(FP), DI
	MOVQ kp+16(FP), DX
	VBROADCASTSD c+24(FP), Y15
	VBROADCASTSD iext+32(FP), Y14
	LEAQ ·exp2Table(SB), R8
	LEAQ ·avx2Consts(SB), R9
	VMOVUPD CLAMP(R9), Y13
	VMOVUPD NCLAMP(R9), Y12
	XORQ SI, SI

loop:
	// x = v + c kp
	VMULPD (DX)(SI*1), Y15, Y0
	VADDPD lanes_v(AX)(SI*1), Y0, Y0
	// y = (vthr - x) invK, clamped; min and max return their second
	// source (Y1) when it is NaN, as stageGo's comparisons keep a NaN.
	VMOVUPD lanes_vthr(AX)(SI*1), Y1
	VSUBPD Y0, Y1, Y1
	VMULPD lanes_invK(AX)(SI*1), Y1, Y1
	VMINPD Y1, Y13, Y1
	VMAXPD Y1, Y12, Y1
	// Y2 = y invLn2 + shift: its bits ki hold k in the low bits.
	VMULPD INVLN2(R9), Y1, Y2
	VADDPD SHIFT(R9), Y2, Y2
	// Y4 = kd = Y2 - shift; Y5 = r = y - kd ln2hi - kd ln2lo
	VSUBPD SHIFT(R9), Y2, Y4
	VMULPD LN2HI(R9), Y4, Y5
	VSUBPD Y5, Y1, Y5
	VMULPD LN2LO(R9), Y4, Y4
	VSUBPD Y4, Y5, Y5
	// Y3 = exp2Table[ki & 127], gathered (Y3 zeroed first so that the
	// gather does not wait for the previous iteration's Y3).
	VPAND MASK(R9), Y2, Y6
	VPCMPEQQ Y7, Y7, Y7
	VXORPD Y3, Y3, Y3
	VGATHERQPD Y7, (R8)(Y6*8), Y3
	// scale = bits(table) + (ki >> 7) << 52
	VPSRLQ $7, Y2, Y2
	VPSLLQ $52, Y2, Y2
	VPADDQ Y2, Y3, Y3
	// p = (r + r2 (1/2 + r/6)) + r2 r2 (1/24 + r/120)
	VMULPD Y5, Y5, Y6
	VMULPD C6(R9), Y5, Y4
	VADDPD HALF(R9), Y4, Y4
	VMULPD Y4, Y6, Y4
	VADDPD Y4, Y5, Y4
	VMULPD C120(R9), Y5, Y7
	VADDPD C24(R9), Y7, Y7
	VMULPD Y6, Y6, Y6
	VMULPD Y7, Y6, Y6
	VADDPD Y6, Y4, Y4
	// e = scale + scale p; a = gact / (1 + e)
	VMULPD Y4, Y3, Y4
	VADDPD Y4, Y3, Y4
	VADDPD ONE(R9), Y4, Y4
	VMOVUPD lanes_gact(AX)(SI*1), Y8
	VDIVPD Y4, Y8, Y8
	// dst = (a - gl (x - el) + iext + ou) invC
	VSUBPD lanes_el(AX)(SI*1), Y0, Y0
	VMULPD lanes_gl(AX)(SI*1), Y0, Y0
	VSUBPD Y0, Y8, Y8
	VADDPD Y14, Y8, Y8
	VADDPD lanes_ou(AX)(SI*1), Y8, Y8
	VMULPD lanes_invC(AX)(SI*1), Y8, Y8
	VMOVUPD Y8, (DI)(SI*1)

	ADDQ $32, SI
	CMPQ SI, $(const_BlockSize*8)
	JLT loop
	VZEROUPPER
	RET
