package workflow

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/prior"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/reference"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// Trace is an observed trace put on a model's grid: what Infer reads.
type Trace struct {
	Name   string // names the output files: <Name>.draws.npy, ...
	Source string // where it came from (its file), for messages
	Sweep  string // the NWB sweep it came from; "" for a file of one trace
	// Voltage is the trace in mV at the model's sample times.
	Voltage []float64
	// Current is the injected current (uA/cm2) at the same times; nil when
	// the recording has none. Assumed marks a current that was assumed,
	// not recorded (recording.AssumedCurrentNote).
	Current  []float64
	Assumed  bool
	Warnings []string // from reading and preparing it
}

// Trace reads the recording and prepares it for a model of the
// experiment cfg: on its grid, with a warning where the recording's
// baseline noise does not match the model's observation noise. Its name is
// the file's base name (with "_<sweep>" for an NWB sweep), made safe for
// file names (recording.SafeName).
func (r RecordingFile) Trace(cfg neuron.Config) (Trace, error) {
	_, p, err := r.Prepare(cfg)
	if err != nil {
		return Trace{}, err
	}
	name := r.Name()
	if p.Sweep != "" {
		name += "_" + p.Sweep
	}
	warnings := p.Warnings
	if w := trust.NoiseMismatch(cfg, p); w != "" {
		warnings = append(warnings, w)
	}
	return Trace{Name: recording.SafeName(name), Source: r.Path, Sweep: p.Sweep, Voltage: p.VoltageMV, Current: p.Current, Assumed: p.CurrentAssumed, Warnings: warnings}, nil
}

// InferOptions tune Infer.
type InferOptions struct {
	Draws int    // posterior draws per trace [2000]
	Seed  uint64 // every random draw flows from it
	// NoExact keeps the amortized posterior: no correction to the exact
	// one. NoExactReason says so in the results ["amortized only: the
	// correction is off"].
	NoExact       bool
	NoExactReason string
	Progress      Progress
	// Reference, when not nil, is the typicality reference the traces are
	// tested against (TypicalityReference's, built once and shared by
	// calls: it is read only); nil simulates one from Seed.
	Reference *diagnose.Reference
}

// Inference is the posterior of one trace.
type Inference struct {
	Trace     Trace
	Amortized npe.Posterior // the neural posterior's draws, with its leakage
	// Posterior is the posterior the results report: corrected to the
	// exact one (importance sampling, MCMC where the weights are
	// unreliable) where the likelihood is tractable, else the amortized
	// draws (Route exact.Amortized, with the reason).
	Posterior  *exact.Result
	Summary    []diagnose.Summary // of Posterior's draws: mean, sd, median, 90 % interval
	Typicality diagnose.Typicality
	// Warnings: the trace's own, a protocol unlike the trained one, an
	// atypical trace, the correction's, posterior conflicts with the
	// prior, an assumed current.
	Warnings []string
}

// Inferences are the posteriors of several traces under one model.
type Inferences struct {
	Names   []string // parameter names
	Units   []string // their units ("" where none)
	Draws   int      // per trace
	Seconds float64  // wall time of the amortized draws of all traces (batched)
	Traces  []Inference
}

// Infer draws the amortized posterior of every trace in one batch,
// corrects each to the exact posterior where the likelihood is tractable
// (unless opt.NoExact), tests each trace's typicality against fresh
// simulations of the model's experiment, and collects the warnings.
func Infer(ctx context.Context, m *npe.Model, traces []Trace, opt InferOptions) (*Inferences, error) {
	if err := checkContext(ctx, "infer"); err != nil {
		return nil, err
	}
	n := orDefault(opt.Draws, 2000)
	prepared := make([]npe.Observation, len(traces))
	for i, t := range traces {
		var err error
		if prepared[i], err = m.Observe(t.Voltage); err != nil {
			return nil, fmt.Errorf("workflow: infer: %s: %w", t.Name, err)
		}
	}
	t0 := time.Now()
	posts, err := m.Sample(prepared, n, rand.New(rand.NewPCG(opt.Seed, 0x696e66)))
	if err != nil {
		return nil, err
	}
	out := &Inferences{Names: m.Names, Units: units(m), Draws: n, Seconds: time.Since(t0).Seconds()}
	ref := opt.Reference
	if ref == nil {
		if ref, err = TypicalityReference(m, opt.Seed); err != nil {
			return nil, err
		}
	}
	var trained []float64 // the LAA neuron's trained stimulus, for the protocol check
	if m.IsLAA() {
		sim, err := neuron.NewSimulator(m.Experiment)
		if err != nil {
			return nil, err
		}
		trained = sim.StimulusAtSamples()
	}
	_, priors := m.Experiment.Inferred()
	if !m.IsLAA() {
		priors = nil
		for _, d := range m.Priors() {
			priors = append(priors, prior.SpecOf(d))
		}
	}
	for i, t := range traces {
		if err := checkContext(ctx, "infer "+t.Name); err != nil {
			return nil, err
		}
		p := posts[i]
		corr, err := correct(m, t, i, p, n, opt)
		if err != nil {
			return nil, err
		}
		sums, err := diagnose.Summarize(corr.Draws, 0.9)
		if err != nil {
			return nil, err
		}
		var typ diagnose.Typicality
		if ref != nil {
			if typ, err = validation.Check(m, ref, t.Voltage); err != nil {
				return nil, err
			}
		} else {
			typ.PValue, typ.Warning = math.NaN(), NoTypicality
		}
		warnings := append([]string(nil), t.Warnings...)
		if same, d := recording.SameProtocol(t.Current, trained, trust.ProtocolTolerance); t.Current != nil && trained != nil && !same {
			warnings = append(warnings, fmt.Sprintf("the recording's stimulus differs from the protocol the model was trained on (by up to %.3g uA/cm2): the posterior assumes the trained protocol. Fit it under its own protocol with laa fit %s (or simulate and train for it: laa simulate --stimulus-from %s)", d, t.Source, t.Source))
		}
		if typ.Warning != "" {
			warnings = append(warnings, "typicality: "+typ.Warning)
		}
		warnings = append(warnings, corr.Warnings...)
		warnings = append(warnings, trust.PosteriorConflict(m.Names, priors, corr.Draws)...)
		if t.Assumed && !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, recording.AssumedCurrentNote) }) {
			warnings = append(warnings, recording.AssumedCurrentNote)
		}
		out.Traces = append(out.Traces, Inference{Trace: t, Amortized: p, Posterior: corr, Summary: sums, Typicality: typ, Warnings: warnings})
	}
	return out, nil
}

