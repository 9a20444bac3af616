// Package comparison holds a trained amortized posterior against the
// exact posterior of the LAA neuron's likelihood, sampled by MCMC
// (package reference), on held-out observations: C2ST with its noise
// floor from a second, independent reference run, differences of means,
// ratios of sds and Wasserstein distances per parameter, and optionally
// the exact correction (package exact) held against the same reference.
// It writes and reads the comparison's files (compare.json, compare.csv,
// the marginals figure) and keeps a cache of reference draws that other
// comparisons reuse.
package comparison

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/reference"
)

// Row holds, for one held-out observation, how the neural
// posterior differs from the reference (MCMC) posterior.
type Row struct {
	Index      int       `json:"index"` // row of the test set
	C2ST       float64   `json:"c2st"`  // classifier accuracy: 0.5 = indistinguishable
	MeanDiffSD []float64 `json:"mean_diff_in_sd"`
	SDRatio    []float64 `json:"sd_ratio"`    // neural sd / reference sd
	W1         []float64 `json:"wasserstein"` // 1-D Wasserstein distance, parameter units
	MaxRHat    float64   `json:"max_rhat"`    // of the reference chains
	NeuralMs   float64   `json:"neural_ms"`   // time for the neural posterior
	MCMCSec    float64   `json:"mcmc_seconds"`
	// CrossRun is the reference's own noise floor on this observation: a
	// second, independent run and its C2ST against the first. Nil where it
	// was not run (and in comparisons written before it existed).
	CrossRun *CrossRun `json:"cross_run,omitempty"`
	// ReferenceCached says that the reference was loaded from
	// Options.References rather than sampled: MCMCSec, MaxRHat and
	// Warnings are then those of the run when it was made.
	ReferenceCached bool `json:"reference_cached,omitempty"`
	// Exact is the exact correction of the neural posterior held against
	// the reference (Options.Exact); nil where it was not run.
	Exact    *ExactRow `json:"exact,omitempty"`
	Warnings []string  `json:"warnings,omitempty"`
	neural   [][]float64
	ref      [][]float64
	truth    []float64
}

