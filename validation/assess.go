// Package validation checks a trained amortized posterior on held-out
// simulations: calibration (SBC, ECDF bands, coverage, TARP jointly), recovery (bias,
// NRMSE, contraction, z-scores), a posterior predictive check and
// typicality tests. Package comparison holds the posterior against the
// exact one, package trust judges a recording's posterior, and package
// diagreport draws them all into one HTML report.
package validation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/prior"
)

// Options tune Assess; zero fields take the defaults in brackets.
type Options struct {
	Sims     int    // held-out simulations to assess [1000, or all if fewer]
	Draws    int    // posterior draws per simulation [200]
	PPCDraws int    // posterior predictive simulations for the example [200]
	Seed     uint64 // every random draw flows from it
	// CalibrationTolerance is the largest calibration error (median
	// |empirical - nominal| coverage) a calibrated parameter may have [0.05].
	CalibrationTolerance float64
	Progress             func(done, total int) // posterior sampling progress
}

func (o Options) withDefaults(n int) Options {
	if o.Sims <= 0 {
		o.Sims = 1000
	}
	o.Sims = min(o.Sims, n)
	if o.Draws <= 0 {
		o.Draws = 200
	}
	if o.PPCDraws <= 0 {
		o.PPCDraws = 200
	}
	if o.CalibrationTolerance <= 0 {
		o.CalibrationTolerance = 0.05
	}
	return o
}

// ParamResult collects the metrics of one parameter.
type ParamResult struct {
	Name     string                  `json:"name"`
	Unit     string                  `json:"unit"`
	PriorSD  float64                 `json:"prior_sd"`
	SBC      diagnose.SBCResult      `json:"sbc"`
	Coverage diagnose.CoverageResult `json:"coverage"`
	Recovery diagnose.RecoveryResult `json:"recovery"` // in the parameter's units
	// Unconstrained is the recovery in the coordinates the flow models (log
	// for a log-normal prior), where the prior is Gaussian: its contraction
	// and z-scores are the ones reported, as natural units let a few wide
	// posteriors of log-normal parameters dominate the mean contraction.
	Unconstrained diagnose.RecoveryResult `json:"recovery_unconstrained"`
	Calibrated    bool                    `json:"calibrated"`
}

// Example is one held-out simulation examined in detail.
type Example struct {
	Index    int                `json:"index"` // row of the test set
	Truth    []float64          `json:"truth"`
	Observed []float64          `json:"observed"`
	Draws    [][]float64        `json:"-"`
	Summary  []diagnose.Summary `json:"summary"`
	PPC      diagnose.PPC       `json:"ppc"`
	Leakage  float64            `json:"leakage"`
}

// Result is everything Assess measured.
type Result struct {
	Names      []string       `json:"param_names"`
	Priors     []neuron.Prior `json:"-"`
	Sims       int            `json:"sims"`
	Draws      int            `json:"draws_per_sim"`
	Truths     [][]float64    `json:"-"`
	Posterior  [][][]float64  `json:"-"` // Sims x Draws x P
	Params     []ParamResult  `json:"params"`
	Leakage    float64        `json:"leakage"`          // share of draws rejected outside the prior's support
	MillisPer  float64        `json:"ms_per_posterior"` // wall time per posterior of Draws draws, batched
	Example    Example        `json:"example"`
	Typicality []Case         `json:"typicality"`
	// TARP is the joint calibration check (Lemos et al. 2023) of all
	// parameters at once, in the coordinates the flow models.
	TARP            diagnose.TARPResult `json:"tarp"`
	JointCalibrated bool                `json:"joint_calibrated"` // TARP area error under the tolerance, ECP inside its band
	Time            []float64           `json:"-"`
	Stimulus        []float64           `json:"-"`
	Tolerance       float64             `json:"calibration_tolerance"` // Options.CalibrationTolerance
	Calibrated      bool                `json:"calibrated"`            // every parameter calibrated
	Warnings        []string            `json:"warnings,omitempty"`
	// Skipped names each diagnostic the model's abilities do not allow,
	// with the reason; the report shows them.
	Skipped []string `json:"skipped,omitempty"`
}

