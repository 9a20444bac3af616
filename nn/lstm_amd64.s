//go:build !(openblas && cgo)

#include "textflag.h"

// The LSTM cell's forward arithmetic in AVX2: cellForward's expressions
// (expf, sigmoidf, tanhSig, flush), each operation rounded as Go rounds it
// (no fused multiply-adds), so that the results are the same bits.

DATA lstmc88<>+0(SB)/4, $0x42b00000
DATA lstmc88<>+4(SB)/4, $0x42b00000
DATA lstmc88<>+8(SB)/4, $0x42b00000
DATA lstmc88<>+12(SB)/4, $0x42b00000
DATA lstmc88<>+16(SB)/4, $0x42b00000
DATA lstmc88<>+20(SB)/4, $0x42b00000
DATA lstmc88<>+24(SB)/4, $0x42b00000
DATA lstmc88<>+28(SB)/4, $0x42b00000
GLOBL lstmc88<>(SB), RODATA|NOPTR, $32
DATA lstmcm87<>+0(SB)/4, $0xc2ae0000
DATA lstmcm87<>+4(SB)/4, $0xc2ae0000
DATA lstmcm87<>+8(SB)/4, $0xc2ae0000
DATA lstmcm87<>+12(SB)/4, $0xc2ae0000
DATA lstmcm87<>+16(SB)/4, $0xc2ae0000
DATA lstmcm87<>+20(SB)/4, $0xc2ae0000
DATA lstmcm87<>+24(SB)/4, $0xc2ae0000
DATA lstmcm87<>+28(SB)/4, $0xc2ae0000
GLOBL lstmcm87<>(SB), RODATA|NOPTR, $32
DATA lstmclog2e<>+0(SB)/4, $0x3fb8aa3b
DATA lstmclog2e<>+4(SB)/4, $0x3fb8aa3b
DATA lstmclog2e<>+8(SB)/4, $0x3fb8aa3b
DATA lstmclog2e<>+12(SB)/4, $0x3fb8aa3b
DATA lstmclog2e<>+16(SB)/4, $0x3fb8aa3b
DATA lstmclog2e<>+20(SB)/4, $0x3fb8aa3b
DATA lstmclog2e<>+24(SB)/4, $0x3fb8aa3b
DATA lstmclog2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL lstmclog2e<>(SB), RODATA|NOPTR, $32
DATA lstmcmagic<>+0(SB)/4, $0x4b400000
DATA lstmcmagic<>+4(SB)/4, $0x4b400000
DATA lstmcmagic<>+8(SB)/4, $0x4b400000
DATA lstmcmagic<>+12(SB)/4, $0x4b400000
DATA lstmcmagic<>+16(SB)/4, $0x4b400000
DATA lstmcmagic<>+20(SB)/4, $0x4b400000
DATA lstmcmagic<>+24(SB)/4, $0x4b400000
DATA lstmcmagic<>+28(SB)/4, $0x4b400000
GLOBL lstmcmagic<>(SB), RODATA|NOPTR, $32
DATA lstmcln2hi<>+0(SB)/4, $0x3f318000
DATA lstmcln2hi<>+4(SB)/4, $0x3f318000
DATA lstmcln2hi<>+8(SB)/4, $0x3f318000
DATA lstmcln2hi<>+12(SB)/4, $0x3f318000
DATA lstmcln2hi<>+16(SB)/4, $0x3f318000
DATA lstmcln2hi<>+20(SB)/4, $0x3f318000
DATA lstmcln2hi<>+24(SB)/4, $0x3f318000
DATA lstmcln2hi<>+28(SB)/4, $0x3f318000
GLOBL lstmcln2hi<>(SB), RODATA|NOPTR, $32
DATA lstmcln2lo<>+0(SB)/4, $0xb95e8083
DATA lstmcln2lo<>+4(SB)/4, $0xb95e8083
DATA lstmcln2lo<>+8(SB)/4, $0xb95e8083
DATA lstmcln2lo<>+12(SB)/4, $0xb95e8083
DATA lstmcln2lo<>+16(SB)/4, $0xb95e8083
DATA lstmcln2lo<>+20(SB)/4, $0xb95e8083
DATA lstmcln2lo<>+24(SB)/4, $0xb95e8083
DATA lstmcln2lo<>+28(SB)/4, $0xb95e8083
GLOBL lstmcln2lo<>(SB), RODATA|NOPTR, $32
DATA lstmck0<>+0(SB)/4, $0x39506967
DATA lstmck0<>+4(SB)/4, $0x39506967
DATA lstmck0<>+8(SB)/4, $0x39506967
DATA lstmck0<>+12(SB)/4, $0x39506967
DATA lstmck0<>+16(SB)/4, $0x39506967
DATA lstmck0<>+20(SB)/4, $0x39506967
DATA lstmck0<>+24(SB)/4, $0x39506967
DATA lstmck0<>+28(SB)/4, $0x39506967
GLOBL lstmck0<>(SB), RODATA|NOPTR, $32
DATA lstmck1<>+0(SB)/4, $0x3ab743ce
DATA lstmck1<>+4(SB)/4, $0x3ab743ce
DATA lstmck1<>+8(SB)/4, $0x3ab743ce
DATA lstmck1<>+12(SB)/4, $0x3ab743ce
DATA lstmck1<>+16(SB)/4, $0x3ab743ce
DATA lstmck1<>+20(SB)/4, $0x3ab743ce
DATA lstmck1<>+24(SB)/4, $0x3ab743ce
DATA lstmck1<>+28(SB)/4, $0x3ab743ce
GLOBL lstmck1<>(SB), RODATA|NOPTR, $32
DATA lstmck2<>+0(SB)/4, $0x3c088908
DATA lstmck2<>+4(SB)/4, $0x3c088908
DATA lstmck2<>+8(SB)/4, $0x3c088908
DATA lstmck2<>+12(SB)/4, $0x3c088908
DATA lstmck2<>+16(SB)/4, $0x3c088908
DATA lstmck2<>+20(SB)/4, $0x3c088908
DATA lstmck2<>+24(SB)/4, $0x3c088908
DATA lstmck2<>+28(SB)/4, $0x3c088908
GLOBL lstmck2<>(SB), RODATA|NOPTR, $32
DATA lstmck3<>+0(SB)/4, $0x3d2aa9c1
DATA lstmck3<>+4(SB)/4, $0x3d2aa9c1
DATA lstmck3<>+8(SB)/4, $0x3d2aa9c1
DATA lstmck3<>+12(SB)/4, $0x3d2aa9c1
DATA lstmck3<>+16(SB)/4, $0x3d2aa9c1
DATA lstmck3<>+20(SB)/4, $0x3d2aa9c1
DATA lstmck3<>+24(SB)/4, $0x3d2aa9c1
DATA lstmck3<>+28(SB)/4, $0x3d2aa9c1
GLOBL lstmck3<>(SB), RODATA|NOPTR, $32
DATA lstmck4<>+0(SB)/4, $0x3e2aaaaa
DATA lstmck4<>+4(SB)/4, $0x3e2aaaaa
DATA lstmck4<>+8(SB)/4, $0x3e2aaaaa
DATA lstmck4<>+12(SB)/4, $0x3e2aaaaa
DATA lstmck4<>+16(SB)/4, $0x3e2aaaaa
DATA lstmck4<>+20(SB)/4, $0x3e2aaaaa
DATA lstmck4<>+24(SB)/4, $0x3e2aaaaa
DATA lstmck4<>+28(SB)/4, $0x3e2aaaaa
GLOBL lstmck4<>(SB), RODATA|NOPTR, $32
DATA lstmck5<>+0(SB)/4, $0x3f000000
DATA lstmck5<>+4(SB)/4, $0x3f000000
DATA lstmck5<>+8(SB)/4, $0x3f000000
DATA lstmck5<>+12(SB)/4, $0x3f000000
DATA lstmck5<>+16(SB)/4, $0x3f000000
DATA lstmck5<>+20(SB)/4, $0x3f000000
DATA lstmck5<>+24(SB)/4, $0x3f000000
DATA lstmck5<>+28(SB)/4, $0x3f000000
GLOBL lstmck5<>(SB), RODATA|NOPTR, $32
DATA lstmcone<>+0(SB)/4, $0x3f800000
DATA lstmcone<>+4(SB)/4, $0x3f800000
DATA lstmcone<>+8(SB)/4, $0x3f800000
DATA lstmcone<>+12(SB)/4, $0x3f800000
DATA lstmcone<>+16(SB)/4, $0x3f800000
DATA lstmcone<>+20(SB)/4, $0x3f800000
DATA lstmcone<>+24(SB)/4, $0x3f800000
DATA lstmcone<>+28(SB)/4, $0x3f800000
GLOBL lstmcone<>(SB), RODATA|NOPTR, $32
DATA lstmctwo<>+0(SB)/4, $0x40000000
DATA lstmctwo<>+4(SB)/4, $0x40000000
DATA lstmctwo<>+8(SB)/4, $0x40000000
DATA lstmctwo<>+12(SB)/4, $0x40000000
DATA lstmctwo<>+16(SB)/4, $0x40000000
DATA lstmctwo<>+20(SB)/4, $0x40000000
DATA lstmctwo<>+24(SB)/4, $0x40000000
DATA lstmctwo<>+28(SB)/4, $0x40000000
GLOBL lstmctwo<>(SB), RODATA|NOPTR, $32
DATA lstmcm2<>+0(SB)/4, $0xc0000000
DATA lstmcm2<>+4(SB)/4, $0xc0000000
DATA lstmcm2<>+8(SB)/4, $0xc0000000
DATA lstmcm2<>+12(SB)/4, $0xc0000000
DATA lstmcm2<>+16(SB)/4, $0xc0000000
DATA lstmcm2<>+20(SB)/4, $0xc0000000
DATA lstmcm2<>+24(SB)/4, $0xc0000000
DATA lstmcm2<>+28(SB)/4, $0xc0000000
GLOBL lstmcm2<>(SB), RODATA|NOPTR, $32
DATA lstmc127<>+0(SB)/4, $0x0000007f
DATA lstmc127<>+4(SB)/4, $0x0000007f
DATA lstmc127<>+8(SB)/4, $0x0000007f
DATA lstmc127<>+12(SB)/4, $0x0000007f
DATA lstmc127<>+16(SB)/4, $0x0000007f
DATA lstmc127<>+20(SB)/4, $0x0000007f
DATA lstmc127<>+24(SB)/4, $0x0000007f
DATA lstmc127<>+28(SB)/4, $0x0000007f
GLOBL lstmc127<>(SB), RODATA|NOPTR, $32
DATA lstmcsign<>+0(SB)/4, $0x80000000
DATA lstmcsign<>+4(SB)/4, $0x80000000
DATA lstmcsign<>+8(SB)/4, $0x80000000
DATA lstmcsign<>+12(SB)/4, $0x80000000
DATA lstmcsign<>+16(SB)/4, $0x80000000
DATA lstmcsign<>+20(SB)/4, $0x80000000
DATA lstmcsign<>+24(SB)/4, $0x80000000
DATA lstmcsign<>+28(SB)/4, $0x80000000
GLOBL lstmcsign<>(SB), RODATA|NOPTR, $32
DATA lstmcabs<>+0(SB)/4, $0x7fffffff
DATA lstmcabs<>+4(SB)/4, $0x7fffffff
DATA lstmcabs<>+8(SB)/4, $0x7fffffff
DATA lstmcabs<>+12(SB)/4, $0x7fffffff
DATA lstmcabs<>+16(SB)/4, $0x7fffffff
DATA lstmcabs<>+20(SB)/4, $0x7fffffff
DATA lstmcabs<>+24(SB)/4, $0x7fffffff
DATA lstmcabs<>+28(SB)/4, $0x7fffffff
GLOBL lstmcabs<>(SB), RODATA|NOPTR, $32

