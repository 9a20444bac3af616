package nn

import "math"

// ZeroGrads sets every parameter's gradient to zero.
func ZeroGrads(params []*Param) {
	for _, p := range params {
		p.Grad.Zero()
	}
}

// ClipGradNorm scales all gradients together so that their global L2 norm
// is at most maxNorm, and returns the norm before clipping. A non-finite
// norm is returned without touching the gradients, so the caller can skip
// the step.
func ClipGradNorm(params []*Param, maxNorm float64) (norm float64) {
	var ss float64
	for _, p := range params {
		for _, g := range p.Grad.Data {
			ss += float64(g) * float64(g)
		}
	}
	norm = math.Sqrt(ss)
	if norm <= maxNorm || math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm
	}
	s := float32(maxNorm / norm)
	for _, p := range params {
		for i := range p.Grad.Data {
			p.Grad.Data[i] *= s
		}
	}
	return norm
}

// NumValues returns the number of scalar values in params.
func NumValues(params []*Param) int {
	n := 0
	for _, p := range params {
		n += len(p.Value.Data)
	}
	return n
}
