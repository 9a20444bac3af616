//go:build !(openblas && cgo)

#include "textflag.h"

// The arm64 (NEON) micro-kernel behind Asm: the same 6x16 tile and packed
// layouts as sgemm_amd64.s, so the blocked Go driver in backend_asm.go is
// shared. The 6x16 tile of C lives in 24 registers, row r in V(4r)..V(4r+3)
// (4 float32 lanes each); one row of the B panel (16 floats) is loaded into
// V24..V27 per k, and each of the 6 A values is broadcast to all four
// lanes by LD1R (VLD1R) into V28 or V29, alternately, so that the load of
// the next value does not wait for the FMAs reading the previous one. That
// uses 30 of the 32 vector registers. See docs/arm64.md.

// BROW multiplies the broadcast A value in va by the B row in V24..V27 and
// adds it to the four accumulators of tile row r: v0..v3 += va*B.
#define BROW(va, v0, v1, v2, v3) \
	VFMLA va.S4, V24.S4, v0.S4; \
	VFMLA va.S4, V25.S4, v1.S4; \
	VFMLA va.S4, V26.S4, v2.S4; \
	VFMLA va.S4, V27.S4, v3.S4

// KSTEP is one step of k: it loads the next row of the B panel (R2) and
// the next 6 values of the A panel (R1), advancing both, and adds their
// outer product to the tile.
#define KSTEP \
	VLD1.P 64(R2), [V24.S4, V25.S4, V26.S4, V27.S4]; \
	VLD1R.P 4(R1), [V28.S4]; \
	VLD1R.P 4(R1), [V29.S4]; \
	BROW(V28, V0, V1, V2, V3); \
	VLD1R.P 4(R1), [V28.S4]; \
	BROW(V29, V4, V5, V6, V7); \
	VLD1R.P 4(R1), [V29.S4]; \
	BROW(V28, V8, V9, V10, V11); \
	VLD1R.P 4(R1), [V28.S4]; \
	BROW(V29, V12, V13, V14, V15); \
	VLD1R.P 4(R1), [V29.S4]; \
	BROW(V28, V16, V17, V18, V19); \
	BROW(V29, V20, V21, V22, V23)

// STOREROW stores tile row v0..v3 to the 16 floats at R3 and advances R3
// by one row of C (R4 bytes).
#define STOREROW(v0, v1, v2, v3) \
	VST1.P [v0.S4, v1.S4, v2.S4, v3.S4], (R3)(R4)

// ACCROW stores tile row v0..v3 plus beta (V28, broadcast) times the 16
// floats at R3 back to R3 (v += beta*C, fused, as on amd64), and advances
// R3 by one row of C.
#define ACCROW(v0, v1, v2, v3) \
	VLD1 (R3), [V24.S4, V25.S4, V26.S4, V27.S4]; \
	VFMLA V28.S4, V24.S4, v0.S4; \
	VFMLA V28.S4, V25.S4, v1.S4; \
	VFMLA V28.S4, V26.S4, v2.S4; \
	VFMLA V28.S4, V27.S4, v3.S4; \
	STOREROW(v0, v1, v2, v3)

// func sgemmKernel6x16(k int, a, b, c *float32, ldc int, beta float32)
//
// Computes the 6x16 tile acc = Apanel * Bpanel over k, where a holds k groups
// of 6 floats (a column of the row panel each) and b holds k rows of 16
// floats, then stores C = acc + beta*C into the 6 rows of 16 floats at c
// (row stride ldc floats). With beta == 0, C is not read.
TEXT ·sgemmKernel6x16(SB), NOSPLIT, $0-44
	MOVD k+0(FP), R0
	MOVD a+8(FP), R1
	MOVD b+16(FP), R2
	MOVD c+24(FP), R3
	MOVD ldc+32(FP), R4
	LSL  $2, R4
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
	CMP  $4, R0
	BLT  tail

loop4:
	KSTEP
	KSTEP
	KSTEP
	KSTEP
	SUB $4, R0
	CMP $4, R0
	BGE loop4

tail:
	CBZ R0, store

loop1:
	KSTEP
	SUBS $1, R0
	BNE  loop1

store:
	FMOVS  beta+40(FP), F28
	FCMPS  $(0.0), F28
	BNE    accum                 // beta != 0, or NaN (unordered)
	STOREROW(V0, V1, V2, V3)
	STOREROW(V4, V5, V6, V7)
	STOREROW(V8, V9, V10, V11)
	STOREROW(V12, V13, V14, V15)
	STOREROW(V16, V17, V18, V19)
	STOREROW(V20, V21, V22, V23)
	RET

accum:
	VDUP V28.S[0], V28.S4
	ACCROW(V0, V1, V2, V3)
	ACCROW(V4, V5, V6, V7)
	ACCROW(V8, V9, V10, V11)
	ACCROW(V12, V13, V14, V15)
	ACCROW(V16, V17, V18, V19)
	ACCROW(V20, V21, V22, V23)
	RET

// func sgemmPackB16(k int, src *float32, lds int, dst *float32)
//
// Copies k rows of 16 floats, row stride lds floats, from src to dst, which
// receives them contiguously.
TEXT ·sgemmPackB16(SB), NOSPLIT, $0-32
	MOVD k+0(FP), R0
	MOVD src+8(FP), R1
	MOVD lds+16(FP), R2
	MOVD dst+24(FP), R3
	LSL  $2, R2
	CBZ  R0, packdone

packloop:
	VLD1.P (R1)(R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R3)
	SUBS   $1, R0
	BNE    packloop

packdone:
	RET

// func sgemmPackBRows(k int, src *float32, lds int, dst *float32, panels, kb int)
//
// For each of k rows of src (row stride lds floats), copies its first
// 16*panels floats to the panels (each kb rows of 16 floats, panel j at
// dst+16*kb*j), as row p of each, reading src row by row.
TEXT ·sgemmPackBRows(SB), NOSPLIT, $0-48
	MOVD k+0(FP), R0
	MOVD src+8(FP), R1
	MOVD lds+16(FP), R2
	MOVD dst+24(FP), R3
	MOVD panels+32(FP), R5
	MOVD kb+40(FP), R6
	LSL  $2, R2
	LSL  $6, R6
	CBZ  R0, rowsdone
	CBZ  R5, rowsdone

rowloop:
	MOVD R1, R7
	MOVD R3, R8
	MOVD R5, R9

panelloop:
	VLD1.P 64(R7), [V0.S4, V1.S4, V2.S4, V3.S4]
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], (R8)(R6)
	SUBS   $1, R9
	BNE    panelloop
	ADD    R2, R1
	ADD    $64, R3
	SUBS   $1, R0
	BNE    rowloop

rowsdone:
	RET
