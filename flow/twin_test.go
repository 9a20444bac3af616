package flow

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/laa-neuro/laa/nn"
)

// sameBits fails t unless a and b hold the same bits.
func sameBits(t *testing.T, what string, a, b *nn.Mat) {
	t.Helper()
	if a.Rows != b.Rows || a.Cols != b.Cols {
		t.Fatalf("%s: shape %dx%d, want %dx%d", what, a.Rows, a.Cols, b.Rows, b.Cols)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("%s: value %d is %v, want %v", what, i, a.Data[i], b.Data[i])
		}
	}
}

// TestSampleSameBitsOnAnyCoreCount checks that SampleBatch, whose pieces
// run on as many cores as are free, gives the same bytes at GOMAXPROCS 1
// (the flow alone, one piece after another), 2 and 4, for one and for
// several contexts, and again after the weights change: the twins kept
// from the first draws must see the new values, not a copy.
func TestSampleSameBitsOnAnyCoreCount(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, cfg := range []Config{benchConfig, benchSplineConfig} {
		f := randomFlow(t, cfg, 40)
		ctx := randMat(3, cfg.ContextDim, 0, 1, rand.New(rand.NewPCG(41, 1)))
		for round := range 2 {
			if round == 1 {
				for _, p := range f.Params() {
					for i := range p.Value.Data {
						p.Value.Data[i] *= 1.01
					}
				}
			}
			for _, m := range []int{1, 3} {
				c := &nn.Mat{Rows: m, Cols: ctx.Cols, Data: ctx.Data[:m*ctx.Cols]}
				var want *nn.Mat
				for _, procs := range []int{1, 2, 4} {
					runtime.GOMAXPROCS(procs)
					got := f.SampleBatch(c, 1000, rand.New(rand.NewPCG(42, uint64(m))))
					if procs == 1 {
						want = got
						continue
					}
					sameBits(t, cfg.Coupling+" draws", got, want)
				}
			}
		}
	}
}

// TestTwinsConcurrent runs the flow and a twin at once on different
// inputs, as SampleBatch's workers do, and checks each result against the
// flow alone; under -race it also checks that they share no buffer.
func TestTwinsConcurrent(t *testing.T) {
	for _, cfg := range []Config{benchConfig, benchSplineConfig} {
		f := randomFlow(t, cfg, 43)
		rng := rand.New(rand.NewPCG(44, 1))
		ctx := randMat(1, cfg.ContextDim, 0, 1, rng)
		z := []*nn.Mat{randMat(300, cfg.Dim, 0, 1, rng), randMat(300, cfg.Dim, 0, 1, rng)}
		want := []*nn.Mat{f.inverse(z[0], ctx, 300).Clone(), f.inverse(z[1], ctx, 300).Clone()}
		workers := []*Flow{f.getWorker(), f.getWorker()}
		if workers[0] != f || workers[1] == f {
			t.Fatalf("workers %p, %p: want the flow %p, then a twin", workers[0], workers[1], f)
		}
		got := make([]*nn.Mat, 2)
		var wg sync.WaitGroup
		for k := range 2 {
			wg.Go(func() {
				for range 5 {
					got[k] = workers[k].inverse(z[k], ctx, 300)
				}
			})
		}
		wg.Wait()
		for k := range 2 {
			sameBits(t, cfg.Coupling+" worker", got[k], want[k])
			f.putWorker(workers[k])
		}
		if w := f.getWorker(); w != f {
			t.Fatalf("after putWorker, getWorker gave a twin, want the flow itself")
		} else if tw := f.getWorker(); tw != workers[1] {
			t.Fatalf("the kept twin was not reused")
		}
	}
}

// TestTwinLeavesTrainingAlone checks that building and running a twin
// between Forward and Backward leaves the flow's gradients as they are
// without it, and that Sample still invalidates a pending Backward.
func TestTwinLeavesTrainingAlone(t *testing.T) {
	cfg := benchConfig
	rng := rand.New(rand.NewPCG(45, 1))
	theta, ctx := randMat(64, cfg.Dim, 0, 1, rng), randMat(64, cfg.ContextDim, 0, 1, rng)
	grads := func(f *Flow) []float32 {
		var g []float32
		for _, p := range f.Params() {
			g = append(g, p.Grad.Data...)
		}
		return g
	}
	ref := randomFlow(t, cfg, 46)
	nn.ZeroGrads(ref.Params())
	ref.ForwardLoss(theta, ctx)
	ref.BackwardLoss()

	f := randomFlow(t, cfg, 46)
	nn.ZeroGrads(f.Params())
	f.ForwardLoss(theta, ctx)
	tw := f.twin()
	tw.inverse(randMat(64, cfg.Dim, 0, 1, rng), ctx.Clone(), 1)
	tw.inverse(randMat(500, cfg.Dim, 0, 1, rng), &nn.Mat{Rows: 1, Cols: ctx.Cols, Data: ctx.Row(0)}, 500)
	f.BackwardLoss()
	g, want := grads(f), grads(ref)
	for i := range want {
		if g[i] != want[i] {
			t.Fatalf("gradient %d is %v after a twin ran, want %v", i, g[i], want[i])
		}
	}

	f.ForwardLoss(theta, ctx)
	f.Sample(ctx.Row(0), 1000, rng)
	defer func() {
		if recover() == nil {
			t.Error("Backward after Sample did not panic")
		}
	}()
	f.BackwardLoss()
}
