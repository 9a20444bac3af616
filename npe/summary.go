package npe

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// Summary network kinds.
const (
	SummaryMLP  = "mlp"  // MLP over the hand-made summary statistics
	SummaryLSTM = "lstm" // LSTM over the raw trace, stimulus as a second channel
)

// SummaryConfig describes the summary network; zero fields take defaults.
type SummaryConfig struct {
	Kind   string `json:"kind"`   // "mlp" (default) or "lstm"
	Out    int    `json:"out"`    // summary vector length (default 32)
	Hidden int    `json:"hidden"` // hidden width (default 128 for mlp, 64 for lstm)
	Layers int    `json:"layers"` // hidden layers (mlp) or stacked LSTM layers (default 2)
	Pool   int    `json:"pool"`   // lstm only: average-pool stride over time (default 4; 1 = none)
}

func (c SummaryConfig) withDefaults() (SummaryConfig, error) {
	if c.Kind == "" {
		c.Kind = SummaryMLP
	}
	if c.Kind != SummaryMLP && c.Kind != SummaryLSTM {
		return c, fmt.Errorf("npe: unknown summary network %q (want %s or %s)", c.Kind, SummaryMLP, SummaryLSTM)
	}
	if c.Out == 0 {
		c.Out = 32
	}
	if c.Hidden == 0 {
		c.Hidden = map[string]int{SummaryMLP: 128, SummaryLSTM: 64}[c.Kind]
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
// voltage and stimulus.
func newSummary(c SummaryConfig, nStats, steps int, rng *rand.Rand) (chain, error) {
	switch c.Kind {
	case SummaryMLP:
		if nStats == 0 {
			return nil, fmt.Errorf("npe: the data set has no summary statistics for the mlp summary network")
		}
		sizes := []int{nStats}
		for range c.Layers {
			sizes = append(sizes, c.Hidden)
		}
		return chain{nn.NewMLP(append(sizes, c.Out), "relu", rng)}, nil
	default:
		pool := nn.NewAvgPoolTime(c.Pool, steps)
		lstm := nn.NewLSTMStack(nn.LSTMConfig{In: 2, Hidden: c.Hidden, Layers: c.Layers, Steps: pool.OutSteps()}, rng)
		return chain{pool, lstm, nn.NewDense(c.Hidden, c.Out, nn.Xavier, rng)}, nil
	}
}
