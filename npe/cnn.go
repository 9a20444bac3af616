package npe

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// convNet is the summary network of the cnn and hybrid kinds: a stack of
// Conv1D layers (fused ReLU) over the pooled, standardized voltage and
// stimulus, its last sequence flattened, for hybrid concatenated with the
// standardized statistics, then a ReLU MLP head to the summary vector.
//
// Its input is B x (steps*2 + stats): each row the two-channel sequence in
// nn's batch-major layout (x(t, 0) voltage, x(t, 1) stimulus at column
// 2t and 2t+1), then the statistics (none for cnn). Backward returns nil:
// the input is data, so the first convolution skips its input gradient.
type convNet struct {
	convs []*nn.Conv1D
	head  *nn.MLP
	steps int // input sequence length (after the input pooling)
	stats int // statistics at the end of each input row (hybrid), else 0

	seq, cat, dflat *nn.Mat // hybrid buffers: the sequence part, the head's input, the flat part of its gradient
}

// newConvNet builds the network for sequences of steps steps and stats
// trailing statistics. Parameters are named conv<i>.W, conv<i>.b, then the
// head's dense<i>.W, dense<i>.b.
func newConvNet(c SummaryConfig, steps, stats int, rng *rand.Rand) *convNet {
	n := &convNet{steps: steps, stats: stats}
	in, T := 2, steps
	for i, ch := range c.Channels {
		conv := nn.NewConv1D(nn.Conv1DConfig{In: in, Out: ch, Kernel: c.Kernel, Stride: c.Stride, Steps: T, ReLU: true},
			fmt.Sprintf("conv%d.", i), rng)
		conv.NoInputGrad = i == 0
		n.convs = append(n.convs, conv)
		in, T = ch, conv.OutSteps()
	}
	sizes := []int{T*in + stats}
	for range c.Layers {
		sizes = append(sizes, c.Hidden)
	}
	n.head = nn.NewMLP(append(sizes, c.Out), "relu", rng)
	return n
}

// Forward returns the summary vectors, B x Out.
func (n *convNet) Forward(x *nn.Mat) *nn.Mat {
	L := 2 * n.steps
	if x.Cols != L+n.stats {
		panic(fmt.Sprintf("npe: conv summary input has %d columns, want %d", x.Cols, L+n.stats))
	}
	h := x
	if n.stats > 0 {
		n.seq = reuseMat(n.seq, x.Rows, L)
		for b := range x.Rows {
			copy(n.seq.Row(b), x.Row(b)[:L])
		}
		h = n.seq
	}
	for _, c := range n.convs {
		h = c.Forward(h)
	}
	if n.stats > 0 {
		F := h.Cols
		n.cat = reuseMat(n.cat, x.Rows, F+n.stats)
		for b := range x.Rows {
			row := n.cat.Row(b)
			copy(row, h.Row(b))
			copy(row[F:], x.Row(b)[L:])
		}
		h = n.cat
	}
	return n.head.Forward(h)
}

// Backward accumulates the gradients and returns nil.
func (n *convNet) Backward(dy *nn.Mat) *nn.Mat {
	g := n.head.Backward(dy)
	if n.stats > 0 {
		F := g.Cols - n.stats
		n.dflat = reuseMat(n.dflat, g.Rows, F)
		for b := range g.Rows {
			copy(n.dflat.Row(b), g.Row(b)[:F])
		}
		g = n.dflat
	}
	for i := len(n.convs) - 1; i >= 0; i-- {
		g = n.convs[i].Backward(g)
	}
	return nil
}

// Params returns the convolutions' parameters, then the head's.
func (n *convNet) Params() []*nn.Param {
	var ps []*nn.Param
	for _, c := range n.convs {
		ps = append(ps, c.Params()...)
	}
	return append(ps, n.head.Params()...)
}

// reuseMat returns m when it has the shape rows x cols, else a new matrix.
func reuseMat(m *nn.Mat, rows, cols int) *nn.Mat {
	if m != nil && cap(m.Data) >= rows*cols {
		m.Rows, m.Cols, m.Data = rows, cols, m.Data[:rows*cols]
		return m
	}
	return nn.NewMat(rows, cols)
}

// pooledSequence writes the two-channel input of the conv kinds for one
// trace into dst (2*ceil(T/pool) values): the trace and the stimulus
// averaged over windows of pool samples (a shorter last window over what
// it has), each standardized.
func (m *Model) pooledSequence(dst []float32, trace []float32, stim []float32) {
	p := m.Config.Summary.Pool
	for u := range len(dst) / 2 {
		t0, t1 := u*p, min((u+1)*p, len(trace))
		var s float64
		for _, v := range trace[t0:t1] {
			s += float64(v)
		}
		dst[2*u] = m.Norm.Voltage.apply(0, s/float64(t1-t0))
		dst[2*u+1] = stim[u]
	}
}

// pooledStimulus returns the standardized stimulus averaged as
// pooledSequence averages the trace.
func (m *Model) pooledStimulus() []float32 {
	p := m.Config.Summary.Pool
	out := make([]float32, (m.samples+p-1)/p)
	for u := range out {
		t0, t1 := u*p, min((u+1)*p, m.samples)
		var s float64
		for _, v := range m.stimulus[t0:t1] {
			s += v
		}
		out[u] = m.Norm.Stimulus.apply(0, s/float64(t1-t0))
	}
	return out
}
