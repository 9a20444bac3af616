package nn

import "fmt"

// AvgPool1D averages a batch of sequences in the batch-major layout (see
// Conv1D: row b holds x_b(t, c) at t*Channels+c) over windows of Stride
// consecutive steps, turning Steps steps into OutSteps = ceil(Steps/Stride);
// a shorter last window is averaged over the steps it has. A Stride of at
// least Steps is global average pooling: one step per channel. (AvgPoolTime
// does the same for the LSTM's time-major layout.)
type AvgPool1D struct {
	Stride, Steps, Channels int

	y, dx *Mat
}

// NewAvgPool1D returns the pooling layer; it panics on sizes that are not
// positive (programmer error).
func NewAvgPool1D(stride, steps, channels int) *AvgPool1D {
	if stride <= 0 || steps <= 0 || channels <= 0 {
		panic(fmt.Sprintf("nn: AvgPool1D stride %d, steps %d, channels %d", stride, steps, channels))
	}
	return &AvgPool1D{Stride: stride, Steps: steps, Channels: channels}
}

// OutSteps returns the output sequence length.
func (p *AvgPool1D) OutSteps() int { return (p.Steps + p.Stride - 1) / p.Stride }

// Forward returns the pooled batch, B x (OutSteps*Channels).
func (p *AvgPool1D) Forward(x *Mat) *Mat {
	C := p.Channels
	if x.Cols != p.Steps*C {
		panic(fmt.Sprintf("nn: AvgPool1D input has %d columns, want %d steps x %d channels", x.Cols, p.Steps, C))
	}
	U := p.OutSteps()
	p.y = reuse(p.y, x.Rows, U*C)
	for b := range x.Rows {
		in, out := x.Row(b), p.y.Row(b)
		for u := range U {
			t0, t1 := u*p.Stride, min((u+1)*p.Stride, p.Steps)
			o := out[u*C : (u+1)*C]
			copy(o, in[t0*C:(t0+1)*C])
			for t := t0 + 1; t < t1; t++ {
				for c, v := range in[t*C : (t+1)*C] {
					o[c] += v
				}
			}
			s := 1 / float32(t1-t0)
			for c := range o {
				o[c] *= s
			}
		}
	}
	return p.y
}

// Backward spreads each output gradient evenly over its window.
func (p *AvgPool1D) Backward(dy *Mat) *Mat {
	sameShape("AvgPool1D backward", dy, p.y)
	C, U := p.Channels, p.OutSteps()
	p.dx = reuse(p.dx, dy.Rows, p.Steps*C)
	for b := range dy.Rows {
		in, out := dy.Row(b), p.dx.Row(b)
		for u := range U {
			t0, t1 := u*p.Stride, min((u+1)*p.Stride, p.Steps)
			s := 1 / float32(t1-t0)
			g := in[u*C : (u+1)*C]
			for t := t0; t < t1; t++ {
				o := out[t*C : (t+1)*C]
				for c, v := range g {
					o[c] = v * s
				}
			}
		}
	}
	return p.dx
}

// Params returns nil.
func (*AvgPool1D) Params() []*Param { return nil }