// Assess draws posteriors for held-out simulations and computes every
// diagnostic.
func Assess(m *npe.Model, test *dataset.Set, opt Options) (*Result, error) {
	opt = opt.withDefaults(test.N)
	if err := m.CheckSet(test); err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	if test.T != m.Samples() {
		return nil, fmt.Errorf("validation: test traces have %d samples, the model expects %d", test.T, m.Samples())
	}
	if len(test.Meta.Names) != len(m.Names) {
		return nil, fmt.Errorf("validation: test set has parameters %v, the model infers %v", test.Meta.Names, m.Names)
	}
	params := m.Generative.Parameters()
	priors := make([]neuron.Prior, len(params))
	for j, p := range params {
		priors[j] = prior.SpecOf(p.Prior)
	}
	res := &Result{Names: m.Names, Priors: priors, Tolerance: opt.CalibrationTolerance, Sims: opt.Sims, Draws: opt.Draws, Time: test.Time, Stimulus: test.Stimulus}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x61737365))
	const chunk = 50
	t0 := time.Now()
	drawn, rejected := 0, 0
	for lo := 0; lo < opt.Sims; lo += chunk {
		hi := min(lo+chunk, opt.Sims)
		obs := make([]npe.Observation, 0, hi-lo)
		for i := lo; i < hi; i++ {
			obs = append(obs, npe.FromSet(test, i))
			res.Truths = append(res.Truths, test.Theta[i*test.P:(i+1)*test.P])
		}
		posts, err := m.Sample(obs, opt.Draws, rng)
		if err != nil {
			return nil, err
		}
		for _, p := range posts {
			res.Posterior = append(res.Posterior, p.Draws)
			drawn += p.Drawn
			rejected += p.Rejected
		}
		if opt.Progress != nil {
			opt.Progress(hi, opt.Sims)
		}
	}
	res.MillisPer = float64(time.Since(t0).Milliseconds()) / float64(opt.Sims)
	res.Leakage = float64(rejected) / float64(max(drawn, 1))
	priorSD := make([]float64, len(priors))
	for j, p := range priors {
		priorSD[j] = math.Sqrt(p.Variance())
	}
	sbc, err := diagnose.SBC(res.Truths, res.Posterior, diagnose.SBCConfig{})
	if err != nil {
		return nil, err
	}
	cov, err := diagnose.Coverage(res.Truths, res.Posterior, diagnose.CoverageConfig{Tolerance: opt.CalibrationTolerance})
	if err != nil {
		return nil, err
	}
	rec, err := diagnose.Recovery(res.Truths, res.Posterior, diagnose.RecoveryConfig{PriorSD: priorSD})
	if err != nil {
		return nil, err
	}
	uTruths, uDraws, err := unconstrainedSet(res.Truths, res.Posterior, priors)
	if err != nil {
		return nil, err
	}
	uSD := make([]float64, len(priors))
	for j, p := range priors {
		uSD[j] = p.Distribution().UnconstrainedSD()
	}
	recU, err := diagnose.Recovery(uTruths, uDraws, diagnose.RecoveryConfig{PriorSD: uSD})
	if err != nil {
		return nil, err
	}
	res.TARP, err = diagnose.TARP(uTruths, uDraws, rand.New(rand.NewPCG(opt.Seed, 0x74617270)), diagnose.TARPConfig{ECDF: diagnose.ECDFConfig{Seed: opt.Seed}})
	if err != nil {
		return nil, err
	}
	res.JointCalibrated = res.TARP.AreaError < opt.CalibrationTolerance && !res.TARP.ECDF.Outside
	if res.TARP.Warning != "" {
		res.Warnings = append(res.Warnings, "joint calibration: "+res.TARP.Warning)
	}
	res.Calibrated = true
	for j, name := range m.Names {
		pr := ParamResult{Name: name, Unit: params[j].Unit, PriorSD: priorSD[j], SBC: sbc[j], Coverage: cov[j], Recovery: rec[j], Unconstrained: recU[j]}
		pr.Calibrated = cov[j].CalibrationError < opt.CalibrationTolerance && !sbc[j].ECDF.Outside
		res.Calibrated = res.Calibrated && pr.Calibrated
		for _, w := range []string{sbc[j].Warning, cov[j].Warning} {
			if w != "" {
				res.Warnings = append(res.Warnings, name+": "+w)
			}
		}
		res.Params = append(res.Params, pr)
	}
	if res.Example, err = example(m, test, res, 0, opt, rng); err != nil {
		return nil, err
	}
	if !m.IsLAA() {
		res.Skipped = append(res.Skipped, fmt.Sprintf("typicality: its test cases (a noisier cell, another stimulus, a Hodgkin-Huxley cell) are the LAA neuron's; model %s has none", m.Generative.Kind()))
		return res, nil
	}
	if res.Typicality, err = typicality(m, test, opt); err != nil {
		return nil, err
	}
	return res, nil
}

