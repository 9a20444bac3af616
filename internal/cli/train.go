package cli

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

func (e *env) trainCmd() *cobra.Command {
	var (
		data, out, preset, summary, coupling string
		epochs, patience                     int
		seed                                 uint64
		resume                               bool
	)
	cmd := &cobra.Command{
		Use:   "train --data train.npz [--preset quick|seed] [--epochs N] [--seed S] [--resume] -o m.laa",
		Short: "Train the amortized posterior (summary network + coupling flow) on a simulated data set",
		Long: `train fits q(theta | trace) to the pairs in an .npz from 'laa simulate'.

Presets: quick (the default; 1-D convolutions over the raw trace plus the
summary statistics, 30 epochs, about 3.5 minutes for 100,000 simulations on 2
cores), mlp (the statistics alone, 40 epochs, about 2 minutes) and seed (the
original recipe: LSTM over the raw trace, 300 epochs, batch 256, Adam lr 1e-4,
cosine decay).
The model file is rewritten after every epoch; --resume continues an
interrupted run to the same result. The loss history is written beside the
model as <model>.history.json.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if data == "" || out == "" {
				return fmt.Errorf("train: --data and -o are required")
			}
			set, err := dataset.Read(data)
			if err != nil {
				return err
			}
			var (
				m *npe.Model
				h train.History
			)
			if resume {
				if _, err := os.Stat(out); err != nil {
					return fmt.Errorf("train: --resume: %w", err)
				}
				m, h, err = train.Resume(set, out, e.trainProgress(0))
			} else {
				opt, err2 := train.Preset(preset)
				if err2 != nil {
					return err2
				}
				if cmd.Flags().Changed("epochs") {
					opt.Epochs = epochs
				}
				if cmd.Flags().Changed("patience") {
					opt.Patience = patience
				}
				if cmd.Flags().Changed("seed") {
					opt.Seed = seed
				}
				if summary != "" {
					opt.Model.Summary = npe.SummaryConfig{Kind: summary}
				}
				switch coupling {
				case "":
				case "affine", "spline":
					opt.Model.Flow.Coupling = coupling
				default:
					return fmt.Errorf("train: --flow %q: want affine or spline", coupling)
				}
				m, h, err = train.Run(set, opt, out, e.trainProgress(opt.Epochs))
			}
			if err != nil {
				return err
			}
			_ = m
			if err := atomicfile.WriteJSON(strings.TrimSuffix(out, ".laa")+".history.json", h); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s: best validation loss %.4f at epoch %d of %d (%s), %.0f s, %.0f samples/s\n",
				out, h.Val[h.BestEpoch-1], h.BestEpoch, len(h.Val), h.Stopped, h.Seconds, float64(h.Samples)/h.Seconds)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&data, "data", "", "training data set (.npz from 'laa simulate')")
	f.StringVarP(&out, "output", "o", "", "model file to write")
	f.StringVar(&preset, "preset", train.PresetQuick, "training recipe: quick, mlp or seed")
	f.IntVar(&epochs, "epochs", 0, "override the preset's number of epochs")
	f.IntVar(&patience, "patience", 0, "override the preset's early stopping: stop after this many epochs without a better validation loss (0: never)")
	f.Uint64Var(&seed, "seed", 1, "random seed (weights, validation split, shuffling)")
	f.BoolVar(&resume, "resume", false, "continue the interrupted run saved in -o")
	f.StringVar(&coupling, "flow", "", "override the flow's coupling layers: affine or spline (rational-quadratic splines)")
	f.StringVar(&summary, "summary", "", "override the summary network at its defaults: mlp, lstm, cnn (1-D convolutions over the trace) or hybrid (cnn + statistics)")
	return cmd
}

// trainProgress shows a bar over optimizer steps with the losses.
func (e *env) trainProgress(epochs int) train.Progress {
	var bar interface {
		Set(int) error
		Describe(string)
		Finish() error
	}
	lastVal := math.NaN()
	return func(epoch, step, steps int, loss, val float64) {
		if bar == nil {
			total := epochs * steps
			if total == 0 {
				total = steps
			}
			bar = e.newBar(total, "train", "batches")
		}
		if !math.IsNaN(val) {
			lastVal = val
			return // shown with the next epoch's steps
		}
		v := "-"
		if !math.IsNaN(lastVal) {
			v = fmt.Sprintf("%.3f", lastVal)
		}
		bar.Describe(fmt.Sprintf("epoch %d  loss %.3f  val %s", epoch, loss, v))
		bar.Set((epoch-1)*steps + step)
	}
}
