package npe

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/laa-neuro/laa/nn"
)

// BenchmarkTrainStep times one training step of the quick preset's flow
// (6 blocks, conditioners 2 x 128) under each summary network at its
// defaults, batch 256 split over two replicas as train does: forward,
// backward, gradient sum and an Adam update. samples/s is training
// throughput on as many cores as GOMAXPROCS gives (the replicas run
// through nn.Parallel, as in train, and their products spread over the
// cores they leave idle); samples/cpu-s is the work done per CPU second,
// steadier on a busy machine.
func BenchmarkTrainStep(b *testing.B) {
	const batch = 256
	sim := simulatedB(b, batch)
	for _, kind := range []string{SummaryMLP, SummaryCNN, SummaryHybrid} {
		b.Run(kind, func(b *testing.B) {
			m, err := New(Config{Summary: SummaryConfig{Kind: kind}, Flow: FlowConfig{Layers: 6, Hidden: 128}}, sim, 1)
			if err != nil {
				b.Fatal(err)
			}
			obs, theta := batchOf(sim, 0, batch)
			if _, err := m.Loss(obs, theta); err != nil { // initializes ActNorm
				b.Fatal(err)
			}
			r, err := m.Replica()
			if err != nil {
				b.Fatal(err)
			}
			r.MarkInitialized()
			models := []*Model{m, r}
			opt := nn.NewAdam(m.Params(), 1e-4)
			cpu := cpuTime()
			for b.Loop() {
				nn.Parallel(len(models), func(k int) {
					mk := models[k]
					nn.ZeroGrads(mk.Params())
					lo, hi := k*batch/2, (k+1)*batch/2
					if _, err := mk.Loss(obs[lo:hi], theta[lo*sim.P:hi*sim.P]); err != nil {
						panic(err)
					}
					mk.Backward()
				})
				rp := r.Params()
				for i, p := range m.Params() {
					for j, g := range rp[i].Grad.Data {
						p.Grad.Data[j] = (p.Grad.Data[j] + g) / 2
					}
				}
				opt.Step()
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "samples/s")
			b.ReportMetric(float64(batch*b.N)/(cpuTime()-cpu).Seconds(), "samples/cpu-s")
		})
	}
}

// BenchmarkSample1000 times 1,000 posterior draws for one trace through
// Sample under the quick preset's shape (hybrid summary, 6 affine blocks
// of 128): the summary pass, the flow's inverse and the mapping back to
// the parameters' units.
func BenchmarkSample1000(b *testing.B) {
	sim := simulatedB(b, 64)
	m, err := New(Config{Summary: SummaryConfig{Kind: SummaryHybrid}, Flow: FlowConfig{Layers: 6, Hidden: 128}}, sim, 1)
	if err != nil {
		b.Fatal(err)
	}
	obs, theta := batchOf(sim, 0, 64)
	if _, err := m.Loss(obs, theta); err != nil { // initializes ActNorm
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cpu := cpuTime()
	for b.Loop() {
		if _, err := m.Sample(obs[:1], 1000, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the CPU time the process has used, all threads: on a
// busy machine, work per CPU second is steadier than per wall second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
