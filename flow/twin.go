package flow

import (
	"sync"
)

// A twin of a flow is a second Flow over the same parameters (the very
// *nn.Param values, never copied), the same permutations and the same
// ActNorm state, with its own scratch buffers and caches. Sampling runs
// its pieces on several cores, one twin per goroutine, because a layer's
// buffers can serve only one pass at a time. A twin is only ever used for
// inverse passes, and building one reads no cache of the original, so it
// neither needs nor disturbs a Forward awaiting its Backward.

// twinPool keeps the twins of one flow between calls. The flow itself is
// the first worker; twins are built when more pieces run at once than
// there are free workers, and kept. Its lock guards only the free list:
// each worker is held by one goroutine from get to put.
type twinPool struct {
	mu       sync.Mutex
	selfBusy bool    // the flow itself is lent out
	free     []*Flow // twins not lent out
}

// getWorker returns a flow that computes exactly as f and that no other
// goroutine holds: f itself when it is free, else a kept or new twin.
func (f *Flow) getWorker() *Flow {
	p := &f.pool
	p.mu.Lock()
	if !p.selfBusy {
		p.selfBusy = true
		p.mu.Unlock()
		return f
	}
	if n := len(p.free); n > 0 {
		w := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return w
	}
	p.mu.Unlock()
	return f.twin()
}

// putWorker hands back a flow from getWorker.
func (f *Flow) putWorker(w *Flow) {
	p := &f.pool
	p.mu.Lock()
	if w == f {
		p.selfBusy = false
	} else {
		p.free = append(p.free, w)
	}
	p.mu.Unlock()
}

// twin returns a new twin of f: shared parameters, permutations and
// ActNorm state, fresh buffers, no training cache.
func (f *Flow) twin() *Flow {
	t := &Flow{cfg: f.cfg, params: f.params}
	for _, s := range f.steps {
		ts := s.twin()
		if a, ok := ts.(*actNorm); ok {
			t.norms = append(t.norms, a)
		}
		t.steps = append(t.steps, ts)
	}
	return t
}

func (a *actNorm) twin() bijector {
	return &actNorm{logScale: a.logScale, shift: a.shift, initialized: a.initialized}
}

func (p *permutation) twin() bijector { return &permutation{perm: p.perm, inv: p.inv} }

func (c *coupling) twin() bijector {
	return &coupling{cond: c.cond.twin(), transIdx: c.transIdx, clamp: c.clamp}
}

func (c *splineCoupling) twin() bijector {
	return &splineCoupling{cond: c.cond.twin(), transIdx: c.transIdx, spl: newRQSpline(c.spl.bins, c.spl.bound)}
}

// twin returns a conditioner over c's network's parameters with fresh
// layer buffers.
func (c *conditioner) twin() *conditioner {
	return &conditioner{net: c.net.ShareWeights(), condIdx: c.condIdx, ctxDim: c.ctxDim}
}
