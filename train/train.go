package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/npe"
)

// History is the loss record of a run.
type History struct {
	Train     []float64 `json:"train_loss"` // mean training loss per epoch
	Val       []float64 `json:"val_loss"`   // validation loss per epoch
	LR        []float64 `json:"lr"`         // learning rate at the end of each epoch
	BestEpoch int       `json:"best_epoch"` // 1-based epoch of the lowest validation loss
	Stopped   string    `json:"stopped"`    // why training ended: "epochs" or "early stopping"
	Seconds   float64   `json:"seconds"`    // wall time spent training, over all sessions
	Samples   int       `json:"samples_seen"`
}

// state is what a checkpoint stores beside the weights.
type state struct {
	Options   Options `json:"options"`
	History   History `json:"history"`
	Epoch     int     `json:"epoch"` // epochs completed
	Done      bool    `json:"done"`
	RNG       []byte  `json:"rng"`        // shuffling stream at the end of Epoch
	AdamStep  int     `json:"adam_step"`  // optimizer steps taken
	DataPrint string  `json:"data_print"` // fingerprint of the training data
	BestVal   float64 `json:"best_val"`   // lowest validation loss so far
	SinceBest int     `json:"since_best"` // epochs since it
}

// Arrays stored in checkpoints besides the (best) weights.
const (
	arrayCurrent = "current_params"
	arrayAdamM   = "adam_m"
	arrayAdamV   = "adam_v"
)

// Progress reports training progress: called after every optimizer step
// (val is NaN until the epoch's validation loss is known) and once per
// epoch with the validation loss.
type Progress func(epoch, step, stepsPerEpoch int, trainLoss, valLoss float64)

// Run trains a new model on data under opt, checkpointing to path after
// every epoch (path "" disables checkpoints), and returns the model holding
// the weights of the best validation epoch.
func Run(data *dataset.Set, opt Options, path string, progress Progress) (*npe.Model, History, error) {
	if err := opt.Validate(); err != nil {
		return nil, History{}, err
	}
	// The chunking options shape streamed runs only; stored for a run in
	// memory, they would make Resume take it for a streamed one.
	opt.ChunkRows, opt.BufferChunks = 0, 0
	m, err := npe.New(opt.Model, data, opt.Seed)
	if err != nil {
		return nil, History{}, err
	}
	st := &state{Options: opt, DataPrint: fingerprint(data), BestVal: math.Inf(1)}
	pcg := rand.NewPCG(opt.Seed, 0x73687566)
	st.RNG, _ = pcg.MarshalBinary()
	adam := nn.NewAdam(m.Params(), opt.LR)
	return loop(m, adam, newMemFeed(data, opt), st, nil, path, progress)
}

// Resume continues the run checkpointed at path on the same data, to the
// result an uninterrupted run would have given, under the options the run
// started with (ReadCheckpoint returns them, to check a request against).
func Resume(data *dataset.Set, path string, progress Progress) (*npe.Model, History, error) {
	m, extra, st, err := readState(path)
	if err != nil {
		return nil, History{}, err
	}
	if st.Options.ChunkRows > 0 {
		return nil, History{}, fmt.Errorf("resume %s: the run was streamed; resume it streamed (ResumeStream)", path)
	}
	if fp := fingerprint(data); fp != st.DataPrint {
		return nil, History{}, fmt.Errorf("resume %s: the data set differs from the one training started on", path)
	}
	return resumeFeed(m, extra, st, newMemFeed(data, st.Options), path, progress)
}

// readState loads the checkpoint at path and its training state, which
// must be of a run not yet finished.
func readState(path string) (*npe.Model, npe.Extra, state, error) {
	var st state
	m, extra, err := npe.Load(path)
	if err != nil {
		return nil, extra, st, err
	}
	if err := json.Unmarshal(extra.Training, &st); err != nil || len(extra.Training) == 0 {
		return nil, extra, st, fmt.Errorf("resume %s: no training state in the file", path)
	}
	if st.Done {
		return nil, extra, st, fmt.Errorf("resume %s: training already finished (%s after %d epochs)", path, st.History.Stopped, st.Epoch)
	}
	return m, extra, st, nil
}

// resumeFeed continues the run of state st, checkpointed at path as m and
// extra, on the data of f.
func resumeFeed(m *npe.Model, extra npe.Extra, st state, f feed, path string, progress Progress) (*npe.Model, History, error) {
	best := npe.FlatParams(m.Params())
	if err := npe.SetParams(m.Params(), extra.Arrays[arrayCurrent]); err != nil {
		return nil, History{}, fmt.Errorf("resume %s: %w", path, err)
	}
	adam := nn.NewAdam(m.Params(), st.Options.LR)
	if err := adam.SetState(nn.AdamState{Step: st.AdamStep, M: extra.Arrays[arrayAdamM], V: extra.Arrays[arrayAdamV]}); err != nil {
		return nil, History{}, fmt.Errorf("resume %s: %w", path, err)
	}
	return loop(m, adam, f, &st, best, path, progress)
}

