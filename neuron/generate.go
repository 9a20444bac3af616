package neuron

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/laa-neuro/laa/model"
)

// Stream returns the random stream of simulation index i under seed (see
// model.Stream). Each simulation draws its parameters and then its noise
// from its own stream, so results do not depend on how simulations are
// spread over workers.
func Stream(seed, i uint64) *rand.Rand { return model.Stream(seed, i) }

// Batch is a set of simulated (parameter, trace) pairs in row-major order.
type Batch struct {
	Names  []string  // inferred parameter names, the columns of Theta
	Theta  []float64 // N x len(Names)
	Traces []float64 // N x NumSamples
	N, T   int       // number of simulations and samples per trace
}

// GenerateOptions tunes Generate. The zero value uses every core.
type GenerateOptions struct {
	Workers  int             // parallel workers; 0 means runtime.GOMAXPROCS(0)
	Progress func(done int)  // called (from any goroutine) with the number of simulations just finished
	Context  context.Context // optional cancellation
}

// Generate draws simulations start..start+n-1 under seed: parameters from
// the prior, then a noisy trace. Simulation i's result depends only on
// (seed, i), so shards [a, b) of a run equal the matching rows of the whole.
func (s *Simulator) Generate(seed uint64, start, n int, opt GenerateOptions) (*Batch, error) {
	if n <= 0 {
		return nil, fmt.Errorf("neuron: number of simulations must be positive, got %d", n)
	}
	if start < 0 {
		return nil, fmt.Errorf("neuron: negative start index %d", start)
	}
	names, _ := s.cfg.Inferred()
	P, T := len(names), s.nSamples
	out := &Batch{Names: names, Theta: make([]float64, n*P), Traces: make([]float64, n*T), N: n, T: T}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	nBlocks := (n + BlockSize - 1) / BlockSize
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps := make([]Params, 0, BlockSize)
			rngs := make([]*rand.Rand, 0, BlockSize)
			for {
				blk := int(next.Add(1) - 1)
				if blk >= nBlocks || ctx.Err() != nil {
					return
				}
				lo, hi := blk*BlockSize, min((blk+1)*BlockSize, n)
				ps, rngs = ps[:0], rngs[:0]
				for i := lo; i < hi; i++ {
					r := Stream(seed, uint64(start+i))
					theta := out.Theta[i*P : (i+1)*P]
					s.cfg.SamplePrior(r, theta)
					p, err := s.cfg.Params(theta)
					if err != nil {
						once.Do(func() { firstErr = fmt.Errorf("simulation %d: %w", start+i, err) })
						return
					}
					ps, rngs = append(ps, p), append(rngs, r)
				}
				if err := s.Simulate(ps, rngs, out.Traces[lo*T:hi*T]); err != nil {
					var te *TraceError
					if errors.As(err, &te) {
						te.Index += start + lo
						err = fmt.Errorf("simulation %d: %w", te.Index, err)
					} else {
						err = fmt.Errorf("simulations %d-%d: %w", start+lo, start+hi-1, err)
					}
					once.Do(func() { firstErr = err })
					return
				}
				if opt.Progress != nil {
					opt.Progress(hi - lo)
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("neuron: generate: %w", err)
	}
	return out, nil
}
