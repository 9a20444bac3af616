package flow

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/laa-neuro/laa/nn"
)

// TestSampleInPiecesSameBits checks that SampleBatch, which takes each
// context's draws through the flow in pieces of at most sampleChunk rows,
// gives the bits of one pass over all of them, for draw counts below, at
// and just above the piece size (where a piece of one row would round
// differently) and for several contexts. laa's own matrix kernel gives the
// same bits for any row split; another backend (OpenBLAS) may round a
// product differently for another number of rows, so there the draws must
// agree to 1 % (this random flow's large scales magnify its rounding).
func TestSampleInPiecesSameBits(t *testing.T) {
	_, asm := nn.DefaultBackend().(nn.Asm)
	exact := asm && nn.AsmSupported()
	for _, cfg := range []Config{benchConfig, benchSplineConfig} {
		f := randomFlow(t, cfg, 32)
		for _, n := range []int{1, 2, sampleChunk, sampleChunk + 1, 1000} {
			for _, m := range []int{1, 3} {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(m)))
				ctx := randMat(m, 32, 0, 1, rng)
				got := f.SampleBatch(ctx, n, rand.New(rand.NewPCG(7, 8)))

				base := rand.New(rand.NewPCG(7, 8))
				z := nn.NewMat(m*n, cfg.Dim)
				for i := range z.Data {
					z.Data[i] = float32(base.NormFloat64())
				}
				want := f.inverse(z, ctx, n)
				if got.Rows != want.Rows || got.Cols != want.Cols {
					t.Fatalf("%s, %d draws x %d contexts: shape %dx%d, want %dx%d", cfg.Coupling, n, m, got.Rows, got.Cols, want.Rows, want.Cols)
				}
				for i := range want.Data {
					if !exact && math.Abs(float64(got.Data[i]-want.Data[i])) <= 1e-2*math.Max(1, math.Abs(float64(want.Data[i]))) {
						continue
					}
					if got.Data[i] != want.Data[i] {
						t.Fatalf("%s, %d draws x %d contexts: value %d is %v in pieces, %v in one pass", cfg.Coupling, n, m, i, got.Data[i], want.Data[i])
					}
				}
			}
		}
	}
}
