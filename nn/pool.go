package nn

import "fmt"

// AvgPoolTime averages a time-major sequence (see LSTM) over windows of
// Stride consecutive time steps, turning Steps steps into
// OutSteps = ceil(Steps/Stride); a shorter last window is averaged over the
// steps it has. Put in front of an LSTM it shortens long recordings (600
// steps with stride 4 become 150) at a fraction of the cost.
type AvgPoolTime struct {
	// Stride is the window length and step.
	Stride int
	// Steps is the input sequence length.
	Steps int

	y, dx *Mat
}

// NewAvgPoolTime returns the pooling layer for sequences of steps time steps.
func NewAvgPoolTime(stride, steps int) *AvgPoolTime {
	if stride <= 0 || steps <= 0 {
		panic(fmt.Sprintf("nn: AvgPoolTime stride %d, steps %d", stride, steps))
	}
	return &AvgPoolTime{Stride: stride, Steps: steps}
}

// OutSteps returns the output sequence length.
func (p *AvgPoolTime) OutSteps() int { return (p.Steps + p.Stride - 1) / p.Stride }

func (p *AvgPoolTime) batchOf(rows int) int {
	if rows == 0 || rows%p.Steps != 0 {
		panic(fmt.Sprintf("nn: AvgPoolTime input has %d rows, not a positive multiple of %d steps", rows, p.Steps))
	}
	return rows / p.Steps
}

// window returns the first input step and the length of output step u.
func (p *AvgPoolTime) window(u int) (t0, n int) {
	t0 = u * p.Stride
	return t0, min(p.Stride, p.Steps-t0)
}

// Forward returns the pooled sequence, (OutSteps*B) x C.
func (p *AvgPoolTime) Forward(x *Mat) *Mat {
	B := p.batchOf(x.Rows)
	w := B * x.Cols // values per time step
	p.y = reuse(p.y, p.OutSteps()*B, x.Cols)
	for u := range p.OutSteps() {
		t0, n := p.window(u)
		out := p.y.Data[u*w : (u+1)*w]
		copy(out, x.Data[t0*w:(t0+1)*w])
		for t := t0 + 1; t < t0+n; t++ {
			for i, v := range x.Data[t*w : (t+1)*w] {
				out[i] += v
			}
		}
		s := 1 / float32(n)
		for i := range out {
			out[i] *= s
		}
	}
	return p.y
}

// Backward spreads each output gradient evenly over its window.
func (p *AvgPoolTime) Backward(dy *Mat) *Mat {
	sameShape("AvgPoolTime backward", dy, p.y)
	B := dy.Rows / p.OutSteps()
	w := B * dy.Cols
	p.dx = reuse(p.dx, p.Steps*B, dy.Cols)
	for u := range p.OutSteps() {
		t0, n := p.window(u)
		s := 1 / float32(n)
		in := dy.Data[u*w : (u+1)*w]
		for t := t0; t < t0+n; t++ {
			out := p.dx.Data[t*w : (t+1)*w]
			for i, v := range in {
				out[i] = v * s
			}
		}
	}
	return p.dx
}

// Params returns nil.
func (*AvgPoolTime) Params() []*Param { return nil }

// TimeMajor converts x, one sequence per row with steps time steps of C
// channels stored step after step (row b holds x_b(t, c) at t*C+c), into a
// new time-major (steps*B) x C matrix with x_b(t, ·) in row t*B+b.
func TimeMajor(x *Mat, steps int) (*Mat, error) {
	if steps <= 0 || x.Cols%steps != 0 {
		return nil, fmt.Errorf("nn: TimeMajor: %d columns do not split into %d steps", x.Cols, steps)
	}
	B, C := x.Rows, x.Cols/steps
	y := NewMat(steps*B, C)
	for b := range B {
		row := x.Row(b)
		for t := range steps {
			copy(y.Row(t*B+b), row[t*C:(t+1)*C])
		}
	}
	return y, nil
}
