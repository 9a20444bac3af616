package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
)

// ModelChunk is how many simulations SimulateModel hands a model's
// Simulate at once (an external simulator then splits them into its own
// batches).
const ModelChunk = 1000

// MaxSimulatedValues bounds N x D of one SimulateModel call: 2^31 values
// are 16 GiB as float64 while simulating (8 GiB kept as float32).
const MaxSimulatedValues = 1 << 31

// SimulateModel makes simulations Start..Start+N-1 of a run of any
// simulating model: simulation i draws its parameters from the prior and
// then its observation, both from the stream model.Stream(Seed, i), so the
// result depends only on the seed and the indices, never on the number of
// workers, and shards equal the matching rows of the whole run. The LAA
// neuron (neuron.Model) takes Simulate's path, which gives the same rows.
func SimulateModel(m model.Simulator, opt SimulateOptions) (*Set, error) {
	if lm, ok := m.(neuron.Model); ok {
		return Simulate(lm.Simulator, opt)
	}
	if opt.N <= 0 {
		return nil, fmt.Errorf("dataset: number of simulations must be positive, got %d", opt.N)
	}
	if opt.Start < 0 {
		return nil, fmt.Errorf("dataset: negative start index %d", opt.Start)
	}
	if opt.Total == 0 {
		opt.Total = opt.N
	}
	if err := model.Check(m); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	stored, err := model.Store(m)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	P, D := len(m.Parameters()), m.Observation().Length
	if n, ok := product([]int{opt.N, D}); !ok || n > MaxSimulatedValues {
		return nil, fmt.Errorf("dataset: %d simulations of %d values are more than MaxSimulatedValues = %d", opt.N, D, MaxSimulatedValues)
	}
	theta, x := make([]float64, opt.N*P), make([]float64, opt.N*D)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunks := (opt.N + ModelChunk - 1) / ModelChunk
	var next atomic.Int64
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for range min(workers, chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				lo, hi := c*ModelChunk, min((c+1)*ModelChunk, opt.N)
				rngs := make([]*rand.Rand, hi-lo)
				for i := lo; i < hi; i++ {
					rngs[i-lo] = model.Stream(opt.Seed, uint64(opt.Start+i))
					model.SamplePrior(m, rngs[i-lo], theta[i*P:(i+1)*P])
				}
				if err := m.Simulate(theta[lo*P:hi*P], rngs, x[lo*D:hi*D]); err != nil {
					errs[c] = fmt.Errorf("dataset: simulations %d-%d: %w", opt.Start+lo, opt.Start+hi-1, err)
					next.Store(int64(chunks)) // stop the others
					return
				}
				if opt.Progress != nil {
					opt.Progress(hi - lo)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	names := model.Names(m)
	s := &Set{Meta: Meta{Format: FormatName, Version: FormatVersion, Seed: opt.Seed, Start: opt.Start, Total: opt.Total,
		Names: names, Model: &stored}, Theta: theta, Traces: make([]float32, len(x)), N: opt.N, P: P, T: D}
	for i, v := range x {
		s.Traces[i] = float32(v)
		if f := float64(s.Traces[i]); math.IsInf(f, 0) || math.IsNaN(f) {
			row := i / D
			return nil, fmt.Errorf("dataset: simulation %d (%s): value %d is %g, which does not fit in the float32 that data sets store",
				opt.Start+row, paramString(names, theta[row*P:(row+1)*P]), i%D, v)
		}
	}
	if o := m.Observation(); o.Input != nil {
		s.Stimulus = append([]float64(nil), o.Input...)
		s.Time = make([]float64, D)
		for t := range s.Time {
			s.Time[t] = float64(t) * o.StepMs
		}
	}
	if err := s.computeFeatures(m); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}
