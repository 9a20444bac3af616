package fit

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// pilotSims is the size of the timed pilot run whose rates give the
// estimate of a training's time.
const pilotSims = 1000

// trainingOptions returns the training recipe opt asks for.
func trainingOptions(opt Options) (train.Options, error) {
	to, err := train.Preset(opt.Preset)
	if err != nil {
		return to, fmt.Errorf("fit: %w", err)
	}
	if opt.Epochs > 0 {
		to.Epochs = opt.Epochs
	}
	to.Seed = opt.Seed
	return to, to.Validate()
}

// model takes the model of cfg from the cache, or simulates and trains
// one and keeps it.
func model(cfg neuron.Config, opt Options, res *Result) error {
	to, err := trainingOptions(opt)
	if err != nil {
		return err
	}
	doc := KeyDoc{Format: CacheFormat, Experiment: cfg, NTrain: opt.NTrain, SimSeed: opt.Seed ^ streamTrain, Training: to}
	if res.Key, err = doc.Key(); err != nil {
		return err
	}
	res.ModelPath, _ = paths(opt.CacheDir, res.Key)
	m, _, why, err := lookup(opt.CacheDir, doc)
	if err != nil {
		return err
	}
	if m != nil {
		res.Model, res.CacheHit = m, true
		fmt.Fprintf(opt.Log, "model: cached %s\n", res.ModelPath)
		return nil
	}
	if why != "" {
		res.CacheNote = "the cached model for this experiment was not used, " + why + ": retraining"
		res.Warnings = append(res.Warnings, res.CacheNote)
		fmt.Fprintln(opt.Log, "warning:", res.CacheNote)
	}
	return trainModel(doc, opt, res)
}

// trainModel simulates and trains the model of doc, states the estimated
// time first, and keeps the model in the cache.
func trainModel(doc KeyDoc, opt Options, res *Result) error {
	sim, err := neuron.NewSimulator(doc.Experiment)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	if err := os.MkdirAll(opt.CacheDir, 0o755); err != nil {
		return fmt.Errorf("fit: cache folder: %w", err)
	}
	est, simRate, trainRate, err := estimate(sim, doc, opt)
	if err != nil {
		return err
	}
	res.Estimate = est
	fmt.Fprintf(opt.Log, "model: none cached for this experiment; simulating %d traces and training the %s preset (%d epochs at most): about %s (measured on a pilot: %.0f simulations/s, %.0f training samples/s)\n",
		doc.NTrain, opt.Preset, doc.Training.Epochs, roundDuration(est), simRate, trainRate)
	t0 := time.Now()
	set, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: doc.SimSeed, N: doc.NTrain, Progress: counter(opt.SimProgress, doc.NTrain)})
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	simSeconds := time.Since(t0).Seconds()
	tmp := filepath.Join(opt.CacheDir, fmt.Sprintf(".%s.training-%d.laa", res.Key, os.Getpid()))
	defer os.Remove(tmp)
	var progress train.Progress
	if opt.TrainProgress != nil {
		progress = opt.TrainProgress(doc.Training.Epochs)
	}
	m, h, err := train.Run(set, doc.Training, tmp, progress)
	if err != nil {
		return fmt.Errorf("fit: training: %w", err)
	}
	res.Trained = time.Since(t0)
	e := Entry{Key: res.Key, Doc: doc, Created: time.Now().UTC().Truncate(time.Second), LaaVersion: opt.Version,
		SimSeconds: math.Round(simSeconds*10) / 10, TrainSeconds: math.Round(h.Seconds*10) / 10, Epochs: len(h.Val), BestEpoch: h.BestEpoch, Stopped: h.Stopped}
	if h.BestEpoch >= 1 && h.BestEpoch <= len(h.Val) {
		e.BestValLoss = h.Val[h.BestEpoch-1]
	}
	// Keep the training history (laa info reads it), not the optimizer's
	// state: a cached model is never resumed.
	var extra npe.Extra
	if _, ck, err := npe.Load(tmp); err == nil {
		extra.Training = ck.Training
	}
	if err := store(opt.CacheDir, m, extra, e); err != nil {
		return err
	}
	fmt.Fprintf(opt.Log, "model: trained in %s (simulation %.0f s, training %.0f s, best validation loss %.3f at epoch %d of %d), kept as %s\n",
		roundDuration(res.Trained), simSeconds, h.Seconds, e.BestValLoss, h.BestEpoch, len(h.Val), res.ModelPath)
	res.Model = m
	return nil
}

// estimate times a pilot run (pilotSims simulations, one epoch on them)
// and extrapolates to the whole training: an upper bound, since early
// stopping may end training sooner.
func estimate(sim *neuron.Simulator, doc KeyDoc, opt Options) (time.Duration, float64, float64, error) {
	n := min(pilotSims, doc.NTrain)
	t0 := time.Now()
	set, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: opt.Seed ^ streamPilot, N: n})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("fit: pilot simulations: %w", err)
	}
	simRate := float64(n) / max(time.Since(t0).Seconds(), 1e-6)
	to := doc.Training
	to.Epochs, to.Patience = 1, 0
	to.ValFraction = 0.1
	tmp := filepath.Join(opt.CacheDir, fmt.Sprintf(".pilot-%d.laa", os.Getpid()))
	defer os.Remove(tmp)
	_, h, err := train.Run(set, to, tmp, nil)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("fit: pilot training: %w", err)
	}
	trainRate := float64(h.Samples) / max(h.Seconds, 1e-6)
	samples := float64(doc.NTrain) * (1 - doc.Training.ValFraction) * float64(doc.Training.Epochs)
	secs := float64(doc.NTrain)/simRate + samples/trainRate
	return time.Duration(secs * float64(time.Second)), simRate, trainRate, nil
}

// counter turns dataset's increments into done-of-total calls.
func counter(f func(done, total int), total int) func(int) {
	if f == nil {
		return nil
	}
	var (
		mu   sync.Mutex
		done int
	)
	return func(d int) {
		mu.Lock()
		defer mu.Unlock()
		done += d
		f(done, total)
	}
}

// roundDuration rounds d to its meaning: seconds under 2 minutes, then
// minutes and seconds to 10 s ("3 min 20 s").
func roundDuration(d time.Duration) string {
	if d < 2*time.Minute {
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	s := int(d.Round(10 * time.Second).Seconds())
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}
