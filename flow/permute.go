package flow

import (
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// permutation reorders the dimensions: y[j] = x[perm[j]]. Its log|det| is 0
// and it has no parameters.
type permutation struct {
	perm, inv []int
	y, dx     *nn.Mat // reused outputs of forward and backward
}

// newPermutation draws a random permutation of dim elements that moves every
// element of the first h positions (those a coupling left unchanged) into
// the last dim-h positions (those the next coupling transforms), so that
// every dimension is transformed at least every second block, even for
// dim = 2. Apart from that constraint the order is uniformly random.
func newPermutation(dim, h int, rng *rand.Rand) *permutation {
	lower := rng.Perm(h)
	upper := rng.Perm(dim - h)
	for i := range upper {
		upper[i] += h
	}
	// New first h: h of the old upper half; new rest: the old lower half and
	// the remaining old upper half, shuffled.
	rest := append(lower, upper[h:]...)
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	perm := append(upper[:h:h], rest...)
	inv := make([]int, dim)
	for j, p := range perm {
		inv[p] = j
	}
	return &permutation{perm: perm, inv: inv}
}

func (p *permutation) forward(x, _ *nn.Mat, _ []float32) *nn.Mat {
	p.y = reuseMat(p.y, x.Rows, x.Cols)
	gather(p.y, x, p.perm)
	return p.y
}

func (p *permutation) backward(dy *nn.Mat, _ []float32, _ *nn.Mat) *nn.Mat {
	p.dx = reuseMat(p.dx, dy.Rows, dy.Cols)
	gather(p.dx, dy, p.inv)
	return p.dx
}

func (p *permutation) inverse(y, _ *nn.Mat, _ int) *nn.Mat {
	x := nn.NewMat(y.Rows, y.Cols) // the caller may keep it (SampleBatch)
	gather(x, y, p.inv)
	return x
}

func (p *permutation) params() []*nn.Param { return nil }

// gather sets y[i][j] = x[i][idx[j]].
func gather(y, x *nn.Mat, idx []int) {
	d := x.Cols
	for i := range x.Rows {
		xr, yr := x.Data[i*d:(i+1)*d], y.Data[i*d:(i+1)*d]
		for j, k := range idx {
			yr[j] = xr[k]
		}
	}
}