// func cellForwardAVX(n int, gi, gf, gg, gO, cp, c, tc, h *float32, floor float32)
//
// cellForward for n values of one example (n a multiple of 8): the gates
// gi, gf, gg, gO are activated in place; cp is the previous cell state, or
// nil at the first step.
TEXT ·cellForwardAVX(SB), NOSPLIT, $0-76
	MOVQ n+0(FP), CX
	MOVQ gi+8(FP), R8
	MOVQ gf+16(FP), R9
	MOVQ gg+24(FP), R10
	MOVQ gO+32(FP), R11
	MOVQ cp+40(FP), R12
	MOVQ c+48(FP), R13
	MOVQ tc+56(FP), SI
	MOVQ h+64(FP), DI
	VBROADCASTSS floor+72(FP), Y12
	XORQ AX, AX // byte offset
	SHRQ $3, CX
	JEQ celldone
cellloop:
	VMOVUPS (R8)(AX*1), Y0
	VXORPS lstmcsign<>(SB), Y0, Y0
	VMOVUPS lstmc88<>(SB), Y1
	VMINPS Y0, Y1, Y0
	VMOVUPS lstmcm87<>(SB), Y1
	VMAXPS Y0, Y1, Y0
	VMULPS lstmclog2e<>(SB), Y0, Y2
	VADDPS lstmcmagic<>(SB), Y2, Y2
	VPSUBD lstmcmagic<>(SB), Y2, Y6
	VSUBPS lstmcmagic<>(SB), Y2, Y2
	VMULPS lstmcln2hi<>(SB), Y2, Y3
	VSUBPS Y3, Y0, Y4
	VMULPS lstmcln2lo<>(SB), Y2, Y3
	VSUBPS Y3, Y4, Y4
	VMULPS lstmck0<>(SB), Y4, Y5
	VADDPS lstmck1<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck2<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck3<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck4<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck5<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS Y4, Y5, Y5
	VADDPS lstmcone<>(SB), Y5, Y5
	VPADDD lstmc127<>(SB), Y6, Y6
	VPSLLD $23, Y6, Y6
	VMULPS Y6, Y5, Y0
	VADDPS lstmcone<>(SB), Y0, Y0
	VMOVUPS lstmcone<>(SB), Y8
	VDIVPS Y0, Y8, Y8
	VMOVUPS Y8, (R8)(AX*1)
	VMOVUPS (R9)(AX*1), Y0
	VXORPS lstmcsign<>(SB), Y0, Y0
	VMOVUPS lstmc88<>(SB), Y1
	VMINPS Y0, Y1, Y0
	VMOVUPS lstmcm87<>(SB), Y1
	VMAXPS Y0, Y1, Y0
	VMULPS lstmclog2e<>(SB), Y0, Y2
	VADDPS lstmcmagic<>(SB), Y2, Y2
	VPSUBD lstmcmagic<>(SB), Y2, Y6
	VSUBPS lstmcmagic<>(SB), Y2, Y2
	VMULPS lstmcln2hi<>(SB), Y2, Y3
	VSUBPS Y3, Y0, Y4
	VMULPS lstmcln2lo<>(SB), Y2, Y3
	VSUBPS Y3, Y4, Y4
	VMULPS lstmck0<>(SB), Y4, Y5
	VADDPS lstmck1<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck2<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck3<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck4<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck5<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS Y4, Y5, Y5
	VADDPS lstmcone<>(SB), Y5, Y5
	VPADDD lstmc127<>(SB), Y6, Y6
	VPSLLD $23, Y6, Y6
	VMULPS Y6, Y5, Y0
	VADDPS lstmcone<>(SB), Y0, Y0
	VMOVUPS lstmcone<>(SB), Y9
	VDIVPS Y0, Y9, Y9
	VMOVUPS Y9, (R9)(AX*1)
	VMOVUPS (R10)(AX*1), Y0
	VMULPS lstmcm2<>(SB), Y0, Y0
	VMOVUPS lstmc88<>(SB), Y1
	VMINPS Y0, Y1, Y0
	VMOVUPS lstmcm87<>(SB), Y1
	VMAXPS Y0, Y1, Y0
	VMULPS lstmclog2e<>(SB), Y0, Y2
	VADDPS lstmcmagic<>(SB), Y2, Y2
	VPSUBD lstmcmagic<>(SB), Y2, Y6
	VSUBPS lstmcmagic<>(SB), Y2, Y2
	VMULPS lstmcln2hi<>(SB), Y2, Y3
	VSUBPS Y3, Y0, Y4
	VMULPS lstmcln2lo<>(SB), Y2, Y3
	VSUBPS Y3, Y4, Y4
	VMULPS lstmck0<>(SB), Y4, Y5
	VADDPS lstmck1<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck2<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck3<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck4<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck5<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS Y4, Y5, Y5
	VADDPS lstmcone<>(SB), Y5, Y5
	VPADDD lstmc127<>(SB), Y6, Y6
	VPSLLD $23, Y6, Y6
	VMULPS Y6, Y5, Y0
	VADDPS lstmcone<>(SB), Y0, Y0
	VMOVUPS lstmctwo<>(SB), Y10
	VDIVPS Y0, Y10, Y10
	VSUBPS lstmcone<>(SB), Y10, Y10
	VMOVUPS Y10, (R10)(AX*1)
	VMOVUPS (R11)(AX*1), Y0
	VXORPS lstmcsign<>(SB), Y0, Y0
	VMOVUPS lstmc88<>(SB), Y1
	VMINPS Y0, Y1, Y0
	VMOVUPS lstmcm87<>(SB), Y1
	VMAXPS Y0, Y1, Y0
	VMULPS lstmclog2e<>(SB), Y0, Y2
	VADDPS lstmcmagic<>(SB), Y2, Y2
	VPSUBD lstmcmagic<>(SB), Y2, Y6
	VSUBPS lstmcmagic<>(SB), Y2, Y2
	VMULPS lstmcln2hi<>(SB), Y2, Y3
	VSUBPS Y3, Y0, Y4
	VMULPS lstmcln2lo<>(SB), Y2, Y3
	VSUBPS Y3, Y4, Y4
	VMULPS lstmck0<>(SB), Y4, Y5
	VADDPS lstmck1<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck2<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck3<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck4<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck5<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS Y4, Y5, Y5
	VADDPS lstmcone<>(SB), Y5, Y5
	VPADDD lstmc127<>(SB), Y6, Y6
	VPSLLD $23, Y6, Y6
	VMULPS Y6, Y5, Y0
	VADDPS lstmcone<>(SB), Y0, Y0
	VMOVUPS lstmcone<>(SB), Y11
	VDIVPS Y0, Y11, Y11
	VMOVUPS Y11, (R11)(AX*1)
	VMULPS Y10, Y8, Y13 // cv = i*g
	TESTQ R12, R12
	JEQ cellnoprev
	VMULPS (R12)(AX*1), Y9, Y14 // f*cp
	VADDPS Y14, Y13, Y13
