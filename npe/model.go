// Package npe is neural posterior estimation for any model (package
// model), the LAA neuron first: a summary network (MLP over hand-made
// statistics, or over the observation itself for a model without them;
// LSTM or 1-D CNN over the raw trace; or the CNN and the statistics
// together) feeding a conditional coupling flow, trained on simulated
// pairs to approximate p(theta | x) for every observation x at once.
package npe

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/features"
	"github.com/laa-neuro/laa/flow"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/prior"
)

// Config is the architecture of a model.
type Config struct {
	Summary SummaryConfig `json:"summary"`
	Flow    FlowConfig    `json:"flow"`
}

// FlowConfig is the inference network's shape (see flow.Config); zero
// fields take flow's defaults.
type FlowConfig struct {
	Layers        int     `json:"layers"`
	Hidden        int     `json:"hidden"`
	HiddenLayers  int     `json:"hidden_layers"`
	ClampLogScale float64 `json:"clamp_log_scale"`
	// Coupling is "affine" (empty: the default, as in every model file
	// before it existed) or "spline" (rational-quadratic spline coupling);
	// Bins and Bound shape the splines (zero: flow's defaults).
	Coupling string  `json:"coupling,omitempty"`
	Bins     int     `json:"bins,omitempty"`
	Bound    float64 `json:"bound,omitempty"`
}

// Model is a trained (or training) amortized posterior q(theta | trace).
// Its layers cache activations, so a Model is not safe for concurrent use;
// Replica gives a copy sharing the weights for parallel work.
type Model struct {
	Config Config
	// Generative is the model (prior and simulator) whose posterior this
	// approximates; for the LAA neuron it is neuron.Model of Experiment.
	Generative model.Model
	Experiment neuron.Config // the LAA neuron's configuration (empty for another model)
	Names      []string      // inferred parameter names
	StatNames  []string      // features the mlp summary reads (x[0], ... for the observation itself)
	Norm       Norms
	Seed       uint64 // draws the initial weights and the flow's fixed permutations
	// WrittenBy is the laa build that wrote the model file it was loaded
	// from ("" for a model made in memory); it is not saved (the file
	// records the build that saves it).
	WrittenBy string
	// Warnings are things the user should see about the model, such as a
	// stimulus read from a path named inside an older model file. They are
	// not saved.
	Warnings []string

	priors   []prior.Distribution
	summary  chain
	flow     *flow.Flow
	layout   *features.Layout
	samples  int       // trace length T
	stimulus []float64 // I_ext at the sample times, the lstm's second channel
	in       *nn.Mat   // the summary network's input, reused by input
}

// Norms are the standardization statistics fitted on the training data.
type Norms struct {
	Theta    Standardizer `json:"theta"`    // of the unconstrained parameters
	Stats    Standardizer `json:"stats"`    // of the summary statistics
	Voltage  Standardizer `json:"voltage"`  // one column: all trace samples
	Stimulus Standardizer `json:"stimulus"` // one column: the stimulus over time
}

// New builds an untrained model for the data set's experiment, its weights
// and permutations drawn from seed, and fits the standardization statistics
// on train.
func New(cfg Config, train *dataset.Set, seed uint64) (*Model, error) {
	if err := checkShape(train); err != nil {
		return nil, err
	}
	g, err := train.Model()
	if err != nil {
		return nil, fmt.Errorf("npe: %w", err)
	}
	m := &Model{Config: cfg, Generative: g, Experiment: train.Meta.Config, Names: train.Meta.Names, StatNames: train.Meta.StatNames, Seed: seed}
	if err := m.init(-1); err != nil {
		return nil, err
	}
	if train.T != m.samples {
		return nil, fmt.Errorf("npe: the data set has %d samples per trace, its experiment makes %d", train.T, m.samples)
	}
	// Parameters in unconstrained space.
	u := make([]float64, len(train.Theta))
	for i, v := range train.Theta {
		if u[i], err = m.priors[i%train.P].Unconstrain(v); err != nil {
			return nil, fmt.Errorf("npe: training row %d, %s: %w", i/train.P, m.Names[i%train.P], err)
		}
	}
	m.Norm.Theta = fitStandardizer(u, train.P)
	if train.S() > 0 {
		m.Norm.Stats = fitStandardizer(train.Stats, train.S())
	}
	m.Norm.Voltage = fitStandardizer(train.Traces, 1) // in place: no float64 copy of the traces
	stim := train.Stimulus
	if len(stim) == 0 {
		stim = m.stimulus // a model without an input: zeros
	}
	m.Norm.Stimulus = fitStandardizer(stim, 1)
	return m, nil
}

