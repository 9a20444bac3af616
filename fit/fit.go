// Package fit runs the whole job on one recording: it reads the protocol,
// the duration and the sampling from the recording, estimates the
// observation noise from its baseline, checks the trace against the prior,
// takes a trained model for that experiment from a cache folder (or
// simulates and trains one and keeps it), infers the posterior (corrected
// to the exact one where the likelihood is tractable), checks it against
// the prior and writes the recording's report page.
package fit

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/train"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// Defaults of Options.
const (
	// DefaultNTrain is the default training budget: with DefaultPreset a
	// first fit of a new protocol takes about 2 minutes on 2 cores
	// (measured in docs/fit.md), and the exact correction makes the
	// posterior exact where the likelihood is tractable, so the network
	// only has to propose well: 100,000 simulations brought the Pareto
	// k-hat of a 150 ms recording from 7 (30,000) to 2.
	DefaultNTrain = 100000
	// DefaultPreset is the default training recipe (train.Preset).
	DefaultPreset = train.PresetMLP
	// DefaultDraws is the default number of posterior draws.
	DefaultDraws = 2000
	// DefaultPriorSims is the number of prior predictive simulations of
	// the prior-data conflict check.
	DefaultPriorSims = 1000
	// DefaultHeldOut is the number of held-out simulations the report's
	// calibration section and the typicality reference are made of.
	DefaultHeldOut = 301
	// DefaultMaxSamples is the most samples of fit's grid. A 150 ms
	// recording at 10 kHz is modelled every 0.5 ms (dt 0.5 ms) rather than
	// every 0.1 ms, so each simulation costs 5 times less and a cached fit
	// takes 2.5-4 s instead of 7-9 s with the same posterior, while the
	// anti-aliasing filter keeps the band of the membrane's time constants
	// and lowers the noise per sample (docs/fit.md).
	DefaultMaxSamples = 300
	// MinNoiseMV is the least observation noise fit gives the model when
	// it estimates the noise: below it a trace is noise-free or smoothed
	// (an amplifier and a 16-bit digitizer add about 0.03 mV), and a
	// posterior that narrow would claim a fit of the LAA model to a real
	// cell better than any model error allows.
	MinNoiseMV = 0.01
	// DefaultHeldOutDraws is the posterior draws per held-out simulation.
	DefaultHeldOutDraws = 100
)

// Options tune Run. The zero value fits with the defaults: the embedded
// configuration's priors, noise from the recording, DefaultNTrain
// simulations with DefaultPreset, a cache in DefaultCacheDir.
type Options struct {
	// Config is the base configuration (priors, model constants); nil
	// means neuron.Default(). Its protocol, duration and grid are
	// replaced by the recording's (recording.ProtocolConfig).
	Config *neuron.Config
	// Protocol says where the window starts, the most samples of the grid
	// (0: DefaultMaxSamples) and the stimulus's tolerance.
	Protocol recording.ProtocolOptions
	Filter   recording.Filter // how the voltage is brought to the grid
	// CacheDir holds trained models; "" means DefaultCacheDir().
	CacheDir string
	// WidenPriors multiplies every prior's spread (neuron.WidenPriors, a
	// factor of at least 1); 0 or 1 leaves them.
	WidenPriors float64
	// NoiseMV sets the model's observation noise sd (mV); 0 estimates it
	// from the recording's baseline and quantizes it (QuantizeNoise).
	NoiseMV float64
	// Training budget: simulations, recipe, epochs (0: the preset's).
	NTrain int
	Preset string
	Epochs int
	Seed   uint64 // every random draw comes from it
	Draws  int    // posterior draws; 0 means DefaultDraws
	// PriorSims, HeldOut and HeldOutDraws size the checks (0: defaults).
	PriorSims, HeldOut, HeldOutDraws int
	// Out is the folder of the report page, the draws and the summary;
	// "" writes nothing.
	Out string
	// Version is recorded in the cache's descriptions and the report.
	Version string
	// Log receives one line per step (nil: discarded).
	Log io.Writer
	// SimProgress and TrainProgress report simulation and training
	// progress when a model is trained (nil: none).
	SimProgress   func(done, total int)
	TrainProgress func(epochs int) train.Progress
}