cellnoprev:
	VANDPS lstmcabs<>(SB), Y13, Y0
	VCMPPS $0x11, Y12, Y0, Y0
	VANDNPS Y13, Y0, Y13
	VMOVUPS Y13, (R13)(AX*1)
	VMULPS lstmcm2<>(SB), Y13, Y0
	VMOVUPS lstmc88<>(SB), Y1
	VMINPS Y0, Y1, Y0
	VMOVUPS lstmcm87<>(SB), Y1
	VMAXPS Y0, Y1, Y0
	VMULPS lstmclog2e<>(SB), Y0, Y2
	VADDPS lstmcmagic<>(SB), Y2, Y2
	VPSUBD lstmcmagic<>(SB), Y2, Y6
	VSUBPS lstmcmagic<>(SB), Y2, Y2
	VMULPS lstmcln2hi<>(SB), Y2, Y3
	VSUBPS Y3, Y0, Y4
	VMULPS lstmcln2lo<>(SB), Y2, Y3
	VSUBPS Y3, Y4, Y4
	VMULPS lstmck0<>(SB), Y4, Y5
	VADDPS lstmck1<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck2<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck3<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck4<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS lstmck5<>(SB), Y5, Y5
	VMULPS Y4, Y5, Y5
	VMULPS Y4, Y5, Y5
	VADDPS Y4, Y5, Y5
	VADDPS lstmcone<>(SB), Y5, Y5
	VPADDD lstmc127<>(SB), Y6, Y6
	VPSLLD $23, Y6, Y6
	VMULPS Y6, Y5, Y0
	VADDPS lstmcone<>(SB), Y0, Y0
	VMOVUPS lstmctwo<>(SB), Y14
	VDIVPS Y0, Y14, Y14
	VSUBPS lstmcone<>(SB), Y14, Y14
	VMOVUPS Y14, (SI)(AX*1)
	VMULPS Y14, Y11, Y15 // o*tc
	VANDPS lstmcabs<>(SB), Y15, Y0
	VCMPPS $0x11, Y12, Y0, Y0
	VANDNPS Y15, Y0, Y15
	VMOVUPS Y15, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNE cellloop
celldone:
	VZEROUPPER
	RET
