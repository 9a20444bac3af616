package main

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/laa-neuro/laa/nn"
)

// gemmShapes are the matrix products of one training step, as the layers
// call nn.Gemm: op(A) is m x k, op(B) is k x n.
var gemmShapes = []struct {
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
}

// BenchmarkGemm times the products of gemmShapes on the default backend and
// reports GFLOP/s; compare `go test -bench Gemm ./bench/npe` with and
// without -tags openblas.
func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(r, c int) *nn.Mat {
		m := nn.NewMat(r, c)
		for i := range m.Data {
			m.Data[i] = float32(rng.NormFloat64())
		}
		return m
	}
	for _, s := range gemmShapes {
		b.Run(fmt.Sprintf("%s/%s", nn.BackendName(), s.name), func(b *testing.B) {
			a, bb := fill(s.m, s.k), fill(s.k, s.n)
			if s.transA {
				a = fill(s.k, s.m)
			}
			if s.transB {
				bb = fill(s.n, s.k)
			}
			c := nn.NewMat(s.m, s.n)
			for b.Loop() {
				nn.Gemm(s.transA, s.transB, 1, a, bb, 1, c)
			}
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