// init builds the networks and derived state from Config (its Summary
// with defaults filled in), Experiment and Seed. The flow's permutations are
// not stored in model files: they are drawn again here from Seed. Before
// it allocates anything (the simulator's arrays, the weights) it checks the
// architecture against the limits, the experiment, and the weight count:
// more than MaxParams, or a count other than want (when want >= 0: the
// weights a model file holds), is an error.
func (m *Model) init(want int) error {
	var err error
	if m.Config.Summary, err = m.Config.Summary.withDefaults(); err != nil {
		return err
	}
	if err := m.Config.Flow.validate(); err != nil {
		return err
	}
	declare, protocol := m.declaredLAA, m.protocolLAA
	if !m.IsLAA() {
		declare, protocol = m.declaredGeneric, m.protocolGeneric
	}
	if err := declare(); err != nil {
		return err
	}
	n := m.numParams()
	switch {
	case n > MaxParams:
		return fmt.Errorf("npe: the network would have more than MaxParams = %d weights", MaxParams)
	case want >= 0 && n != want:
		return fmt.Errorf("npe: the network the header describes has %d weights, the file holds %d", n, want)
	}
	if err := protocol(); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(m.Seed, 0x6d6f64656c))
	m.summary = newSummary(m.Config.Summary, len(m.StatNames), m.samples, rng)
	m.flow, err = flow.New(m.Config.Flow.flowConfig(len(m.Names), m.Config.Summary.Out), rng)
	return err
}

// declaredLAA checks what the LAA experiment declares against the model's
// names and statistics and sets the priors and the trace length, before
// anything is allocated.
func (m *Model) declaredLAA() error {
	if err := m.Experiment.Validate(); err != nil {
		return fmt.Errorf("npe: experiment: %w", err)
	}
	names, priors := m.Experiment.Inferred()
	if !slices.Equal(names, m.Names) {
		return fmt.Errorf("npe: parameter names %v do not match the experiment's %v", m.Names, names)
	}
	if (m.Config.Summary.Kind == SummaryMLP || m.Config.Summary.Kind == SummaryHybrid) && len(m.StatNames) == 0 {
		return fmt.Errorf("npe: no summary statistics (the data set has none) for the %s summary network", m.Config.Summary.Kind)
	}
	m.priors, m.samples = prior.Distributions(priors), m.Experiment.NumSamples()
	return nil
}

// protocolLAA builds the LAA simulator of the experiment (its arrays are
// allocated here) for the stimulus and the statistics' layout.
func (m *Model) protocolLAA() error {
	lm, err := neuron.NewModel(m.Experiment)
	if err != nil {
		return fmt.Errorf("npe: experiment: %w", err)
	}
	sim := lm.Simulator
	m.Generative, m.stimulus = lm, sim.StimulusAtSamples()
	if m.layout, err = sim.FeatureLayout(); err != nil {
		return err
	}
	if len(m.StatNames) > 0 {
		if err := sameNames("statistic", m.StatNames, m.layout.Names(), "the experiment's"); err != nil {
			return fmt.Errorf("npe: %w", err)
		}
	}
	return nil
}

// flowConfig returns the flow package's configuration for dim parameters
// and a context of ctx values.
func (c FlowConfig) flowConfig(dim, ctx int) flow.Config {
	return flow.Config{Dim: dim, ContextDim: ctx, Layers: c.Layers, Hidden: c.Hidden, HiddenLayers: c.HiddenLayers,
		ClampLogScale: c.ClampLogScale, Coupling: c.Coupling, Bins: c.Bins, Bound: c.Bound}
}

// Params lists every trainable parameter: summary network, then flow.
func (m *Model) Params() []*nn.Param { return append(m.summary.Params(), m.flow.Params()...) }