// unconstrainedSet maps truths (M x P) and draws (M x S x P) to the
// coordinates the flow models (log for a log-normal prior), where the prior
// is Gaussian and calibration and contraction are judged.
func unconstrainedSet(truths [][]float64, posterior [][][]float64, priors []neuron.Prior) ([][]float64, [][][]float64, error) {
	u := func(row []float64) ([]float64, error) {
		out := make([]float64, len(row))
		for j, v := range row {
			var err error
			if out[j], err = priors[j].Distribution().Unconstrain(v); err != nil {
				return nil, fmt.Errorf("validation: %w", err)
			}
		}
		return out, nil
	}
	ut := make([][]float64, len(truths))
	ud := make([][][]float64, len(posterior))
	for m := range truths {
		var err error
		if ut[m], err = u(truths[m]); err != nil {
			return nil, nil, err
		}
		for _, d := range posterior[m] {
			row, err := u(d)
			if err != nil {
				return nil, nil, err
			}
			ud[m] = append(ud[m], row)
		}
	}
	return ut, ud, nil
}

// example examines test row i: its posterior summary and a posterior
// predictive check.
func example(m *npe.Model, test *dataset.Set, res *Result, i int, opt Options, rng *rand.Rand) (Example, error) {
	ex := Example{Index: i, Truth: res.Truths[i], Draws: res.Posterior[i]}
	ex.Observed = make([]float64, test.T)
	for t, v := range test.Traces[i*test.T : (i+1)*test.T] {
		ex.Observed[t] = float64(v)
	}
	var err error
	if ex.Summary, err = diagnose.Summarize(ex.Draws, 0.9); err != nil {
		return ex, err
	}
	if m.IsLAA() {
		ex.PPC, err = Predictive(m.Experiment, ex.Observed, ex.Draws, opt.PPCDraws, rng.Uint64())
		return ex, err
	}
	sim, ok := m.Generative.(model.Simulator)
	if !ok {
		res.Skipped = append(res.Skipped, fmt.Sprintf("posterior predictive check: model %s cannot simulate (%s)", m.Generative.Kind(), cannotSimulate(m.Generative)))
		return ex, nil
	}
	ex.PPC, err = PredictiveModel(sim, ex.Observed, ex.Draws, opt.PPCDraws, rng.Uint64())
	return ex, err
}

// The physical voltage range of a posterior predictive simulation. A
// membrane potential below MinPhysicalMV or above MaxPhysicalMV (mV) is
// not a neuron's: no reversal potential lies beyond it, so a simulated
// trace that leaves it comes from parameters the data cannot support (a
// network extrapolating far from its training data, a posterior far
// outside the prior), and its values would swamp the predictive bands and
// scores of the draws that stay inside.
const (
	MinPhysicalMV = -250
	MaxPhysicalMV = 150
)

// MinPredictiveDraws is the fewest usable draws a posterior predictive
// check is computed from.
const MinPredictiveDraws = 10