// loop runs epochs st.Epoch+1 .. Options.Epochs.
func loop(m *npe.Model, adam *nn.Adam, data feed, st *state, best []float32, path string, progress Progress) (*npe.Model, History, error) {
	opt := st.Options
	if err := data.check(m); err != nil {
		return nil, st.History, fmt.Errorf("train: %w", err)
	}
	if data.trainRows() < opt.BatchSize {
		return nil, st.History, fmt.Errorf("train: %d training simulations, fewer than one batch of %d", data.trainRows(), opt.BatchSize)
	}
	steps := data.trainRows() / opt.BatchSize // the last partial batch is dropped
	sched := schedule(opt, steps)
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(st.RNG); err != nil {
		return nil, st.History, fmt.Errorf("train: random state: %w", err)
	}
	rng := rand.New(pcg)
	params := m.Params()
	if best == nil {
		best = npe.FlatParams(params)
	}
	par, err := newParallel(m, max(opt.Replicas, 1))
	if err != nil {
		return nil, st.History, err
	}
	for st.Epoch < opt.Epochs && !st.Done {
		t0 := time.Now()
		sum, s := 0.0, 0
		err := data.epoch(rng, opt.BatchSize, func(set *dataset.Set, idx []int) error {
			loss, err := par.step(set, idx)
			if err != nil {
				return err
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return fmt.Errorf("train: loss became %v at epoch %d, step %d; lower the learning rate", loss, st.Epoch+1, s+1)
			}
			if opt.ClipNorm > 0 {
				nn.ClipGradNorm(params, opt.ClipNorm)
			}
			adam.LR = sched.LR(adam.Steps())
			adam.Step()
			sum += loss
			s++
			if progress != nil {
				progress(st.Epoch+1, s, steps, sum/float64(s), math.NaN())
			}
			return nil
		})
		if err != nil {
			return nil, st.History, err
		}
		val, err := data.validate(m)
		if err != nil {
			return nil, st.History, err
		}
		st.Epoch++
		h := &st.History
		h.Train, h.Val, h.LR = append(h.Train, sum/float64(steps)), append(h.Val, val), append(h.LR, adam.LR)
		h.Seconds += time.Since(t0).Seconds()
		h.Samples += steps * opt.BatchSize
		if val < st.BestVal {
			st.BestVal, st.SinceBest, h.BestEpoch = val, 0, st.Epoch
			best = npe.FlatParams(params)
		} else {
			st.SinceBest++
		}
		if progress != nil {
			progress(st.Epoch, steps, steps, sum/float64(steps), val)
		}
		switch {
		case opt.Patience > 0 && st.SinceBest >= opt.Patience:
			st.Done, h.Stopped = true, "early stopping"
		case st.Epoch >= opt.Epochs:
			st.Done, h.Stopped = true, "epochs"
		}
		st.RNG, _ = pcg.MarshalBinary()
		st.AdamStep = adam.Steps()
		if path != "" {
			if err := checkpoint(path, m, adam, st, best); err != nil {
				return nil, st.History, err
			}
		}
	}
	if err := npe.SetParams(params, best); err != nil {
		return nil, st.History, err
	}
	return m, st.History, nil
}

// checkpoint saves the best weights as the model, with the current weights,
// optimizer moments and state beside them.
func checkpoint(path string, m *npe.Model, adam *nn.Adam, st *state, best []float32) error {
	params := m.Params()
	current := npe.FlatParams(params)
	if err := npe.SetParams(params, best); err != nil {
		return err
	}
	defer npe.SetParams(params, current)
	js, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	as := adam.State()
	return npe.Save(path, m, npe.Extra{Training: js, Arrays: map[string][]float32{arrayCurrent: current, arrayAdamM: as.M, arrayAdamV: as.V}})
}

// Evaluate returns the mean loss of the model on rows idx of data.
func Evaluate(m *npe.Model, data *dataset.Set, idx []int) (float64, error) {
	if len(idx) == 0 {
		return 0, errors.New("train: no rows to evaluate")
	}
	const chunk = 1024
	total := 0.0
	for lo := 0; lo < len(idx); lo += chunk {
		part := idx[lo:min(lo+chunk, len(idx))]
		obs, theta := batch(data, part)
		loss, err := m.Loss(obs, theta)
		if err != nil {
			return 0, err
		}
		total += loss * float64(len(part))
	}
	return total / float64(len(idx)), nil
}

// batch gathers rows idx of data.
func batch(data *dataset.Set, idx []int) ([]npe.Observation, []float64) {
	obs := make([]npe.Observation, len(idx))
	theta := make([]float64, 0, len(idx)*data.P)
	for b, i := range idx {
		obs[b] = npe.FromSet(data, i) // loop checked the set against the model
		theta = append(theta, data.Theta[i*data.P:(i+1)*data.P]...)
	}
	return obs, theta
}

// split returns a seeded random partition of 0..n-1 into training and
// validation rows.
func split(n int, valFraction float64, seed uint64) (trainIdx, valIdx []int) {
	perm := rand.New(rand.NewPCG(seed, 0x76616c)).Perm(n)
	nVal := max(1, int(math.Round(valFraction*float64(n))))
	return perm[nVal:], perm[:nVal]
}

// schedule returns the learning-rate schedule over all optimizer steps.
func schedule(o Options, stepsPerEpoch int) nn.Schedule {
	total := o.Epochs * stepsPerEpoch
	switch o.Schedule {
	case "cosine":
		return nn.Cosine{Base: o.LR, Floor: o.FinalLR, Steps: total}
	case "exponential":
		rate := 1.0
		if o.FinalLR > 0 {
			rate = o.FinalLR / o.LR
		}
		return nn.Exponential{Base: o.LR, Rate: rate, Every: total}
	}
	return nn.Constant(o.LR)
}

// fingerprint identifies a data set by its shape, seed and a hash of its
// parameters.
func fingerprint(d *dataset.Set) string {
	h := fnv.New64a()
	for _, v := range d.Theta {
		writeFloat(h, v)
	}
	return fmt.Sprintf("%dx%dx%d-%x", d.N, d.P, d.T, h.Sum64())
}

// HistoryFrom returns the loss history kept in a model file's training
// state, and whether there was one.
func HistoryFrom(extra npe.Extra) (History, bool) {
	var st state
	if len(extra.Training) == 0 || json.Unmarshal(extra.Training, &st) != nil {
		return History{}, false
	}
	return st.History, true
}
