package flow

import (
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// permutation reorders the dimensions: y[j] = x[perm[j]]. Its log|det| is 0
// and it has no parameters.
type permutation struct {
	perm, inv []int
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

func (p *permutation) forward(x, _ *nn.Mat, _ []float32) *nn.Mat { return gather(x, p.perm) }

func (p *permutation) backward(dy *nn.Mat, _ []float32, _ *nn.Mat) *nn.Mat {
	return gather(dy, p.inv)
}

func (p *permutation) inverse(y, _ *nn.Mat, _ int) *nn.Mat { return gather(y, p.inv) }

func (p *permutation) params() []*nn.Param { return nil }

// gather returns y with y[i][j] = x[i][idx[j]].
func gather(x *nn.Mat, idx []int) *nn.Mat {
	d := x.Cols
	y := nn.NewMat(x.Rows, d)
	for i := range x.Rows {
		xr, yr := x.Data[i*d:(i+1)*d], y.Data[i*d:(i+1)*d]
		for j, k := range idx {
			yr[j] = xr[k]
		}
	}
	return y
}
