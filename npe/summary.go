package npe

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// Summary network kinds.
const (
	SummaryMLP    = "mlp"    // MLP over the hand-made summary statistics
	SummaryLSTM   = "lstm"   // LSTM over the raw trace, stimulus as a second channel
	SummaryCNN    = "cnn"    // 1-D convolutions over the raw trace and stimulus, dense head
	SummaryHybrid = "hybrid" // the cnn's features and the statistics, dense head
)

// SummaryConfig describes the summary network; zero fields take defaults.
//
// The conv kinds' defaults (pool 4, channels 16-32-32-32, kernel 3, stride
// 2) were chosen by measured cost: the trace is averaged in windows of 4
// samples (4 ms, below the ~10 ms membrane time constants, as the lstm
// does), and four stride-2 layers take its 150 steps to 10 steps of 32
// channels, each seeing 124 ms of the trace; the flattened 320 values keep
// where in the staircase a feature occurred, and the dense head relates
// them across the whole trace. Measured on the convolutions alone, forward
// and backward at batch 128 (nn's BenchmarkConvStack): kernel 5 costs about
// 1.6 times as much, channels 16-32-64-64 1.5 times, pool 2 2.5 times.
type SummaryConfig struct {
	Kind   string `json:"kind"`   // "mlp" (default), "lstm", "cnn" or "hybrid"
	Out    int    `json:"out"`    // summary vector length (default 32)
	Hidden int    `json:"hidden"` // hidden width (default 128 for mlp, cnn, hybrid; 64 for lstm)
	Layers int    `json:"layers"` // hidden layers (mlp; the cnn and hybrid heads) or stacked LSTM layers (default 2)
	Pool   int    `json:"pool"`   // lstm, cnn, hybrid: average-pool stride over time of the input (default 4; 1 = none)

	Channels []int `json:"channels,omitempty"` // cnn, hybrid: output channels of each convolution (default 16, 32, 32, 32)
	Kernel   int   `json:"kernel,omitempty"`   // cnn, hybrid: kernel size (default 3)
	Stride   int   `json:"stride,omitempty"`   // cnn, hybrid: stride of every convolution (default 2)
}

// conv reports whether the kind is a convolutional one.
func (c SummaryConfig) conv() bool { return c.Kind == SummaryCNN || c.Kind == SummaryHybrid }

func (c SummaryConfig) withDefaults() (SummaryConfig, error) {
	if c.Kind == "" {
		c.Kind = SummaryMLP
	}
	switch c.Kind {
	case SummaryMLP, SummaryLSTM, SummaryCNN, SummaryHybrid:
	default:
		return c, fmt.Errorf("npe: unknown summary network %q (want %s, %s, %s or %s)",
			c.Kind, SummaryMLP, SummaryLSTM, SummaryCNN, SummaryHybrid)
	}
	if c.Out == 0 {
		c.Out = 32
	}
	if c.Hidden == 0 {
		c.Hidden = map[string]int{SummaryMLP: 128, SummaryLSTM: 64, SummaryCNN: 128, SummaryHybrid: 128}[c.Kind]
	}
	if c.Layers == 0 {
		c.Layers = 2
	}
	if c.Pool == 0 {
		c.Pool = 4
	}
	if c.Out < 1 || c.Hidden < 1 || c.Layers < 1 || c.Pool < 1 {
		return c, fmt.Errorf("npe: summary network sizes must be positive: %+v", c)
	}
	for _, l := range []struct {
		name   string
		v, max int
		limit  string
	}{{"out", c.Out, MaxWidth, "MaxWidth"}, {"hidden", c.Hidden, MaxWidth, "MaxWidth"}, {"layers", c.Layers, MaxDepth, "MaxDepth"},
		{"pool", c.Pool, MaxPool, "MaxPool"}} {
		if l.v > l.max {
			return c, fmt.Errorf("npe: summary network %s %d exceeds the limit %s = %d", l.name, l.v, l.limit, l.max)
		}
	}
	if !c.conv() {
		return c, nil
	}
	if c.Channels == nil {
		c.Channels = []int{16, 32, 32, 32}
	}
	if c.Kernel == 0 {
		c.Kernel = 3
	}
	if c.Stride == 0 {
		c.Stride = 2
	}
	if len(c.Channels) == 0 || c.Kernel < 1 || c.Stride < 1 {
		return c, fmt.Errorf("npe: convolution sizes must be positive: channels %v, kernel %d, stride %d", c.Channels, c.Kernel, c.Stride)
	}
	if len(c.Channels) > MaxDepth {
		return c, fmt.Errorf("npe: %d convolutions exceed the limit MaxDepth = %d", len(c.Channels), MaxDepth)
	}
	if c.Kernel > MaxKernel || c.Stride > MaxKernel {
		return c, fmt.Errorf("npe: convolution kernel %d or stride %d exceeds the limit MaxKernel = %d", c.Kernel, c.Stride, MaxKernel)
	}
	for _, ch := range c.Channels {
		if ch < 1 {
			return c, fmt.Errorf("npe: convolution channels must be positive: %v", c.Channels)
		}
		if ch > MaxWidth {
			return c, fmt.Errorf("npe: convolution channels %d exceed the limit MaxWidth = %d", ch, MaxWidth)
		}
	}
	return c, nil
}

// chain applies layers in order; it is itself an nn.Layer.
type chain []nn.Layer

func (c chain) Forward(x *nn.Mat) *nn.Mat {
	for _, l := range c {
		x = l.Forward(x)
	}
	return x
}

func (c chain) Backward(dy *nn.Mat) *nn.Mat {
	for i := len(c) - 1; i >= 0; i-- {
		dy = c[i].Backward(dy)
	}
	return dy
}

func (c chain) Params() []*nn.Param {
	var ps []*nn.Param
	for _, l := range c {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// newSummary builds the network. For "mlp" the input is B x nStats; for
// "lstm" it is the time-major (steps*B) x 2 sequence of standardized
// voltage and stimulus; for "cnn" and "hybrid" see convNet.
func newSummary(c SummaryConfig, nStats, steps int, rng *rand.Rand) chain {
	switch c.Kind {
	case SummaryCNN, SummaryHybrid:
		if c.Kind == SummaryCNN {
			nStats = 0
		}
		return chain{newConvNet(c, (steps+c.Pool-1)/c.Pool, nStats, rng)}
	case SummaryMLP:
		sizes := []int{nStats}
		for range c.Layers {
			sizes = append(sizes, c.Hidden)
		}
		return chain{nn.NewMLP(append(sizes, c.Out), "relu", rng)}
	default:
		pool := nn.NewAvgPoolTime(c.Pool, steps)
		lstm := nn.NewLSTMStack(nn.LSTMConfig{In: 2, Hidden: c.Hidden, Layers: c.Layers, Steps: pool.OutSteps()}, rng)
		return chain{pool, lstm, nn.NewDense(c.Hidden, c.Out, nn.Xavier, rng)}
	}
}
