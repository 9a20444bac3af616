package nn

import (
	"runtime"
	"sync"
)

// minParallelWork is the number of elementwise cell updates below which
// splitting a step over goroutines costs more than it saves.
const minParallelWork = 1 << 13

// parallelFor calls f on consecutive ranges [lo, hi) covering [0, n), one
// range per processor, concurrently when work (the number of element
// updates) is large enough and in a single call otherwise. The LSTM uses it
// for its per-step elementwise passes, which would otherwise leave all but
// one core idle between matrix products.
func parallelFor(n, work int, f func(lo, hi int)) {
	p := min(runtime.GOMAXPROCS(0), n)
	if p < 2 || work < minParallelWork {
		f(0, n)
		return
	}
	chunk := (n + p - 1) / p
	var wg sync.WaitGroup
	for lo := chunk; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	f(0, chunk)
	wg.Wait()
}

// part returns s[lo:hi], or nil for a nil s.
func part(s []float32, lo, hi int) []float32 {
	if s == nil {
		return nil
	}
	return s[lo:hi]
}
