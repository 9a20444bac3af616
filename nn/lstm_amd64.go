//go:build !(openblas && cgo)

package nn

import "unsafe"

// cellForwardAVX is cellForward's inner loop over n values of one example
// (n a multiple of 8), with the same bits; cp is nil at the first step.
// See lstm_amd64.s.
//
//go:noescape
func cellForwardAVX(n int, gi, gf, gg, gO, cp, c, tc, h *float32, floor float32)

// cellForwardRow runs cellForwardAVX over the first H&^7 values of one
// example's gates and states and returns how many it did.
func cellForwardRow(gi, gf, gg, gO, cp, c, tc, h []float32, floor float32) int {
	n := len(gi) &^ 7
	if !hasAsmKernel || n == 0 {
		return 0
	}
	_, _, _, _, _, _, _ = gf[n-1], gg[n-1], gO[n-1], c[n-1], tc[n-1], h[n-1], gi[n-1]
	var pp *float32
	if cp != nil {
		_ = cp[n-1]
		pp = unsafe.SliceData(cp)
	}
	cellForwardAVX(n, &gi[0], &gf[0], &gg[0], &gO[0], pp, &c[0], &tc[0], &h[0], floor)
	return n
}
