package cli

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/train"
)

func (e *env) trainCmd() *cobra.Command {
	var (
		data      []string
		out       string
		tf        trainFlags
		cfgPath   string
		resume    bool
		streaming string
	)
	cmd := &cobra.Command{
		Use:   "train --data train.npz [--data more.npz | --data 'dir/*.npz'] [--preset quick|seed] [--epochs N] [--seed S] [--resume] -o m.laa",
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
Several --data files (or a quoted pattern, --data 'shards/*.npz') are the
shards of one run ('laa simulate --shard i/K'), read in the order of their
first simulation, as 'laa merge' would join them. Data of more than 1 GiB in
all (StreamAboveBytes), or any size with --stream yes, is streamed: read in
chunks of 4,096 rows, the chunks visited in a seeded random order and the
rows of 8 chunks shuffled together, so that memory does not grow with the
number of simulations; smaller data is trained on in memory, as before
(docs/streaming.md says what differs).
The closing line reports the time spent reading the data (load), the rest
of the run (train) and both (total).
-o may name an existing model file, which is replaced; any other kind of
file there is refused.` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			if err := tf.check(cmd.Flags()); err != nil {
				return err
			}
			paths, err := dataPaths(data)
			if err != nil {
				return err
			}
			history := strings.TrimSuffix(out, ".laa") + ".history.json"
			plan := &ioPlan{cmd: "train"}
			if err := plan.in("--data", paths...).in("--config", cfgPath).out("-o", out, kindModel).out("-o (history)", history, kindText).check(); err != nil {
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
			stream, err := streamed(streaming, paths, resume, ck, cfgPath != "")
			if err != nil {
				return err
			}
			src, set, err := e.trainingData(paths, cfgPath, stream)
			if err != nil {
				return err
			}
			if src != nil {
				defer src.Close()
			}
			loaded := time.Since(start)
			kind := modelKind(src, set)
			if kind != "" && !cmd.Flags().Changed("preset") && !resume {
				tf.preset = train.PresetSmall
				fmt.Fprintf(e.stderr, "train: model %s is not the LAA neuron: preset small\n", kind)
			}
			e.noteCheckpoint(out, strings.Join(data, " --data "))
			var h train.History
			opt := ck.Options
			if !resume {
				if opt, err = train.Preset(tf.preset); err != nil {
					return err
				}
				opt = tf.options(opt, cmd.Flags())
			}
			progress := e.trainProgress(opt.Epochs)
			switch {
			case resume && src != nil:
				_, h, err = train.ResumeStream(src, out, progress)
			case resume:
				_, h, err = train.Resume(set, out, progress)
			case src != nil:
				_, h, err = train.RunStream(src, opt, out, progress)
			default:
				_, h, err = train.Run(set, opt, out, progress)
			}
			if err != nil {
				return err
			}
			if err := atomicfile.WriteJSON(history, h); err != nil {
				return err
			}
			total := time.Since(start)
			if src != nil {
				loaded = src.ReadTime() // streamed: opening, and every chunk read while training
			}
			fmt.Fprintf(e.stdout, "wrote %s: best validation loss %.4f at epoch %d of %d (%s); load %.1f s, train %.0f s, total %.0f s; %.0f samples/s\n",
				out, h.Val[h.BestEpoch-1], h.BestEpoch, len(h.Val), h.Stopped, loaded.Seconds(), (total - loaded).Seconds(), total.Seconds(), float64(h.Samples)/h.Seconds)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&data, "data", nil, "training data set (.npz from 'laa simulate', or from any simulator with --config); repeat it, or quote a pattern ('dir/*.npz'), for the shards of one run")
	f.StringVar(&streaming, "stream", "auto", "read the data in chunks instead of holding it in memory: auto (when the files exceed 1 GiB), yes or no")
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

// StreamAboveBytes is the size of training data (all --data files
// together) above which 'laa train' streams it rather than holding it in
// memory: about 400,000 simulations of the default LAA experiment.
const StreamAboveBytes = 1 << 30

// dataPaths expands the --data values (expandPattern) and sorts them; no
// file may be named twice.
func dataPaths(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		matches, err := expandPattern(v)
		if err != nil {
			return nil, fmt.Errorf("train: --data %w", err)
		}
		out = append(out, matches...)
	}
	slices.Sort(out)
	if i, ok := firstRepeat(out); ok {
		return nil, fmt.Errorf("train: --data names %s twice", out[i])
	}
	return out, nil
}

// firstRepeat returns the index of an element of sorted equal to the one
// before it.
func firstRepeat(sorted []string) (int, bool) {
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return i, true
		}
	}
	return 0, false
}

// streamed decides whether train streams the data in paths: as a resumed
// run was trained; else as --stream says (auto: above StreamAboveBytes,
// and never for another model's set read with --config, which streaming
// cannot read).
func streamed(flag string, paths []string, resume bool, ck train.Checkpoint, described bool) (bool, error) {
	if resume {
		return ck.Options.ChunkRows > 0, nil
	}
	switch flag {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	case "auto":
		if described {
			return false, nil
		}
	default:
		return false, fmt.Errorf("train: --stream %s: want auto, yes or no", flag)
	}
	var size int64
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return false, fmt.Errorf("train: --data %s: %w", p, err)
		}
		size += st.Size()
	}
	return size > StreamAboveBytes, nil
}

// trainingData opens the data in paths as a stream, or reads it into
// memory: one file as any command reads it, several (shards of one run)
// joined in the order of their first simulation without a second copy.
func (e *env) trainingData(paths []string, cfgPath string, stream bool) (*dataset.Stream, *dataset.Set, error) {
	if len(paths) == 1 && !stream {
		set, err := e.readSetFor("train", paths[0], cfgPath)
		return nil, set, err
	}
	if cfgPath != "" {
		return nil, nil, fmt.Errorf("train: --config with several --data files or --stream: shards and streamed sets are laa's own, which carry their model; drop --config")
	}
	src, err := dataset.OpenStream(paths)
	if err != nil {
		return nil, nil, err
	}
	for _, w := range src.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if stream {
		return src, nil, nil
	}
	defer src.Close()
	set, err := src.Rows(0, src.N)
	return nil, set, err
}

// modelKind names the model of the training data when it is not the LAA
// neuron.
func modelKind(src *dataset.Stream, set *dataset.Set) string {
	var meta *dataset.Meta
	if src != nil {
		meta = &src.Meta
	} else {
		meta = &set.Meta
	}
	if meta.Model == nil {
		return ""
	}
	return meta.Model.Kind
}
