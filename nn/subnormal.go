package nn

// Subnormal floats.
//
// When an LSTM's gradients fade over many time steps they pass through the
// subnormal range (|x| < 1.2e-38 in float32), where x86 arithmetic falls back
// to microcode and runs many times slower: LSTM backward was measured 2-5x
// slower. The usual cure, the MXCSR flush-to-zero and denormals-are-zero
// bits, cannot be relied on from Go: MXCSR is per OS thread, goroutines
// migrate between threads, and gonum's matrix product runs on goroutines of
// its own. So the LSTM flushes in software: every value it writes into its
// recurrent state (c, h) and into its gradient buffers (dh, dc, gate
// gradients) is set to 0 when its magnitude is below subnormalFloor. The
// floor sits far above the subnormal range so that products of flushed
// buffers with weights stay normal too; values that small carry no
// information next to the O(1e-8) rounding of the numbers they are added to.
// See BenchmarkLSTMSubnormal for the measured effect.

// subnormalFloor is the magnitude below which the LSTM flushes to zero.
const subnormalFloor = 1e-30

// flush returns 0 when |x| < floor and x otherwise. With floor 0 it never
// flushes.
func flush(x, floor float32) float32 {
	if abs32(x) < floor {
		return 0
	}
	return x
}