// Samples returns the trace length the model expects.
func (m *Model) Samples() int { return m.samples }

// Observation is one recorded trace on the model's grid (and, for the mlp
// and hybrid summaries, its statistics).
type Observation struct {
	Trace []float32
	Stats []float32
}

// Observe prepares a trace (mV, on the experiment's sampling grid) for the
// model, computing its summary statistics. NaN or a wrong length is an error.
func (m *Model) Observe(trace []float64) (Observation, error) {
	if len(trace) != m.samples {
		if !m.IsLAA() {
			return Observation{}, fmt.Errorf("npe: observation has %d values, model %s expects %d", len(trace), m.Generative.Kind(), m.samples)
		}
		return Observation{}, fmt.Errorf("npe: trace has %d samples, the model expects %d (every %g ms for %g ms)",
			len(trace), m.samples, m.Experiment.RecordStepMs, m.Experiment.DurationMs)
	}
	o := Observation{Trace: make([]float32, len(trace))}
	for i, v := range trace {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Observation{}, fmt.Errorf("npe: trace sample %d is %v", i, v)
		}
		o.Trace[i] = float32(v)
	}
	if len(m.StatNames) > 0 {
		st, err := m.features(trace)
		if err != nil {
			return Observation{}, err
		}
		o.Stats = make([]float32, len(st))
		for i, v := range st {
			o.Stats[i] = float32(v)
		}
	}
	return o, nil
}

// checkObs returns an error for an observation the summary network cannot
// read: a trace of the wrong length (lstm, cnn, hybrid) or statistics of the
// wrong count (mlp, hybrid), or for no observation at all.
func (m *Model) checkObs(obs []Observation) error {
	if len(obs) == 0 {
		return errors.New("npe: no observation")
	}
	kind := m.Config.Summary.Kind
	for i, o := range obs {
		if kind != SummaryMLP && len(o.Trace) != m.samples {
			return fmt.Errorf("npe: observation %d has %d trace samples, the model expects %d", i, len(o.Trace), m.samples)
		}
		if (kind == SummaryMLP || kind == SummaryHybrid) && len(o.Stats) != len(m.StatNames) {
			return fmt.Errorf("npe: observation %d has %d statistics, the %s summary network expects %d", i, len(o.Stats), kind, len(m.StatNames))
		}
	}
	return nil
}

// input builds the summary network's input for a batch of observations
// that checkObs accepts.
func (m *Model) input(obs []Observation) *nn.Mat {
	B := len(obs)
	if m.Config.Summary.Kind == SummaryMLP {
		S := len(m.StatNames)
		x := m.inputBuffer(B, S)
		for b, o := range obs {
			for j, v := range o.Stats {
				x.Data[b*S+j] = m.Norm.Stats.apply(j, float64(v))
			}
		}
		return x
	}
	if m.Config.Summary.conv() {
		stim := m.pooledStimulus()
		L, S := 2*len(stim), 0
		if m.Config.Summary.Kind == SummaryHybrid {
			S = len(m.StatNames)
		}
		x := m.inputBuffer(B, L+S)
		for b, o := range obs {
			row := x.Row(b)
			m.pooledSequence(row[:L], o.Trace, stim)
			for j, v := range o.Stats[:S] {
				row[L+j] = m.Norm.Stats.apply(j, float64(v))
			}
		}
		return x
	}
	T := m.samples
	x := m.inputBuffer(T*B, 2)
	stim := make([]float32, T)
	for t, v := range m.stimulus {
		stim[t] = m.Norm.Stimulus.apply(0, v)
	}
	for b, o := range obs {
		for t, v := range o.Trace {
			r := (t*B + b) * 2
			x.Data[r] = m.Norm.Voltage.apply(0, float64(v))
			x.Data[r+1] = stim[t]
		}
	}
	return x
}

// inputBuffer returns the model's input buffer as a rows x cols matrix
// whose every element input overwrites. It stays valid until the next
// input: the summary network keeps it until Backward.
func (m *Model) inputBuffer(rows, cols int) *nn.Mat {
	m.in = reuseMat(m.in, rows, cols)
	return m.in
}

