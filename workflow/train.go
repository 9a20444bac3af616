package workflow

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// TrainOptions choose the training recipe and where the model goes.
type TrainOptions struct {
	// Preset names the recipe: "quick" (the default), "mlp", "small" or "seed"
	// (train.Preset describes them).
	Preset string
	Epochs int    // overrides the preset's epoch budget when > 0
	Seed   uint64 // weights, validation split and shuffling
	// Recipe, when set, is used whole instead of Preset, Epochs and Seed.
	Recipe *train.Options
	// File, when set, is the model file: rewritten after every epoch (an
	// interrupted run resumes from it with train.Resume) and holding the
	// best epoch's model at the end. Empty: the model stays in memory.
	File string
	// HistoryFile, when set, receives the loss history as JSON
	// (HistoryFile(File) is the name 'laa train' gives it).
	HistoryFile string
	Progress    Progress
}

// HistoryFile is the name of the loss history beside the model file
// model: the name without ".laa", then ".history.json".
func HistoryFile(model string) string {
	return strings.TrimSuffix(model, ".laa") + ".history.json"
}

// options returns the complete training options.
func (o TrainOptions) options() (train.Options, error) {
	if o.Recipe != nil {
		return *o.Recipe, nil
	}
	opt, err := train.Preset(o.Preset)
	if err != nil {
		return opt, fmt.Errorf("workflow: train: %w", err)
	}
	opt.Seed = o.Seed
	if o.Epochs > 0 {
		opt.Epochs = o.Epochs
	}
	return opt, nil
}

// EpochBudget returns the epoch budget Train will run under (early stopping
// may end it sooner).
func (o TrainOptions) EpochBudget() (int, error) {
	opt, err := o.options()
	return opt.Epochs, err
}

// Train fits the amortized posterior (summary network and coupling flow)
// to the training set and returns the model of the best validation epoch
// with the loss history.
func Train(ctx context.Context, set *dataset.Set, opt TrainOptions) (*npe.Model, train.History, error) {
	if err := checkContext(ctx, "train"); err != nil {
		return nil, train.History{}, err
	}
	to, err := opt.options()
	if err != nil {
		return nil, train.History{}, err
	}
	m, h, err := train.Run(set, to, opt.File, trainProgress(opt.Progress, to.Epochs))
	if err != nil {
		return nil, h, fmt.Errorf("workflow: %w", err) // train's errors say "train: "
	}
	if opt.HistoryFile != "" {
		if err := atomicfile.WriteJSON(opt.HistoryFile, h); err != nil {
			return nil, h, fmt.Errorf("workflow: train: %w", err)
		}
	}
	return m, h, nil
}

// trainProgress turns train's callback into updates over optimizer steps.
func trainProgress(p Progress, epochs int) train.Progress {
	if p == nil {
		return nil
	}
	lastVal := math.NaN()
	started := false
	return func(epoch, step, steps int, loss, val float64) {
		total := max(epochs*steps, steps)
		if !started {
			started = true
			p(Update{Stage: StageTrain, Total: total, Unit: "batches", Epoch: epoch, Loss: math.NaN(), ValLoss: lastVal})
		}
		if !math.IsNaN(val) {
			lastVal = val // shown with the next epoch's steps
			return
		}
		p(Update{Stage: StageTrain, Done: (epoch-1)*steps + step, Total: total, Unit: "batches", Epoch: epoch, Loss: loss, ValLoss: lastVal})
	}
}
