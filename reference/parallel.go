package reference

import (
	"runtime"
	"sync"
)

// Parallel returns a BatchDensity that evaluates f on contiguous shares of
// the rows in workers goroutines (0 means one per core at call time).
func Parallel(f Density, workers int) BatchDensity {
	return func(xs [][]float64, out []float64) error {
		parallelRange(len(xs), workers, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				out[i] = f(xs[i])
			}
		})
		return nil
	}
}

// parallelRange calls f on contiguous shares [lo, hi) of [0, n) in up to
// workers goroutines (0 means one per core).
func parallelRange(n, workers int, f func(lo, hi int)) {
	if workers <= 0 {
		workers = defaultWorkers()
	}
	workers = min(workers, n)
	if workers <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// defaultWorkers is one worker per core.
func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