// thetaMat standardizes rows of parameters (n x P) in unconstrained space.
func (m *Model) thetaMat(theta []float64) (*nn.Mat, error) {
	P := len(m.Names)
	out := nn.NewMat(len(theta)/P, P)
	for i, v := range theta {
		u, err := m.priors[i%P].Unconstrain(v)
		if err != nil {
			return nil, fmt.Errorf("npe: %s: %w", m.Names[i%P], err)
		}
		out.Data[i] = m.Norm.Theta.apply(i%P, u)
	}
	return out, nil
}

// Loss runs the forward pass on a batch and returns -mean log q(theta | x)
// in standardized unconstrained coordinates; Backward must follow before
// the next Loss when training.
func (m *Model) Loss(obs []Observation, theta []float64) (float64, error) {
	if err := m.checkObs(obs); err != nil {
		return 0, err
	}
	if P := len(m.Names); len(theta) != len(obs)*P {
		return 0, fmt.Errorf("npe: %d parameter values for %d observations of %d parameters", len(theta), len(obs), P)
	}
	th, err := m.thetaMat(theta)
	if err != nil {
		return 0, err
	}
	ctx := m.summary.Forward(m.input(obs))
	return m.flow.ForwardLoss(th, ctx), nil
}

// Backward accumulates the gradients of the last Loss into Params.
func (m *Model) Backward() { m.summary.Backward(m.flow.BackwardLoss()) }

// Posterior holds draws for one observation.
type Posterior struct {
	Draws    [][]float64 // n x P, in the parameters' units
	Rejected int         // draws outside the prior's support, discarded and redrawn
	Drawn    int         // all draws made, including rejected ones
}

// Leakage returns the fraction of draws that fell outside the prior's support.
func (p Posterior) Leakage() float64 { return float64(p.Rejected) / float64(max(p.Drawn, 1)) }

// Sample draws n parameter sets from q(theta | obs) for each observation,
// all observations in one batched pass. Draws outside the prior's support
// are rejected and redrawn (at most 10 rounds).
func (m *Model) Sample(obs []Observation, n int, rng *rand.Rand) ([]Posterior, error) {
	if n <= 0 {
		return nil, fmt.Errorf("npe: number of draws must be positive, got %d", n)
	}
	if err := m.checkObs(obs); err != nil {
		return nil, err
	}
	if n > MaxDraws/len(obs) {
		return nil, fmt.Errorf("npe: %d draws for each of %d observations exceed the limit MaxDraws = %d", n, len(obs), MaxDraws)
	}
	ctx := m.summarize(obs)
	out := make([]Posterior, len(obs))
	for i := range out {
		out[i].Draws = make([][]float64, 0, n)
	}
	need := n
	for round := 0; round < 10 && need > 0; round++ {
		z := m.flow.SampleBatch(ctx, need, rng)
		thetas, ok := m.naturalRows(z)
		need = 0
		for i := range obs {
			for k := range z.Rows / len(obs) {
				if len(out[i].Draws) >= n {
					break
				}
				r := i*(z.Rows/len(obs)) + k
				out[i].Drawn++
				if !ok[r] {
					out[i].Rejected++
					continue
				}
				out[i].Draws = append(out[i].Draws, thetas[r])
			}
			need = max(need, n-len(out[i].Draws))
		}
	}
	for i := range out {
		if len(out[i].Draws) < n {
			return nil, fmt.Errorf("npe: observation %d: only %d of %d draws inside the prior's support after 10 rounds (leakage %.0f %%)",
				i, len(out[i].Draws), n, 100*out[i].Leakage())
		}
	}
	return out, nil
}

// Summaries returns the summary vectors of observations (B x Out), the
// learned space in which typicality is tested, or an error for an
// observation the summary network cannot read.
func (m *Model) Summaries(obs []Observation) (*nn.Mat, error) {
	if err := m.checkObs(obs); err != nil {
		return nil, err
	}
	return m.summarize(obs), nil
}

// summaryChunk is the most observations one forward pass of the summary
// network takes outside training: the layers keep their activations for a
// backward pass, which for an LSTM over 1,000 traces of 600 samples is more
// than 500 MB, so inference runs in chunks (rows are independent, so the
// result does not depend on the chunking).
const summaryChunk = 64

