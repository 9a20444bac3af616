package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// The package's parallelism is one set of helper goroutines shared by
// everything that splits work: the matrix products (Asm.Sgemm over row
// blocks), the LSTM's elementwise passes, the flow's per-row passes and,
// through Parallel, the training replicas. A split hands parts only to
// helpers that are free (not running a part already), and runs the rest
// itself: replicas that keep every core busy leave each product on its own
// goroutine, and with cores to spare the products spread over them.
//
// Splitting never changes the arithmetic: every part is computed by the
// same instructions whichever goroutine runs it and however many run, so a
// given seed gives the same bytes on any number of cores (see
// docs/parallel.md).

// task is work split into parts that can run in any order, concurrently.
type task interface{ runPart(i int) }

// job is one task being run: parts are claimed through next by the caller
// and the helpers it was handed to.
type job struct {
	t      task
	parts  int32
	next   atomic.Int32
	wg     sync.WaitGroup
	failed atomic.Pointer[partPanic] // the first part that panicked
}

// partPanic is a panic of one part, carried to the goroutine that called
// run: a panic on a helper would otherwise end the process, where the
// caller (a server's request guard) could have recovered it.
type partPanic struct{ value any }

var (
	// offers hands a job to a helper. A send is made only with a helper
	// reserved (busy counts it), so it never waits for more than the
	// moment a free helper takes to reach its receive.
	offers   = make(chan *job)
	started  atomic.Int32 // helpers started
	busy     atomic.Int32 // helpers reserved: running a job or about to
	startMu  sync.Mutex
	jobsPool = sync.Pool{New: func() any { return new(job) }}
)

// claim runs parts until none is left.
func (j *job) claim() {
	for {
		i := j.next.Add(1) - 1
		if i >= j.parts {
			return
		}
		j.runPart(int(i))
	}
}

// runPart runs part i, recording a panic instead of letting it unwind.
func (j *job) runPart(i int) {
	defer func() {
		if v := recover(); v != nil {
			j.failed.CompareAndSwap(nil, &partPanic{v})
		}
	}()
	j.t.runPart(i)
}

func helper() {
	for j := range offers {
		j.claim()
		busy.Add(-1) // before Done: the caller may split again at once
		j.wg.Done()
	}
}

// ensureHelpers starts helpers until there are n.
func ensureHelpers(n int) {
	if int(started.Load()) >= n {
		return
	}
	startMu.Lock()
	defer startMu.Unlock()
	for int(started.Load()) < n {
		started.Add(1)
		go helper()
	}
}

// reserve counts one more helper busy if fewer than limit are, and
// reports whether it did.
func reserve(limit int32) bool {
	for {
		b := busy.Load()
		if b >= limit {
			return false
		}
		if busy.CompareAndSwap(b, b+1) {
			return true
		}
	}
}

// run calls t.runPart(i) for every i in [0, parts): on the calling
// goroutine, and on up to GOMAXPROCS-1 helpers that are free at the time.
// It returns when every part is done and allocates nothing.
func run(t task, parts int) {
	p := runtime.GOMAXPROCS(0)
	if parts <= 1 || p < 2 {
		for i := range parts {
			t.runPart(i)
		}
		return
	}
	ensureHelpers(p - 1)
	j := jobsPool.Get().(*job)
	j.t, j.parts = t, int32(parts)
	j.next.Store(0)
	limit := min(started.Load(), int32(p-1))
	for range min(parts, p) - 1 {
		if !reserve(limit) {
			break
		}
		j.wg.Add(1)
		offers <- j
	}
	j.claim()
	j.wg.Wait() // every part has ended, so none still writes what the caller owns
	failed := j.failed.Swap(nil)
	j.t = nil
	jobsPool.Put(j)
	if failed != nil {
		panic(failed.value)
	}
}

// funcTask runs f(i) for part i.
type funcTask func(i int)

func (f funcTask) runPart(i int) { f(i) }

// Parallel calls f(i) for every i in [0, n) and returns when all are done.
// The calls run concurrently on the calling goroutine and the package's
// idle helpers (one goroutine per core at most, fewer when the cores are
// busy), in no fixed order and on no fixed goroutine, so f must give the
// same result wherever and whenever it runs. Training runs its replicas
// through it, so that the replicas and the matrix products inside them
// share the cores.
func Parallel(n int, f func(i int)) { run(funcTask(f), n) }

// minParallelWork is the number of elementwise cell updates below which
// splitting a step over goroutines costs more than it saves.
const minParallelWork = 1 << 13

// parallelFor calls f on consecutive ranges [lo, hi) covering [0, n), one
// range per processor, concurrently when work (the number of element
// updates) is large enough and in a single call otherwise. The LSTM uses it
// for its per-step elementwise passes, which would otherwise leave all but
// one core idle between matrix products. f must compute each element the
// same way whatever the range.
func parallelFor(n, work int, f func(lo, hi int)) {
	p := min(runtime.GOMAXPROCS(0), n)
	if p < 2 || work < minParallelWork {
		f(0, n)
		return
	}
	chunk := (n + p - 1) / p
	Parallel((n+chunk-1)/chunk, func(i int) { f(i*chunk, min((i+1)*chunk, n)) })
}

// part returns s[lo:hi], or nil for a nil s.
func part(s []float32, lo, hi int) []float32 {
	if s == nil {
		return nil
	}
	return s[lo:hi]
}
