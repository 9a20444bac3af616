package dataset

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"

	"github.com/laa-neuro/laa/features"
	"github.com/laa-neuro/laa/neuron"
)

// SimulateOptions says which part of a run to simulate and how.
type SimulateOptions struct {
	Seed     uint64
	Start    int // first simulation index
	N        int // simulations to make
	Total    int // simulations in the whole run (N when 0)
	Workers  int // 0 means every core
	Progress func(done int)
}

// Simulate makes simulations Start..Start+N-1 of a run: parameters from the
// prior, noisy traces and their summary statistics. The result depends only
// on the seed and the indices, never on the number of workers.
func Simulate(sim *neuron.Simulator, opt SimulateOptions) (*Set, error) {
	if opt.N <= 0 {
		return nil, fmt.Errorf("dataset: number of simulations must be positive, got %d", opt.N)
	}
	if opt.Total == 0 {
		opt.Total = opt.N
	}
	layout, err := sim.FeatureLayout()
	if err != nil {
		return nil, err
	}
	b, err := sim.Generate(opt.Seed, opt.Start, opt.N, neuron.GenerateOptions{Workers: opt.Workers, Progress: opt.Progress})
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	cfg := sim.Config()
	s := &Set{
		Meta: Meta{Format: FormatName, Version: FormatVersion, Seed: opt.Seed, Start: opt.Start, Total: opt.Total,
			Names: b.Names, StatNames: layout.Names(), Config: cfg},
		Theta: b.Theta, Traces: make([]float32, len(b.Traces)), Stats: make([]float32, b.N*layout.Len()),
		Time: sim.Times(), Stimulus: sim.StimulusAtSamples(), N: b.N, P: len(b.Names), T: b.T,
	}
	for i, v := range b.Traces {
		s.Traces[i] = float32(v)
		if f := float64(s.Traces[i]); math.IsInf(f, 0) || math.IsNaN(f) {
			row := i / b.T
			return nil, fmt.Errorf("dataset: simulation %d (%s): voltage %g mV at t = %g ms does not fit in the float32 that data sets store",
				opt.Start+row, paramString(b.Names, b.Theta[row*len(b.Names):(row+1)*len(b.Names)]), v, s.Time[i%b.T])
		}
	}
	if err := ComputeStats(layout, b.Traces, s.Stats, opt.Workers); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// paramString formats one parameter vector as "C_m=1, g_L=0.1, ...".
func paramString(names []string, theta []float64) string {
	parts := make([]string, len(theta))
	for j, v := range theta {
		parts[j] = fmt.Sprintf("%s=%g", names[j], v)
	}
	return strings.Join(parts, ", ")
}

// ComputeStats fills stats (N x layout.Len()) from traces (N x T), in parallel.
// A statistic too large for float32 is an error naming the trace.
func ComputeStats[V float32 | float64](layout *features.Layout, traces []V, stats []float32, workers int) error {
	T, S, names := layout.Samples(), layout.Len(), layout.Names()
	n := len(traces) / max(T, 1)
	if T <= 0 || len(traces) != n*T || len(stats) != n*S {
		return fmt.Errorf("dataset: %d trace values and %d statistics for traces of %d samples and %d statistics", len(traces), len(stats), T, S)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]float64, S)
			var buf []float64 // float32 traces are converted one at a time
			for i := w; i < n; i += workers {
				v, ok := any(traces[i*T : (i+1)*T]).([]float64)
				if !ok {
					if buf == nil {
						buf = make([]float64, T)
					}
					for j, x := range traces[i*T : (i+1)*T] {
						buf[j] = float64(x)
					}
					v = buf
				}
				if err := layout.Compute(v, out); err != nil {
					errs[w] = fmt.Errorf("statistics of trace %d: %w", i, err)
					return
				}
				for j, v := range out {
					stats[i*S+j] = float32(v)
					if f := float64(stats[i*S+j]); math.IsInf(f, 0) || math.IsNaN(f) {
						errs[w] = fmt.Errorf("statistics of trace %d: %s = %g does not fit in the float32 that data sets store", i, names[j], v)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