// summarize returns the summary network's output for obs (checked by
// checkObs), computed in chunks of summaryChunk observations.
func (m *Model) summarize(obs []Observation) *nn.Mat {
	var out *nn.Mat
	for lo := 0; lo < len(obs); lo += summaryChunk {
		part := m.summary.Forward(m.input(obs[lo:min(lo+summaryChunk, len(obs))]))
		if out == nil {
			out = nn.NewMat(len(obs), part.Cols)
		}
		copy(out.Data[lo*part.Cols:], part.Data)
	}
	return out
}

// Replica returns a model that shares m's weights but has its own
// gradients and layer caches, so two goroutines can run forward and backward
// passes on different parts of a batch at once (data-parallel training).
func (m *Model) Replica() (*Model, error) {
	r := &Model{Config: m.Config, Generative: m.Generative, Experiment: m.Experiment, Names: m.Names, StatNames: m.StatNames, Norm: m.Norm, Seed: m.Seed,
		Warnings: m.Warnings}
	if err := r.init(-1); err != nil {
		return nil, err
	}
	rp, mp := r.Params(), m.Params()
	for i := range rp {
		rp[i].Value = mp[i].Value
	}
	r.flow.SetInitialized(m.flow.Initialized())
	return r, nil
}

// Initialized reports whether the flow's data-dependent initialization has
// run (on the first training batch).
func (m *Model) Initialized() bool { return m.flow.Initialized() }

// MarkInitialized records that the shared flow weights were initialized by
// another replica.
func (m *Model) MarkInitialized() { m.flow.SetInitialized(true) }

// Priors returns the priors of the inferred parameters, in column order.
func (m *Model) Priors() []prior.Distribution { return slices.Clone(m.priors) }

// IsLAA reports whether the model is the LAA neuron's (Experiment holds
// its configuration).
func (m *Model) IsLAA() bool { return m.Generative == nil || m.Generative.Kind() == neuron.Kind }

// declaredGeneric is declaredLAA for a model other than the LAA neuron:
// priors and the observation's length come from m.Generative, and the
// mlp's features are its hand-made ones or the observation itself.
func (m *Model) declaredGeneric() error {
	g := m.Generative
	if err := model.Check(g); err != nil {
		return fmt.Errorf("npe: %w", err)
	}
	if names := model.Names(g); !slices.Equal(names, m.Names) {
		return fmt.Errorf("npe: parameter names %v do not match model %s's %v", m.Names, g.Kind(), names)
	}
	m.priors, m.samples = model.Priors(g), g.Observation().Length
	if k := m.Config.Summary.Kind; k == SummaryMLP || k == SummaryHybrid {
		if err := sameNames("feature", m.StatNames, dataset.FeatureNames(g), "model "+g.Kind()+"'s"); err != nil {
			return fmt.Errorf("npe: %w", err)
		}
	} else if len(m.StatNames) > 0 && !slices.Equal(m.StatNames, dataset.FeatureNames(g)) {
		return fmt.Errorf("npe: features %v are not model %s's", m.StatNames, g.Kind())
	}
	return nil
}

// protocolGeneric takes the model's input as the second channel of the
// convolutional and recurrent summaries (zeros for a model without one).
func (m *Model) protocolGeneric() error {
	m.stimulus = m.Generative.Observation().Input
	if m.stimulus == nil {
		m.stimulus = make([]float64, m.samples)
	}
	return nil
}

// features returns the features the mlp reads for observation x: the LAA
// protocol's statistics, another model's hand-made features, or x itself.
func (m *Model) features(x []float64) ([]float64, error) {
	if m.IsLAA() {
		st := make([]float64, m.layout.Len())
		return st, m.layout.Compute(x, st)
	}
	if f, ok := m.Generative.(model.Featurer); ok {
		st := make([]float64, len(m.StatNames))
		if err := f.Features(x, st); err != nil {
			return nil, fmt.Errorf("npe: features: %w", err)
		}
		return st, nil
	}
	return slices.Clone(x), nil
}