// correct returns the corrected posterior of trace i (its amortized draws
// p when the correction is off: the route is then amortized).
func correct(m *npe.Model, t Trace, i int, p npe.Posterior, n int, opt InferOptions) (*exact.Result, error) {
	if opt.NoExact {
		why := opt.NoExactReason
		if why == "" {
			why = "amortized only: the correction is off"
		}
		return &exact.Result{Route: exact.Amortized, Reason: why, Draws: p.Draws, Amortized: p.Draws}, nil
	}
	eo := exact.Options{Draws: n, Seed: opt.Seed ^ (uint64(i+1) * 0x9e3779b97f4a7c15)}
	if opt.Progress != nil {
		eo.MCMC.Progress = func(pr reference.Progress) {
			opt.Progress(Update{Stage: StageCorrection, Item: t.Name, Done: 100 * pr.Iteration / max(pr.Total, 1), Total: 100, Unit: "%"})
		}
	}
	r, err := exact.Posterior(m, t.Voltage, eo)
	if err != nil {
		return nil, fmt.Errorf("workflow: infer: %s: %w", t.Name, err)
	}
	if r.Route == exact.Amortized {
		r.Draws, r.Amortized = p.Draws, p.Draws // the draws whose leakage is reported
	}
	return r, nil
}

// NoTypicality is the typicality warning of a trace whose model cannot
// simulate: there is no reference to test it against.
const NoTypicality = "not tested: the model cannot simulate, so there are no fresh simulations to compare the observation with"

// TypicalityReference simulates 1,001 observations from the model (from
// seed): the typicality reference in summary space; nil for a model that
// cannot simulate.
func TypicalityReference(m *npe.Model, seed uint64) (*diagnose.Reference, error) {
	var g model.Simulator
	if m.IsLAA() {
		lm, err := neuron.NewModel(m.Experiment)
		if err != nil {
			return nil, err
		}
		g = lm
	} else if s, ok := m.Generative.(model.Simulator); ok {
		g = s
	} else {
		return nil, nil
	}
	set, err := dataset.SimulateModel(g, dataset.SimulateOptions{Seed: seed ^ 0x7479706963616c, N: 1001})
	if err != nil {
		return nil, err
	}
	ref, _, err := validation.Reference(m, set, seed)
	return ref, err
}

// InferenceFiles are the files Inferences.Write makes for a trace named
// name, the amortized draws only when the posterior was corrected.
func InferenceFiles(name string, corrected bool) []string {
	f := []string{name + ".draws.npy", name + ".draws.csv", name + ".summary.json"}
	if corrected {
		f = append(f, name+".amortized.npy")
	}
	return f
}

// Write stores each trace's posterior in dir: <name>.draws.npy (draws x
// parameters) and <name>.draws.csv, the amortized draws as
// <name>.amortized.npy when they were corrected, and <name>.summary.json
// (summary, leakage, typicality, route, warnings). The traces' names must
// be distinct.
func (r *Inferences) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("workflow: infer: %w", err)
	}
	for _, t := range r.Traces {
		base := filepath.Join(dir, t.Trace.Name)
		if err := dataset.WriteRowsNPY(base+".draws.npy", t.Posterior.Draws, len(r.Names)); err != nil {
			return err
		}
		if err := dataset.WriteRowsCSV(base+".draws.csv", r.Names, t.Posterior.Draws); err != nil {
			return err
		}
		if t.Posterior.Route != exact.Amortized {
			if err := dataset.WriteRowsNPY(base+".amortized.npy", t.Amortized.Draws, len(r.Names)); err != nil {
				return err
			}
		}
		summary := map[string]any{"trace": t.Trace.Name, "draws": r.Draws, "params": r.Names, "summary": t.Summary, "leakage": t.Amortized.Leakage(),
			"typicality": t.Typicality, "posterior": t.Posterior, "warnings": t.Warnings}
		if err := atomicfile.WriteJSON(base+".summary.json", summary); err != nil {
			return err
		}
	}
	return nil
}

// units returns the units of m's parameters.
func units(m *npe.Model) []string {
	ps := m.Generative.Parameters()
	out := make([]string, len(ps))
	for j, p := range ps {
		out[j] = p.Unit
	}
	return out
}
