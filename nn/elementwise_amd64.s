//go:build !(openblas && cgo)

#include "textflag.h"

// func reluAVX(n int, y, x *float32)
//
// y = max(x, 0) + 0 over n floats (n a multiple of 8). VMAXPS returns its
// second source, x, when either is NaN or both are zero, so NaN stays NaN;
// adding +0 turns the -0 it keeps into +0, as Go's max(x, 0) gives.
TEXT ·reluAVX(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ y+8(FP), DI
	MOVQ x+16(FP), SI
	VXORPS Y15, Y15, Y15
	SHRQ $3, CX
	JEQ reludone
reluloop:
	VMOVUPS (SI), Y0
	VMAXPS Y0, Y15, Y1
	VADDPS Y15, Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE reluloop
reludone:
	VZEROUPPER
	RET

// func reluGradAVX(n int, dx, dy, y *float32)
//
// dx = dy where y > 0 (ordered compare: false for NaN), else 0.
TEXT ·reluGradAVX(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ dx+8(FP), DI
	MOVQ dy+16(FP), SI
	MOVQ y+24(FP), DX
	VXORPS Y15, Y15, Y15
	SHRQ $3, CX
	JEQ gradone
gradloop:
	VMOVUPS (DX), Y0
	VCMPPS $0x1e, Y15, Y0, Y1 // y > 0, ordered, quiet
	VANDPS (SI), Y1, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNE gradloop
gradone:
	VZEROUPPER
	RET

// func keepPositiveAVX(n int, dx, dy, y *float32)
//
// dx = dy where the bits of y, as an int32, are positive, else 0.
TEXT ·keepPositiveAVX(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ dx+8(FP), DI
	MOVQ dy+16(FP), SI
	MOVQ y+24(FP), DX
	VPXOR Y15, Y15, Y15
	SHRQ $3, CX
	JEQ kpdone
kploop:
	VMOVDQU (DX), Y0
	VPCMPGTD Y15, Y0, Y1 // all ones where int32(bits) > 0
	VANDPS (SI), Y1, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNE kploop
kpdone:
	VZEROUPPER
	RET

// func addAVX(n int, dst, src *float32)
//
// dst += src over n floats (n a multiple of 8).
TEXT ·addAVX(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	SHRQ $3, CX
	JEQ adddone
addloop:
	VMOVUPS (DI), Y0
	VADDPS (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE addloop
adddone:
	VZEROUPPER
	RET

// func adamAVX(n int, w, grad, m, v *float32, c *adamConsts)
//
// One Adam step over n floats (n a multiple of 8), each operation rounded
// as in adamGo:
//	m = b1*m + c1*g;  v = b2*v + (c2*g)*g;  w = w*decay - (step*m)/(sqrt(v)+eps)
TEXT ·adamAVX(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ v+32(FP), R9
	MOVQ c+40(FP), AX
	VBROADCASTSS 0(AX), Y8   // b1
	VBROADCASTSS 4(AX), Y9   // c1
	VBROADCASTSS 8(AX), Y10  // b2
	VBROADCASTSS 12(AX), Y11 // c2
	VBROADCASTSS 16(AX), Y12 // step
	VBROADCASTSS 20(AX), Y13 // eps
	VBROADCASTSS 24(AX), Y14 // decay
	SHRQ $3, CX
	JEQ adamdone
adamloop:
	VMOVUPS (SI), Y0         // g
	VMULPS (R8), Y8, Y1      // b1*m
	VMULPS Y0, Y9, Y2        // c1*g
	VADDPS Y2, Y1, Y1        // m
	VMOVUPS Y1, (R8)
	VMULPS (R9), Y10, Y3     // b2*v
	VMULPS Y0, Y11, Y4       // c2*g
	VMULPS Y0, Y4, Y4        // (c2*g)*g
	VADDPS Y4, Y3, Y3        // v
	VMOVUPS Y3, (R9)
	VSQRTPS Y3, Y3
	VADDPS Y13, Y3, Y3       // sqrt(v)+eps
	VMULPS Y1, Y12, Y1       // step*m
	VDIVPS Y3, Y1, Y1        // (step*m)/(sqrt(v)+eps)
	VMULPS (DI), Y14, Y5     // w*decay
	VSUBPS Y1, Y5, Y5
	VMOVUPS Y5, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNE adamloop
adamdone:
	VZEROUPPER
	RET

// func addBiasRowsAVX(rows, n int, y, bias *float32, relu int)
//
// Adds bias (n floats, n a multiple of 8) to each of rows rows of y, then
// with relu != 0 takes max(·, 0) + 0 as reluAVX does.
TEXT ·addBiasRowsAVX(SB), NOSPLIT, $0-40
	MOVQ rows+0(FP), BX
	MOVQ n+8(FP), DX
	MOVQ y+16(FP), DI
	MOVQ bias+24(FP), R8
	MOVQ relu+32(FP), R9
	VXORPS Y15, Y15, Y15
	SHRQ $3, DX
	TESTQ BX, BX
	JEQ biasdone
biasrow:
	MOVQ R8, SI
	MOVQ DX, CX
biascol:
	VMOVUPS (DI), Y0
	VADDPS (SI), Y0, Y0
	TESTQ R9, R9
	JEQ biasstore
	VMAXPS Y0, Y15, Y0
	VADDPS Y15, Y0, Y0
biasstore:
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	DECQ CX
	JNE biascol
	DECQ BX
	JNE biasrow
biasdone:
	VZEROUPPER
	RET
