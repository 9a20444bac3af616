//go:build !(openblas && cgo)

package nn

import (
	"math"
	"testing"
)

// TestCellForwardAVXMatchesGo runs the LSTM cell's forward arithmetic
// through AVX and through the Go loop and compares the bits of the
// activated gates and the new states: wide and clamped inputs (|x| > 88),
// values the flush floor zeroes, NaN, both first and later steps, and a
// width that leaves a tail for Go.
func TestCellForwardAVXMatchesGo(t *testing.T) {
	if !hasAsmKernel {
		t.Skip("no AVX2+FMA")
	}
	defer func() { hasAsmKernel = true }()
	rng := newRNG(41)
	special := []float32{0, float32(math.Copysign(0, -1)), 100, -100, 1e-7, -1e-7, float32(math.NaN()), 88.5, -87.5, 44, -44}
	for _, H := range []int{8, 13, 64} {
		for _, first := range []bool{true, false} {
			B := 5
			gates := make([]float32, B*4*H)
			cprev := make([]float32, B*H)
			for i := range gates {
				gates[i] = float32(4 * rng.NormFloat64())
				if rng.IntN(5) == 0 {
					gates[i] = special[rng.IntN(len(special))]
				}
			}
			for i := range cprev {
				cprev[i] = float32(rng.NormFloat64())
			}
			cp := cprev
			if first {
				cp = nil
			}
			var out [2][4][]float32
			for k, asm := range []bool{false, true} {
				hasAsmKernel = asm
				g := append([]float32(nil), gates...)
				c, tc, h := make([]float32, B*H), make([]float32, B*H), make([]float32, B*H)
				cellForward(g, cp, c, tc, h, H, 1e-6)
				out[k] = [4][]float32{g, c, tc, h}
			}
			for a, name := range []string{"gates", "c", "tanh c", "h"} {
				for i := range out[0][a] {
					x, y := out[0][a][i], out[1][a][i]
					if math.Float32bits(x) != math.Float32bits(y) && !(x != x && y != y) {
						t.Fatalf("H=%d first=%v: %s[%d] is %g in AVX, %g in Go", H, first, name, i, y, x)
					}
				}
			}
		}
	}
}
