package nn

import (
	"fmt"
	"math"
)

// Adam is the Adam optimizer (Kingma & Ba 2015) with bias correction and
// optional decoupled weight decay (AdamW, Loshchilov & Hutter 2019). Each
// Step applies, per parameter value p with gradient g, at step t = 1, 2, ...
//
//	m = β1 m + (1-β1) g,  v = β2 v + (1-β2) g²
//	p -= LR (m/(1-β1^t)) / (√(v/(1-β2^t)) + Eps) + LR WeightDecay p
//
// Zero-valued fields take the defaults β1 0.9, β2 0.999, Eps 1e-8. The
// training loop sets LR before each Step to follow a Schedule.
type Adam struct {
	// LR is the learning rate of the next Step.
	LR float64
	// Beta1 and Beta2 are the moment decay rates; 0 means 0.9 and 0.999.
	Beta1, Beta2 float64
	// Eps guards the division; 0 means 1e-8.
	Eps float64
	// WeightDecay is the decoupled weight decay rate (0 for none).
	WeightDecay float64

	params []*Param
	m, v   [][]float32
	step   int
}

// AdamState is Adam's state for checkpoints.
type AdamState struct {
	// Step is the number of steps taken.
	Step int
	// M and V are the first and second moment estimates of all parameter
	// values, concatenated in the order of the parameters given to NewAdam.
	M, V []float32
}

// NewAdam returns an optimizer for params with learning rate lr.
func NewAdam(params []*Param, lr float64) *Adam {
	a := &Adam{LR: lr, params: params}
	for _, p := range params {
		a.m = append(a.m, make([]float32, len(p.Value.Data)))
		a.v = append(a.v, make([]float32, len(p.Value.Data)))
	}
	return a
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.step }

// Step updates every parameter from its gradient. It does not clear the
// gradients.
func (a *Adam) Step() {
	b1, b2, eps := orDefault(a.Beta1, 0.9), orDefault(a.Beta2, 0.999), orDefault(a.Eps, 1e-8)
	a.step++
	t := float64(a.step)
	c1 := 1 - math.Pow(b1, t)
	c2 := 1 - math.Pow(b2, t)
	// p -= lr/c1 * m / (sqrt(v)/sqrt(c2) + eps) = step * m / (sqrt(v) + eps*sqrt(c2)).
	stepSize := float32(a.LR * math.Sqrt(c2) / c1)
	epsHat := float32(eps * math.Sqrt(c2))
	decay := float32(1 - a.LR*a.WeightDecay)
	c := adamConsts{b1: float32(b1), c1: 1 - float32(b1), b2: float32(b2), c2: 1 - float32(b2), step: stepSize, eps: epsHat, decay: decay}
	for k, p := range a.params {
		w := p.Value.Data
		adamUpdate(w, p.Grad.Data[:len(w)], a.m[k][:len(w)], a.v[k][:len(w)], &c)
	}
}

// adamConsts are the float32 constants of one Adam step, laid out for
// adamAVX.
type adamConsts struct {
	b1, c1, b2, c2, step, eps, decay float32 // c1 = 1-b1, c2 = 1-b2
}

// adamGo applies one Adam step to w from g, updating the moments m and v,
// operation by operation as adamAVX does (no fused multiply-adds).
func adamGo(w, g, m, v []float32, c *adamConsts) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i, gi := range g {
		mi := c.b1*m[i] + c.c1*gi
		vi := c.b2*v[i] + c.c2*gi*gi
		m[i], v[i] = mi, vi
		// The float64 square root rounded to float32 is the float32 one.
		w[i] = w[i]*c.decay - c.step*mi/(float32(math.Sqrt(float64(vi)))+c.eps)
	}
}

func orDefault(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

// State returns a copy of the optimizer state.
func (a *Adam) State() AdamState {
	s := AdamState{Step: a.step}
	for k := range a.m {
		s.M = append(s.M, a.m[k]...)
		s.V = append(s.V, a.v[k]...)
	}
	return s
}

// SetState restores a state saved by State for the same parameter list.
func (a *Adam) SetState(s AdamState) error {
	n := 0
	for _, m := range a.m {
		n += len(m)
	}
	if len(s.M) != n || len(s.V) != n {
		return fmt.Errorf("nn: Adam state has %d and %d moment values, want %d", len(s.M), len(s.V), n)
	}
	if s.Step < 0 {
		return fmt.Errorf("nn: Adam state has step %d", s.Step)
	}
	a.step = s.Step
	off := 0
	for k := range a.m {
		n := len(a.m[k])
		copy(a.m[k], s.M[off:off+n])
		copy(a.v[k], s.V[off:off+n])
		off += n
	}
	return nil
}