func (o Options) withDefaults() (Options, error) {
	if o.NTrain == 0 {
		o.NTrain = DefaultNTrain
	}
	if o.Preset == "" {
		o.Preset = DefaultPreset
	}
	if o.Draws == 0 {
		o.Draws = DefaultDraws
	}
	if o.PriorSims == 0 {
		o.PriorSims = DefaultPriorSims
	}
	if o.HeldOut == 0 {
		o.HeldOut = DefaultHeldOut
	}
	if o.HeldOutDraws == 0 {
		o.HeldOutDraws = DefaultHeldOutDraws
	}
	if o.Protocol.MaxSamples == 0 {
		o.Protocol.MaxSamples = DefaultMaxSamples
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Version == "" {
		o.Version = "devel"
	}
	switch {
	case o.NTrain < 100:
		return o, fmt.Errorf("fit: %d training simulations; need at least 100", o.NTrain)
	case o.Draws < 1 || o.PriorSims < 1 || o.HeldOutDraws < 1 || o.Epochs < 0:
		return o, fmt.Errorf("fit: draws, prior simulations and held-out draws must be positive, epochs >= 0")
	case o.HeldOut < 52:
		return o, fmt.Errorf("fit: %d held-out simulations; need at least 52 (the typicality reference)", o.HeldOut)
	case o.WidenPriors != 0 && neuron.CheckWidenFactor(o.WidenPriors) != nil:
		return o, fmt.Errorf("fit: widen priors: %w", neuron.CheckWidenFactor(o.WidenPriors))
	case o.NoiseMV < 0 || math.IsNaN(o.NoiseMV) || math.IsInf(o.NoiseMV, 0):
		return o, fmt.Errorf("fit: noise %g mV: want a positive sd, or 0 to estimate it", o.NoiseMV)
	}
	if o.CacheDir == "" {
		dir, err := DefaultCacheDir()
		if err != nil {
			return o, err
		}
		o.CacheDir = dir
	}
	return o, nil
}

// Result is a fit: the experiment built from the recording, the noise,
// the checks, where the model came from and the recording's posterior.
type Result struct {
	Name   string        // the recording's name (file and sweep)
	Config neuron.Config // the experiment the model simulates
	// Noise is the baseline estimate; NoiseMV the model's sigma_obs and
	// NoiseNote the sentence that states both.
	Noise     recording.NoiseEstimate
	NoiseMV   float64
	NoiseNote string
	// PriorChecks are the prior-data conflict checks before inference.
	PriorChecks []trust.PriorCheck
	Model       *npe.Model
	ModelPath   string // the cached model file
	Key         string // its cache key
	CacheHit    bool   // the model came from the cache (no training)
	// CacheNote says why a cache entry was not used (damaged), or "".
	CacheNote string
	Estimate  time.Duration // the time a training was estimated to take
	Trained   time.Duration // simulation and training time (0 on a hit)
	Recording trust.Result
	// Assessment is the held-out check of the model; the report shows
	// Recording beside it.
	Assessment *validation.Result
	// Warnings are everything the user should read: noise mismatch,
	// prior-data conflicts before and after inference, an assumed
	// current, and the recording's own warnings.
	Warnings []string
	Report   string // the report page (index.html), "" when Out is empty
	Files    []string
	Seconds  float64 // wall time of Run
}

// Verdict says in a few words whether the model explains the recording.
func (r *Result) Verdict() string {
	if r.Recording.Trustworthy {
		return "explained: the posterior can be read as the model's"
	}
	return "NOT explained by the model (" + strings.Join(r.Recording.Untrustworthy, "; ") + ")"
}

// Run fits the recording at path (rec says how to read it, its Sweep
// which sweep) as the package comment describes.
func Run(path string, rec recording.Options, opt Options) (*Result, error) {
	t0 := time.Now()
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	res, raw, p, err := check(path, rec, opt)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(opt.Log, "checks before inference: %.1f s\n", time.Since(t0).Seconds())
	if err := model(res.Config, opt, res); err != nil {
		return nil, err
	}
	if err := infer(raw, p, opt, res); err != nil {
		return nil, err
	}
	if opt.Out != "" {
		t1 := time.Now()
		if err := write(opt, res); err != nil {
			return nil, err
		}
		fmt.Fprintf(opt.Log, "report: %.1f s\n", time.Since(t1).Seconds())
	}
	res.Seconds = time.Since(t0).Seconds()
	return res, nil
}

// check reads the recording, builds its experiment and checks the trace
// against the prior predictive: everything before the model.
func check(path string, rec recording.Options, opt Options) (*Result, recording.Recording, recording.Prepared, error) {
	raw, err := recording.Read(path, rec)
	if err != nil {
		return nil, raw, recording.Prepared{}, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if raw.Sweep != "" {
		name += "_" + raw.Sweep
	}
	res := &Result{Name: name}
	cfg, p, err := experiment(raw, opt, res)
	if err != nil {
		return nil, raw, p, fmt.Errorf("fit: %s: %w", path, err)
	}
	res.Config = cfg
	fmt.Fprintf(opt.Log, "experiment: %s samples every %s ms (%s ms, dt %s ms), stimulus %s\n",
		fmtG(float64(cfg.NumSamples())), fmtG(cfg.RecordStepMs), fmtG(cfg.DurationMs), fmtG(cfg.DtMs), describeStimulus(cfg.Stimulus))
	fmt.Fprintln(opt.Log, res.NoiseNote)
	checks, err := trust.PriorDataConflict(cfg, p.VoltageMV, opt.PriorSims, opt.Seed^streamPrior)
	if err != nil {
		return nil, raw, p, fmt.Errorf("fit: prior-data conflict check: %w", err)
	}
	res.PriorChecks = checks
	for _, c := range checks {
		if c.Warning != "" {
			res.Warnings = append(res.Warnings, "prior-data conflict: "+c.Warning)
			fmt.Fprintln(opt.Log, "warning: prior-data conflict:", c.Warning)
		}
	}
	return res, raw, p, nil
}

// Random streams of the steps, xor-ed into the seed.
const (
	streamPrior   = 0x7072696f72
	streamTrain   = 0x747261696e
	streamHeldOut = 0x68656c64
	streamPilot   = 0x70696c6f74
)

// experiment builds the configuration of the recording: the base
// configuration with the recording's protocol and grid, the noise from its
// baseline, the priors widened when asked; and the recording on its grid.
func experiment(raw recording.Recording, opt Options, res *Result) (neuron.Config, recording.Prepared, error) {
	base := neuron.Default()
	if opt.Config != nil {
		base = *opt.Config
	}
	cfg, err := recording.ProtocolConfig(base, raw, opt.Protocol)
	if err != nil {
		return cfg, recording.Prepared{}, err
	}
	grid := recording.GridOf(cfg, opt.Protocol.StartMs)
	grid.Filter = opt.Filter
	p, err := recording.Prepare(raw, grid)
	if err != nil {
		return cfg, p, err
	}
	est, estErr := estimateNoise(raw, cfg, opt, p)
	res.Noise = est
	switch {
	case cfg.Priors.SigmaObs != nil:
		res.NoiseNote = "observation noise: inferred as a parameter (the configuration gives sigma_obs a prior)"
		if estErr == nil {
			res.NoiseNote += fmt.Sprintf("; the baseline's estimate is %s mV", fmtG(est.SD))
		}
	case opt.NoiseMV > 0:
		cfg.SigmaObs = opt.NoiseMV
		res.NoiseNote = fmt.Sprintf("observation noise: %s mV as given", fmtG(opt.NoiseMV))
		if estErr == nil {
			res.NoiseNote += fmt.Sprintf(" (the baseline's estimate is %s mV)", fmtG(est.SD))
			if r := opt.NoiseMV / est.SD; r > 1.25 || r < 0.8 {
				res.Warnings = append(res.Warnings, fmt.Sprintf("the model's observation noise (%s mV, as given) differs from the recording's baseline noise (%s mV) by a factor %s: the posterior is %s than the data justify", fmtG(opt.NoiseMV), fmtG(est.SD), fmtG(r), map[bool]string{true: "wider", false: "narrower"}[r > 1]))
			}
		}
	case estErr != nil:
		res.NoiseNote = fmt.Sprintf("observation noise: %s mV from the configuration", fmtG(cfg.SigmaObs))
		res.Warnings = append(res.Warnings, fmt.Sprintf("the noise could not be estimated from the recording (%v): the model assumes the configuration's %s mV; give it with --noise", estErr, fmtG(cfg.SigmaObs)))
	case est.SD < MinNoiseMV:
		cfg.SigmaObs = MinNoiseMV
		res.NoiseNote = fmt.Sprintf("observation noise: %s mV estimated from %d baseline samples (%s to %s ms, %s); the model uses %s mV, its floor",
			fmtG(est.SD), est.Samples, fmtG(est.FromMs), fmtG(est.ToMs), est.Method, fmtG(MinNoiseMV))
		res.Warnings = append(res.Warnings, fmt.Sprintf("the recording's baseline noise (%s mV) is below %s mV: a noise-free or smoothed trace? The model uses %s mV, as no recording holds the LAA model to better than that; give another value with --noise", fmtG(est.SD), fmtG(MinNoiseMV), fmtG(MinNoiseMV)))
	default:
		cfg.SigmaObs = QuantizeNoise(est.SD)
		res.NoiseNote = fmt.Sprintf("observation noise: %s mV estimated from %d baseline samples (%s to %s ms, %s); the model uses %s mV (the nearest of 24 values per decade, so sweeps of one cell share a model)",
			fmtG(est.SD), est.Samples, fmtG(est.FromMs), fmtG(est.ToMs), est.Method, fmtG(cfg.SigmaObs))
	}
	res.NoiseMV = cfg.SigmaObs
	if opt.WidenPriors > 0 && opt.WidenPriors != 1 {
		cfg = neuron.WidenPriors(cfg, opt.WidenPriors)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, p, err
	}
	return cfg, p, nil
}

// fmtG formats a number to its meaning: 4 significant digits.
func fmtG(v float64) string {
	return fmt.Sprintf("%.4g", v)
}

// describeStimulus says a staircase in a few words.
func describeStimulus(s neuron.Stimulus) string {
	if s.Kind != neuron.StimStaircase || len(s.Times) == 0 {
		return s.Kind
	}
	var parts []string
	for j := range s.Times {
		parts = append(parts, fmt.Sprintf("%s uA/cm2 from %s ms", fmtG(s.Levels[j]), fmtG(s.Times[j])))
	}
	if len(parts) > 6 {
		parts = append(parts[:5], fmt.Sprintf("... (%d levels)", len(parts)))
	}
	return strings.Join(parts, ", ")
}
