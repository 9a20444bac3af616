package npe

import (
	"fmt"

	"github.com/laa-neuro/laa/flow"
)

// Limits on a model's architecture. A model file's header, or the options
// of a new model, asking for more is refused before anything is allocated:
// they bound what a crafted file can make laa allocate. Each is far above
// the networks laa trains (the default model has 154,368 parameters, widths
// up to 128, six coupling blocks).
const (
	// MaxWidth bounds every width: the summary vector (Out), hidden layers
	// (Hidden, the flow's Hidden) and each convolution's channels.
	MaxWidth = 4096
	// MaxDepth bounds every count of layers: the summary's Layers, the number
	// of convolutions, the flow's Layers and HiddenLayers.
	MaxDepth = 64
	// MaxKernel bounds the convolutions' kernel size and stride.
	MaxKernel = 64
	// MaxPool bounds the input pooling stride (Pool).
	MaxPool = 1024
	// MaxParams bounds the number of trainable weights (64 MiB of float32,
	// 128 MiB with their gradients): 100 times the default model.
	MaxParams = 1 << 24
)

// MaxDraws bounds the draws one call of Sample makes (n times the number
// of observations): the flow holds all of them at once, with its hidden
// activations, so the command line bounds its counts more tightly still.
const MaxDraws = 1 << 24

// numParams returns the number of weights of the summary network and the
// flow init builds, or MaxParams+1 when that is more than MaxParams.
func (m *Model) numParams() int {
	return capAdd(m.Config.Summary.numParams(len(m.StatNames), m.samples), m.Config.Flow.numParams(len(m.Names), m.Config.Summary.Out))
}

// numParams returns the number of weights newSummary builds for nStats
// statistics and traces of steps samples, or MaxParams+1 when it would be
// more than MaxParams. c must have passed withDefaults.
func (c SummaryConfig) numParams(nStats, steps int) int {
	n := 0
	dense := func(in, out int) { n = capAdd(n, capAdd(capMul(in, out), out)) }
	mlp := func(in int) {
		for range c.Layers {
			dense(in, c.Hidden)
			in = c.Hidden
		}
		dense(in, c.Out)
	}
	switch c.Kind {
	case SummaryMLP:
		mlp(nStats)
	case SummaryLSTM:
		in := 2
		for range c.Layers { // Wx, Wh and b of each layer
			n = capAdd(n, capAdd(capMul(in+c.Hidden, 4*c.Hidden), 4*c.Hidden))
			in = c.Hidden
		}
		dense(c.Hidden, c.Out)
	default: // cnn, hybrid
		in, T := 2, (steps+c.Pool-1)/c.Pool
		for _, ch := range c.Channels {
			dense(capMul(c.Kernel, in), ch)
			in, T = ch, (T+c.Stride-1)/c.Stride
		}
		if c.Kind == SummaryCNN {
			nStats = 0
		}
		mlp(capAdd(capMul(T, in), nStats))
	}
	return n
}

// capMul returns a*b for a, b >= 0, or MaxParams+1 when that is larger, so
// that counting the weights of a crafted configuration cannot overflow.
func capMul(a, b int) int {
	if a != 0 && b > (MaxParams+1)/a {
		return MaxParams + 1
	}
	return min(a*b, MaxParams+1)
}

// capAdd returns a+b for 0 <= a, b <= MaxParams+1, capped at MaxParams+1.
func capAdd(a, b int) int { return min(a+b, MaxParams+1) }

// validate checks the sizes against the limits (zero sizes mean flow's
// defaults); flow.New checks the rest.
func (c FlowConfig) validate() error {
	for _, l := range []struct {
		name   string
		v, max int
		limit  string
	}{{"layers", c.Layers, MaxDepth, "MaxDepth"}, {"hidden", c.Hidden, MaxWidth, "MaxWidth"},
		{"hidden_layers", c.HiddenLayers, MaxDepth, "MaxDepth"}, {"bins", c.Bins, MaxWidth, "MaxWidth"}} {
		if l.v < 0 {
			return fmt.Errorf("npe: flow %s %d is negative", l.name, l.v)
		}
		if l.v > l.max {
			return fmt.Errorf("npe: flow %s %d exceeds the limit %s = %d", l.name, l.v, l.limit, l.max)
		}
	}
	return nil
}

// numParams returns the number of weights of the flow for dim parameters
// and a context of ctx values, or MaxParams+1 when it would be more than
// MaxParams. c must have passed validate.
func (c FlowConfig) numParams(dim, ctx int) int {
	layers, hidden, depth, bins := c.Layers, c.Hidden, c.HiddenLayers, c.Bins
	if layers == 0 {
		layers = flow.DefaultLayers
	}
	if hidden == 0 {
		hidden = flow.DefaultHidden
	}
	if depth == 0 {
		depth = flow.DefaultHiddenLayers
	}
	if bins <= 0 {
		bins = flow.DefaultBins
	}
	h := dim / 2
	out := 2 * (dim - h) // affine: a log-scale and a shift per transformed dimension
	if c.Coupling == flow.CouplingSpline {
		out = (3*bins - 1) * (dim - h) // widths, heights, inner derivatives
	}
	block := 2 * dim // ActNorm's log-scale and shift
	in := h + ctx
	for range depth {
		block = capAdd(block, capAdd(capMul(in, hidden), hidden))
		in = hidden
	}
	block = capAdd(block, capAdd(capMul(in, out), out))
	return capMul(layers, block)
}
