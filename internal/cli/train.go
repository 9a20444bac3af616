package cli

import (
	"fmt"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

func (e *env) trainCmd() *cobra.Command {
	var (
		data, out string
		tf        trainFlags
		cfgPath   string
		resume    bool
	)
	cmd := &cobra.Command{
		Use:   "train --data train.npz [--preset quick|seed] [--epochs N] [--seed S] [--resume] -o m.laa",
		Short: "Train the amortized posterior (summary network + coupling flow) on a simulated data set",
		Long: `train fits q(theta | trace) to the pairs in an .npz from 'laa simulate'.

Presets: quick (the default for LAA; 1-D convolutions over the raw trace plus the
summary statistics, 30 epochs, about 3.5 minutes for 100,000 simulations on 2
cores), mlp (the statistics alone, 40 epochs, about 2 minutes) and seed (the
original recipe: LSTM over the raw trace, 300 epochs, batch 256, Adam lr 1e-4,
cosine decay).
The model file is rewritten after every epoch; --resume continues an
interrupted run (Ctrl-C, a kill) to the same result. A resumed run keeps the
options it started with: --preset, --epochs, --patience, --seed, --summary
and --flow may be given with --resume only with the checkpoint's values, and
any other value is refused, naming it (the learning-rate schedule spans the
epoch budget, so training longer is a new run). The loss history is written
beside the model as <model>.history.json.

Simulations of another model (theta and x, or traces, from any simulator,
in an .npz without laa's metadata) are trained on with --config naming
their description (parameters, priors, the observation's shape; see
docs/external-models.md); a set written by 'laa simulate --config' carries
it. For a model other than LAA the default preset is small (the MLP over
the observation or the model's features, a flow of 5 coupling layers of
64).
-o may name an existing model file, which is replaced; any other kind of
file there is refused.` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := tf.check(cmd.Flags()); err != nil {
				return err
			}
			history := strings.TrimSuffix(out, ".laa") + ".history.json"
			plan := &ioPlan{cmd: "train"}
			if err := plan.in("--data", data).in("--config", cfgPath).out("-o", out, kindModel).out("-o (history)", history, kindText).check(); err != nil {
				return err
			}
			var ck train.Checkpoint
			if resume {
				var err error
				if ck, err = train.ReadCheckpoint(out); err != nil {
					return fmt.Errorf("train: --resume: %w", err)
				}
				if ck.Done {
					how := "all its"
					if ck.Stopped != "epochs" {
						how = ck.Stopped + " after"
					}
					return fmt.Errorf("train: --resume: %s already finished training (%s %d epochs); nothing to resume", out, how, ck.Epoch)
				}
				if err := resumeConflicts(tf, cmd.Flags(), ck, out); err != nil {
					return err
				}
			}
			set, err := e.readSetFor("train", data, cfgPath)
			if err != nil {
				return err
			}
			if set.Meta.Model != nil && !cmd.Flags().Changed("preset") && !resume {
				tf.preset = train.PresetSmall
				fmt.Fprintf(e.stderr, "train: model %s is not the LAA neuron: preset small\n", set.Meta.Model.Kind)
			}
			e.noteCheckpoint(out, data)
			var (
				m *npe.Model
				h train.History
			)
			if resume {
				m, h, err = train.Resume(set, out, e.trainProgress(ck.Options.Epochs))
			} else {
				opt, err2 := train.Preset(tf.preset)
				if err2 != nil {
					return err2
				}
				opt = tf.options(opt, cmd.Flags())
				m, h, err = train.Run(set, opt, out, e.trainProgress(opt.Epochs))
			}
			if err != nil {
				return err
			}
			_ = m
			if err := atomicfile.WriteJSON(history, h); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s: best validation loss %.4f at epoch %d of %d (%s), %.0f s, %.0f samples/s\n",
				out, h.Val[h.BestEpoch-1], h.BestEpoch, len(h.Val), h.Stopped, h.Seconds, float64(h.Samples)/h.Seconds)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&data, "data", "", "training data set (.npz from 'laa simulate', or from any simulator with --config)")
	f.StringVar(&cfgPath, "config", "", "description of another model whose simulations --data holds (YAML: parameters, priors, observation; docs/external-models.md)")
	f.StringVarP(&out, "output", "o", "", "model file to write (an existing model there is replaced)")
	f.StringVar(&tf.preset, "preset", train.PresetQuick, "training recipe: quick, mlp, small or seed (small is the default for a model other than LAA)")
	f.IntVar(&tf.epochs, "epochs", 0, "override the preset's number of epochs (at least 1)")
	f.IntVar(&tf.patience, "patience", 0, "override the preset's early stopping: stop after this many epochs without a better validation loss (0: never)")
	f.Uint64Var(&tf.seed, "seed", 1, "random seed (weights, validation split, shuffling)")
	f.BoolVar(&resume, "resume", false, "continue the interrupted run saved in -o, with its options")
	f.StringVar(&tf.coupling, "flow", "", "override the flow's coupling layers: affine or spline (rational-quadratic splines)")
	f.StringVar(&tf.summary, "summary", "", "override the summary network at its defaults: mlp, lstm, cnn (1-D convolutions over the trace) or hybrid (cnn + statistics)")
	required(cmd, "data", "output")
	return cmd
}

// noteCheckpoint makes an interrupt say what the checkpoint at out holds
// and how to resume.
func (e *env) noteCheckpoint(out, data string) {
	w := watchFile(out)
	onInterrupt(func() string {
		if !w.written() {
			return "no epoch was completed: " + w.untouched()
		}
		ck, err := train.ReadCheckpoint(out)
		if err != nil {
			return fmt.Sprintf("the checkpoint %s cannot be read: %v", out, err)
		}
		if ck.Done {
			return fmt.Sprintf("%s holds the finished model (%d epochs)", out, ck.Epoch)
		}
		return fmt.Sprintf("%s holds the last completed epoch (%d of %d): continue with 'laa train --resume --data %s -o %s'", out, ck.Epoch, ck.Options.Epochs, data, out)
	})
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
