package main

// The library's block kernel before commit 849f365 (before.go) against the
// library's current one, noise free, on the default experiment:
//
//	go test -run Before -v ./bench/simspeed                     # agreement
//	go test -run - -bench Block -cpu 1 ./bench/simspeed         # trajectories per CPU-second, one core

import (
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// runKernel integrates ps noise free, one block at a time, with the
// library's kernel or (before) the one of before.go.
func runKernel(before bool, sim *neuron.Simulator, s *setup, ps []neuron.Params, out []float64) error {
	n := sim.NumSamples()
	for lo := 0; lo < len(ps); lo += neuron.BlockSize {
		hi := min(lo+neuron.BlockSize, len(ps))
		var err error
		if before {
			err = beforeBlock(s, ps[lo:hi], out[lo*n:hi*n])
		} else {
			err = sim.Simulate(ps[lo:hi], nil, out[lo*n:hi*n])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func TestBeforeAgree(t *testing.T) {
	const m = 1000 // includes a partial last block
	cfg := neuron.Default()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := newSetup(cfg)
	ps := priorDraws(neuron.Default(), m)
	want := make([]float64, m*sim.NumSamples())
	got := make([]float64, len(want))
	if err := runKernel(false, sim, s, ps, want); err != nil {
		t.Fatal(err)
	}
	if err := runKernel(true, sim, s, ps, got); err != nil {
		t.Fatal(err)
	}
	d := maxDiff(got, want)
	t.Logf("max |V_before - V_library| over %d x %d samples = %.3g mV", m, sim.NumSamples(), d)
	if d > 1e-9 {
		t.Errorf("the kernel before 849f365 differs from the library by %.3g mV", d)
	}
}

func benchKernel(b *testing.B, before bool) {
	const m = 32 * neuron.BlockSize
	cfg := neuron.Default()
	sim, err := neuron.NewSimulator(cfg)
	check(err)
	s := newSetup(cfg)
	ps := priorDraws(neuron.Default(), m)
	out := make([]float64, m*sim.NumSamples())
	c0 := cpuSeconds()
	for b.Loop() {
		check(runKernel(before, sim, s, ps, out))
	}
	// Per CPU-second: robust to other load on the machine (run with -cpu 1).
	b.ReportMetric(float64(m*b.N)/(cpuSeconds()-c0), "traj/cpu-s")
}

func BenchmarkBlockLibrary(b *testing.B) { benchKernel(b, false) }
func BenchmarkBlockBefore(b *testing.B)  { benchKernel(b, true) }
