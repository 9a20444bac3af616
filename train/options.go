// Package train fits an npe.Model to a simulated data set: Adam with a
// decaying learning rate, a validation split, early stopping, and
// checkpoints from which an interrupted run resumes to the same result.
package train

import (
	"fmt"

	"github.com/laa-neuro/laa/npe"
)

// Options configure a training run. Preset gives complete values.
type Options struct {
	Model       npe.Config `json:"model"`
	Epochs      int        `json:"epochs"`
	BatchSize   int        `json:"batch_size"`
	LR          float64    `json:"lr"`           // initial learning rate
	Schedule    string     `json:"schedule"`     // "cosine", "exponential" or "constant"
	FinalLR     float64    `json:"final_lr"`     // learning rate reached at the last epoch (cosine, exponential)
	ValFraction float64    `json:"val_fraction"` // share of the data held out for validation
	Patience    int        `json:"patience"`     // stop after this many epochs without a better validation loss; 0 = never
	ClipNorm    float64    `json:"clip_norm"`    // gradient norm clip; 0 = none
	Seed        uint64     `json:"seed"`
	// Replicas splits every batch into this many parts whose gradients are
	// computed in parallel and summed (data parallelism); results depend on
	// it, not on the number of cores. 0 means 1.
	Replicas int `json:"replicas"`
	// ChunkRows and BufferChunks shape a streamed run (RunStream): rows
	// read at once, and chunks whose rows are shuffled together. Zero for
	// a run in memory, and then not stored.
	ChunkRows    int `json:"chunk_rows,omitempty"`
	BufferChunks int `json:"buffer_chunks,omitempty"`
}

// Preset names.
const (
	PresetQuick = "quick"
	PresetMLP   = "mlp"
	PresetSeed  = "seed"
	PresetSmall = "small"
)

// Preset returns the named options:
//
//	quick: the embedded default; the hybrid summary network (1-D convolutions
//	       over the raw trace + the hand-made statistics), 30 epochs, about 3.5
//	       minutes on 2 cores for 100,000 simulations. Chosen by accuracy per
//	       minute of training against the exact posterior among mlp, cnn,
//	       hybrid and lstm summaries and affine and spline flows, calibration
//	       required (BENCHMARKS.md).
//	mlp:   the MLP over the statistics alone, 40 epochs, about 2 minutes: as
//	       accurate here (C2ST 0.79 against 0.78), for data whose statistics
//	       say it all.
//	small: the MLP summary with a flow of sbi's default size (5 coupling
//	       layers of 64 units), batch 256, 30 epochs: the default for models
//	       other than LAA with a few parameters (the linear Gaussian with
//	       P = 3, D = 10 reaches C2ST 0.536 from 100,000 simulations in
//	       about a minute).
//	seed:  exactly the original project's recipe: LSTM over the raw trace,
//	       300 epochs, batch 256, Adam at lr 1e-4 with cosine decay, no early stop.
func Preset(name string) (Options, error) {
	flow := npe.FlowConfig{Layers: 6, Hidden: 128}
	switch name {
	case PresetQuick, "":
		return Options{
			Model:  npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryHybrid, Out: 32, Hidden: 128, Layers: 2}, Flow: flow},
			Epochs: 30, BatchSize: 256, LR: 1e-3, Schedule: "cosine", FinalLR: 1e-5,
			ValFraction: 0.05, Patience: 8, ClipNorm: 5, Seed: 1, Replicas: 2,
		}, nil
	case PresetMLP:
		return Options{
			Model:  npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 32, Hidden: 128, Layers: 2}, Flow: flow},
			Epochs: 40, BatchSize: 256, LR: 1e-3, Schedule: "cosine", FinalLR: 1e-5,
			ValFraction: 0.05, Patience: 8, ClipNorm: 5, Seed: 1, Replicas: 2,
		}, nil
	case PresetSmall:
		return Options{
			Model:  npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 32, Hidden: 128, Layers: 2}, Flow: npe.FlowConfig{Layers: 5, Hidden: 64}},
			Epochs: 30, BatchSize: 256, LR: 1e-3, Schedule: "cosine", FinalLR: 1e-5,
			ValFraction: 0.05, Patience: 8, ClipNorm: 5, Seed: 1, Replicas: 2,
		}, nil
	case PresetSeed:
		return Options{
			Model:  npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryLSTM, Out: 32, Hidden: 64, Layers: 2, Pool: 4}, Flow: flow},
			Epochs: 300, BatchSize: 256, LR: 1e-4, Schedule: "cosine", FinalLR: 0,
			ValFraction: 0.1, Patience: 0, ClipNorm: 0, Seed: 1, Replicas: 2,
		}, nil
	}
	return Options{}, fmt.Errorf("train: unknown preset %q (want %s, %s, %s or %s)", name, PresetQuick, PresetMLP, PresetSmall, PresetSeed)
}

// Validate reports the first unusable option.
func (o Options) Validate() error {
	switch {
	case o.Epochs < 1:
		return fmt.Errorf("train: epochs must be at least 1, got %d", o.Epochs)
	case o.BatchSize < 2:
		return fmt.Errorf("train: batch size must be at least 2, got %d", o.BatchSize)
	case !(o.LR > 0):
		return fmt.Errorf("train: learning rate must be positive, got %g", o.LR)
	case o.FinalLR < 0 || o.FinalLR > o.LR:
		return fmt.Errorf("train: final learning rate %g outside [0, %g]", o.FinalLR, o.LR)
	case !(o.ValFraction > 0 && o.ValFraction < 0.5):
		return fmt.Errorf("train: validation fraction %g outside (0, 0.5)", o.ValFraction)
	case o.Replicas < 0 || o.Replicas > o.BatchSize/2 && o.Replicas > 1:
		return fmt.Errorf("train: %d replicas for batches of %d", o.Replicas, o.BatchSize)
	case o.ChunkRows < 0 || o.BufferChunks < 0:
		return fmt.Errorf("train: chunk rows %d and buffer chunks %d must not be negative", o.ChunkRows, o.BufferChunks)
	case o.Patience < 0 || o.ClipNorm < 0:
		return fmt.Errorf("train: patience and clip norm must not be negative")
	}
	switch o.Schedule {
	case "cosine", "exponential", "constant":
	default:
		return fmt.Errorf("train: unknown schedule %q (want cosine, exponential or constant)", o.Schedule)
	}
	return nil
}