// Result is the neural posterior held against the reference posterior
// on several held-out observations.
type Result struct {
	Names     []string  `json:"param_names"`
	Rows      []Row     `json:"rows"`
	MeanC2ST  float64   `json:"mean_c2st"`
	MeanDiff  []float64 `json:"mean_abs_mean_diff_in_sd"`
	MeanRatio []float64 `json:"mean_sd_ratio"`
	MeanW1    []float64 `json:"mean_wasserstein"`
	NeuralMs  float64   `json:"neural_ms_per_posterior"`
	MCMCSec   float64   `json:"mcmc_seconds_per_posterior"`
	// Calibration error (median |empirical - nominal| coverage of central
	// intervals) of each posterior over the observations, per parameter:
	// the reference's checks the sampler, the neural one the network.
	ReferenceCalibration []float64 `json:"reference_calibration_error"`
	NeuralCalibration    []float64 `json:"neural_calibration_error"`

	// NoiseFloor is the mean C2ST between two independent runs of the
	// reference over the NoiseFloorObs observations that had one (see
	// CrossRun): the C2ST a perfect neural posterior would read. Unknown
	// when NoiseFloorObs is 0.
	NoiseFloor    float64 `json:"mean_noise_floor_c2st"`
	NoiseFloorObs int     `json:"noise_floor_obs"`
	CrossRunSec   float64 `json:"cross_run_seconds_per_posterior"` // MCMC time of the second runs
	// Subsample says how the reference draws were reduced to the compared
	// number: "random" (without replacement). Empty in comparisons written
	// before it: those thinned the chains evenly, which reads C2ST high.
	Subsample string `json:"reference_subsample,omitempty"`
	// Exact averages the exact correction over the observations
	// (Options.Exact); nil when it was not run.
	Exact    *ExactSummary `json:"exact,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	// Absent, when not empty, says why there is no comparison (the
	// likelihood is intractable, say); Rows is then empty.
	Absent string `json:"absent,omitempty"`
}

// Options tune Run; zero fields take the defaults in brackets.
type Options struct {
	Obs   int               // held-out observations, the first ones of the test set [20]
	Draws int               // neural draws per observation, and the most reference draws used [2000]
	MCMC  reference.Options // the sampler's options; Init and Seed are set per run
	// CrossRuns is the number of observations, the first ones, whose
	// reference is sampled a second time for the noise floor [all];
	// negative: none.
	CrossRuns int
	Seed      uint64
	Progress  func(done, total int)

	// References, when not empty, is a directory of cached reference
	// draws (see refcache.go): an observation whose runs it holds
	// loads them instead of sampling, one whose runs it lacks samples them
	// and saves them there. A reference made under another experiment, or
	// for another trace, is refused with an error.
	References string
	// TestSet names the test set (its file) in the cached references'
	// manifests; information only, the traces themselves are checked.
	TestSet string
	// Exact also corrects each neural posterior to the exact one
	// (exact.Posterior) and compares the corrected draws with the
	// reference: C2ST, route, k-hat, ESS and seconds.
	Exact bool
}

// Random streams of Run, per observation i: stream + i of the seed.
const (
	neuralStream    = 0x636d70 << 20
	subsampleStream = 0x737562 << 20
	crossRunSeed    = 1 << 40 // added to the seed of the second reference run
)

// Run draws the neural and the reference posterior for the first Obs
// test observations and compares them: C2ST, differences of means in
// reference sds, ratios of sds and Wasserstein distances per parameter.
// The reference chains start from neural draws (shorter burn-in); the
// reference draws compared are a random subsample, without replacement,
// of all chains' draws. For the first CrossRuns observations the
// reference is sampled again from the prior with another seed, and the
// C2ST between the two runs is the comparison's noise floor. With
// References, the runs come from and go to that directory; with Exact, the
// exact correction is compared too.
func Run(m *npe.Model, test *dataset.Set, opt Options) (*Result, error) {
	if err := m.CheckSet(test); err != nil {
		return nil, fmt.Errorf("comparison: %w", err)
	}
	if opt.Obs <= 0 {
		opt.Obs = 20
	}
	if opt.Draws <= 0 {
		opt.Draws = 2000
	}
	opt.Obs = min(opt.Obs, test.N)
	switch {
	case opt.CrossRuns == 0:
		opt.CrossRuns = opt.Obs
	case opt.CrossRuns < 0:
		opt.CrossRuns = 0
	}
	c := &Result{Names: m.Names, Subsample: "random"}
	var cache *refCache
	if opt.References != "" {
		var err error
		if cache, err = newRefCache(opt.References, opt.TestSet, m.Experiment, m.Names); err != nil {
			return nil, err
		}
	}
	for i := range opt.Obs {
		row, err := compareOne(m, test, i, i < opt.CrossRuns, opt, cache)
		if err != nil {
			return nil, err
		}
		c.Rows = append(c.Rows, row)
		if opt.Progress != nil {
			opt.Progress(i+1, opt.Obs)
		}
	}
	c.average()
	if err := c.calibration(); err != nil {
		return nil, err
	}
	return c, nil
}

// Where a run's chains start (refRun.Start).
const (
	startNeural = "neural draws (of the model compared when the run was made)"
	startPrior  = "prior"
)

// compareOne compares the posteriors of test row i, with the cross-run
// check when cross is true; cache, when not nil, holds the references.
func compareOne(m *npe.Model, test *dataset.Set, i int, cross bool, opt Options, cache *refCache) (Row, error) {
	row := Row{Index: i, truth: test.Theta[i*test.P : (i+1)*test.P]}
	trace := make([]float64, test.T)
	for t, v := range test.Traces[i*test.T : (i+1)*test.T] {
		trace[t] = float64(v)
	}
	lp, err := reference.NewLogPosterior(m.Experiment, trace)
	if err != nil {
		return row, fmt.Errorf("comparison: reference posterior of observation %d: %w", i, err)
	}
	t0 := time.Now()
	posts, err := m.Sample([]npe.Observation{npe.FromSet(test, i)}, opt.Draws, rand.New(rand.NewPCG(opt.Seed, neuralStream+uint64(i))))
	if err != nil {
		return row, err
	}
	row.NeuralMs = float64(time.Since(t0).Microseconds()) / 1000
	row.neural = posts[0].Draws
	var mf *refManifest
	if cache != nil {
		if mf, err = cache.manifest(i, trace); err != nil {
			return row, err
		}
	}
	sub := subsampleRNG(opt.Seed, i)
	get := func(name string, mo reference.Options, start string) (*refRun, error) {
		sample := func() (*refRun, error) { return sampleRun(lp, mo, opt.Draws, sub, start) }
		if cache == nil {
			return sample()
		}
		return cache.run(mf, name, opt.Draws, sub, sample)
	}
	mo := opt.MCMC
	mo.Seed = opt.Seed + uint64(i)
	mo.Init = row.neural[:min(len(row.neural), 200)]
	first, err := get(runMain, mo, startNeural)
	if err != nil {
		return row, fmt.Errorf("comparison: reference posterior of observation %d: %w", i, err)
	}
	row.MCMCSec, row.Warnings, row.MaxRHat, row.ref, row.ReferenceCached = first.Seconds, first.Warnings, first.MaxRHat, first.Draws, first.Cached
	if err := row.measure(opt.Seed); err != nil {
		return row, err
	}
	if cross {
		mo.Seed += crossRunSeed
		mo.Init = nil
		second, err := get(runCross, mo, startPrior)
		if err == nil {
			row.CrossRun, err = crossFromRun(row.ref, second, mo.Seed)
		}
		if err != nil {
			return row, fmt.Errorf("comparison: second reference run of observation %d: %w", i, err)
		}
	}
	if opt.Exact {
		if row.Exact, err = compareExact(m, trace, row.ref, i, opt); err != nil {
			return row, err
		}
	}
	return row, nil
}

// subsampleRNG returns the stream that subsamples the reference draws of
// observation i at random (see diagnose.SubsampleRows): MCMC draws are
// autocorrelated, so the first n draws, or every k-th, would not spread
// over the posterior as n independent draws do, and two runs of one exact
// posterior would read C2ST 0.58-0.64 against each other instead of 0.51.
func subsampleRNG(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, subsampleStream+uint64(i)))
}

// maxRHat returns the largest R-hat of a run, skipping undefined (NaN)
// ones, which the run's warnings name; 0 when none is defined.
func maxRHat(res *reference.Result) float64 {
	m := 0.0
	for _, r := range res.RHat {
		if r > m {
			m = r
		}
	}
	return m
}

// calibration fills the coverage calibration errors of both posteriors.
func (c *Result) calibration() error {
	truths := make([][]float64, len(c.Rows))
	neural := make([][][]float64, len(c.Rows))
	ref := make([][][]float64, len(c.Rows))
	for i, r := range c.Rows {
		truths[i], neural[i], ref[i] = r.truth, r.neural, r.ref
	}
	for _, s := range []struct {
		draws [][][]float64
		dst   *[]float64
	}{{ref, &c.ReferenceCalibration}, {neural, &c.NeuralCalibration}} {
		cov, err := diagnose.Coverage(truths, s.draws, diagnose.CoverageConfig{})
		if err != nil {
			return err
		}
		for _, cv := range cov {
			*s.dst = append(*s.dst, cv.CalibrationError)
		}
	}
	return nil
}

// measure computes the row's metrics from its two samples.
func (r *Row) measure(seed uint64) error {
	// The reference first: as in sbibm's c2st(reference, algorithm), its
	// draws set the z-scoring.
	c2st, err := diagnose.C2ST(r.ref, r.neural, diagnose.C2STConfig{Seed: seed})
	if err != nil {
		return err
	}
	r.C2ST = c2st.Accuracy
	if r.W1, err = diagnose.Wasserstein1Columns(r.neural, r.ref); err != nil {
		return err
	}
	sn, err := diagnose.Summarize(r.neural, 0.9)
	if err != nil {
		return err
	}
	sr, err := diagnose.Summarize(r.ref, 0.9)
	if err != nil {
		return err
	}
	for j := range sn {
		if !(sr[j].SD > 0) {
			return fmt.Errorf("comparison: the reference draws of observation %d do not vary in dimension %d (stuck chains)", r.Index, j)
		}
		r.MeanDiffSD = append(r.MeanDiffSD, (sn[j].Mean-sr[j].Mean)/sr[j].SD)
		r.SDRatio = append(r.SDRatio, sn[j].SD/sr[j].SD)
	}
	return nil
}

// average fills the means over rows, the noise floor and the warnings.
func (c *Result) average() {
	P := len(c.Names)
	c.MeanDiff, c.MeanRatio, c.MeanW1 = make([]float64, P), make([]float64, P), make([]float64, P)
	n := float64(len(c.Rows))
	for _, r := range c.Rows {
		c.MeanC2ST += r.C2ST / n
		c.NeuralMs += r.NeuralMs / n
		c.MCMCSec += r.MCMCSec / n
		for j := range P {
			c.MeanDiff[j] += math.Abs(r.MeanDiffSD[j]) / n
			c.MeanRatio[j] += r.SDRatio[j] / n
			c.MeanW1[j] += r.W1[j] / n
		}
	}
	c.noiseFloor()
	c.summarizeExact()
}