// Predictive simulates n noisy traces from posterior draws (the first n,
// cycling if fewer; draw k uses noise stream neuron.Stream(seed, k)) and
// compares the observed trace with them. Draws whose simulation fails
// (invalid or absurd parameters) or leaves [MinPhysicalMV, MaxPhysicalMV]
// are left out: the check is that of the kept draws alone, PPC.Draws is
// n, PPC.Excluded the number left out, and Warning says what fraction.
// Fewer than MinPredictiveDraws kept draws is an error that says why.
func Predictive(exp neuron.Config, observed []float64, draws [][]float64, n int, seed uint64) (diagnose.PPC, error) {
	if n <= 0 || len(draws) == 0 {
		return diagnose.PPC{}, fmt.Errorf("validation: posterior predictive check needs draws (got %d draws, %d simulations)", len(draws), n)
	}
	sim, err := neuron.NewSimulator(exp)
	if err != nil {
		return diagnose.PPC{}, err
	}
	T := sim.NumSamples()
	ps := make([]neuron.Params, n)
	rngs := make([]*rand.Rand, n)
	for k := range n {
		ps[k], _ = exp.Params(draws[k%len(draws)]) // invalid sets fail in Simulate
		rngs[k] = neuron.Stream(seed, uint64(k))
	}
	flat := make([]float64, n*T)
	ok := make([]bool, n)
	if err := sim.Simulate(ps, rngs, flat); err == nil {
		for k := range ok {
			ok[k] = true
		}
	} else { // find the draws that fail, one at a time
		for k := range n {
			ok[k] = sim.Simulate(ps[k:k+1], []*rand.Rand{neuron.Stream(seed, uint64(k))}, flat[k*T:(k+1)*T]) == nil
		}
	}
	var sims [][]float64
	failed, outside := 0, 0
	for k := range n {
		trace := flat[k*T : (k+1)*T]
		switch {
		case !ok[k]:
			failed++
		case !physical(trace):
			outside++
		default:
			sims = append(sims, trace)
		}
	}
	excluded := failed + outside
	why := func() string {
		var parts []string
		if failed > 0 {
			parts = append(parts, fmt.Sprintf("%d failed to simulate", failed))
		}
		if outside > 0 {
			parts = append(parts, fmt.Sprintf("%d left the physical range [%d, %d] mV", outside, MinPhysicalMV, MaxPhysicalMV))
		}
		return strings.Join(parts, ", ")
	}
	if len(sims) < MinPredictiveDraws {
		return diagnose.PPC{Draws: n, Excluded: excluded}, fmt.Errorf("validation: posterior predictive check: only %d of %d posterior draws simulate to a physical trace, fewer than %d (%s)",
			len(sims), n, MinPredictiveDraws, why())
	}
	ppc, err := diagnose.PredictiveCheck(observed, sims)
	if err != nil {
		return diagnose.PPC{}, fmt.Errorf("validation: posterior predictive check: %w", err)
	}
	ppc.Draws, ppc.Excluded = n, excluded
	if excluded > 0 {
		w := fmt.Sprintf("%d of %d posterior draws (%s %%) were left out of the predictive check (%s)",
			excluded, n, strconv.FormatFloat(100*float64(excluded)/float64(n), 'g', 3, 64), why())
		if ppc.Warning != "" {
			w = ppc.Warning + "; " + w
		}
		ppc.Warning = w
	}
	return ppc, nil
}

// physical reports whether every value of a simulated trace lies in
// [MinPhysicalMV, MaxPhysicalMV] (NaN does not).
func physical(trace []float64) bool {
	for _, v := range trace {
		if !(v >= MinPhysicalMV && v <= MaxPhysicalMV) {
			return false
		}
	}
	return true
}

// PredictiveModel is Predictive for any simulating model: n simulations
// from the first n posterior draws (cycling if fewer; simulation k draws
// from model.Stream(seed, k)), compared with the observed values. A
// failed simulation is an error.
func PredictiveModel(sim model.Simulator, observed []float64, draws [][]float64, n int, seed uint64) (diagnose.PPC, error) {
	if n <= 0 || len(draws) == 0 {
		return diagnose.PPC{}, fmt.Errorf("validation: posterior predictive check needs draws (got %d draws, %d simulations)", len(draws), n)
	}
	P, D := len(sim.Parameters()), sim.Observation().Length
	theta, rngs := make([]float64, 0, n*P), make([]*rand.Rand, n)
	for k := range n {
		theta = append(theta, draws[k%len(draws)]...)
		rngs[k] = model.Stream(seed, uint64(k))
	}
	flat := make([]float64, n*D)
	if err := sim.Simulate(theta, rngs, flat); err != nil {
		return diagnose.PPC{}, fmt.Errorf("validation: posterior predictive check: %w", err)
	}
	sims := make([][]float64, n)
	for k := range sims {
		sims[k] = flat[k*D : (k+1)*D]
	}
	ppc, err := diagnose.PredictiveCheck(observed, sims)
	if err != nil {
		return diagnose.PPC{}, fmt.Errorf("validation: posterior predictive check: %w", err)
	}
	ppc.Draws = n
	return ppc, nil
}

// cannotSimulate says why a model cannot simulate: its own reason when it
// gives one (an external model whose description file is not at hand),
// else that it has no simulator.
func cannotSimulate(m model.Model) string {
	if r, ok := m.(interface{ NotSimulated() string }); ok {
		if why := r.NotSimulated(); why != "" {
			return why
		}
	}
	return "it has no simulator"
}
