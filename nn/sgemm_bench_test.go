package nn

import (
	"fmt"
	"testing"
)

// asmBenchShapes mirror bench/npe's gemmShapes (op(A) m x k, op(B) k x n),
// plus the LSTM input product of the first layer and the coupling output.
var asmBenchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"coupling-in-fwd", false, false, 256, 128, 34},
	{"hidden-fwd", false, false, 256, 128, 128},
	{"hidden-dW", true, false, 128, 128, 256},
	{"hidden-dx", false, true, 256, 128, 128},
	{"lstm-recurrent-fwd", false, false, 256, 256, 64},
	{"lstm-recurrent-dh", false, true, 256, 64, 256},
	{"lstm-dWh", true, false, 64, 256, 149 * 256},
	{"lstm-input2-fwd", false, false, 150 * 256, 256, 64},
	{"lstm-input1-fwd", false, false, 150 * 256, 256, 4},
	{"summary-in-fwd", false, false, 256, 128, 23},
	{"coupling-out-fwd", false, false, 256, 12, 128},
}

// BenchmarkAsmSgemm reports GFLOP/s of Gonum and Asm on asmBenchShapes:
// go test -run - -bench AsmSgemm ./nn/
func BenchmarkAsmSgemm(b *testing.B) {
	rng := newRNG(3)
	backends := []Backend{Gonum{}, Asm{}}
	if d := DefaultBackend(); d.Name() != "gonum" && d.Name() != (Asm{}).Name() {
		backends = append(backends, d)
	}
	for _, s := range asmBenchShapes {
		ar, ac, br, bc := s.m, s.k, s.k, s.n
		if s.transA {
			ar, ac = ac, ar
		}
		if s.transB {
			br, bc = bc, br
		}
		a, bb, c := randMat(rng, ar, ac, 1), randMat(rng, br, bc, 1), NewMat(s.m, s.n)
		for _, be := range backends {
			b.Run(fmt.Sprintf("%s/%s", s.name, be.Name()), func(b *testing.B) {
				for b.Loop() {
					be.Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a.Data, ac, bb.Data, bc, 1, c.Data, s.n)
				}
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
