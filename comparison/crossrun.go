package comparison

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/reference"
)

// MaxNoiseFloor is the largest C2ST two independent runs of the reference
// may read on one observation before the reference counts as not
// reproducible there. Two exact samples of 2,000 draws each read 0.50 with
// a standard deviation of about 0.01; 0.55 leaves room for the
// classifier's small bias above 0.5 and for the MCMC draws' residual
// autocorrelation, and sits well below the 0.6 at which sbi calls two
// samples different.
const MaxNoiseFloor = 0.55

// CrossRun is the reference posterior of one observation sampled a second
// time, independently of the first run: another seed, and chains started
// from prior draws instead of neural draws. The C2ST between the two runs
// is the comparison's noise floor: what a perfect neural posterior would
// read. A floor well above 0.5 says the reference is not reproducible on
// this observation (chains that have not mixed, a mode one run missed), so
// the neural posterior's C2ST there means little.
type CrossRun struct {
	C2ST     float64  `json:"c2st"`         // second run against the first
	MCMCSec  float64  `json:"mcmc_seconds"` // time of the second run
	MaxRHat  float64  `json:"max_rhat"`     // of the second run's chains
	Warnings []string `json:"warnings,omitempty"`
	Cached   bool     `json:"cached,omitempty"` // loaded from Options.References; MCMCSec is the run's when it was made
}

// crossRun samples lp a second time with mo (Init dropped, so the chains
// start from the prior), subsamples n draws at random with rng and
// compares them with ref, the first run's subsample (first, as the
// reference always is: it sets the C2ST's z-scoring).
func crossRun(lp *reference.LogPosterior, ref [][]float64, mo reference.Options, n int, rng *rand.Rand) (*CrossRun, error) {
	mo.Init = nil
	run, err := sampleRun(lp, mo, n, rng, startPrior)
	if err != nil {
		return nil, err
	}
	return crossFromRun(ref, run, mo.Seed)
}

// crossFromRun compares the second run's draws with ref, the first run's,
// by a C2ST seeded with seed.
func crossFromRun(ref [][]float64, run *refRun, seed uint64) (*CrossRun, error) {
	c2st, err := diagnose.C2ST(ref, run.Draws, diagnose.C2STConfig{Seed: seed})
	if err != nil {
		return nil, err
	}
	return &CrossRun{C2ST: c2st.Accuracy, MCMCSec: run.Seconds, MaxRHat: run.MaxRHat, Warnings: run.Warnings, Cached: run.Cached}, nil
}

// noiseFloor averages the rows' cross-run C2ST and adds a warning for
// every observation whose reference is not reproducible.
func (c *Result) noiseFloor() {
	c.NoiseFloor, c.NoiseFloorObs, c.CrossRunSec = 0, 0, 0
	var bad []int
	for _, r := range c.Rows {
		if r.CrossRun == nil {
			continue
		}
		c.NoiseFloorObs++
		c.NoiseFloor += r.CrossRun.C2ST
		c.CrossRunSec += r.CrossRun.MCMCSec
		if r.CrossRun.C2ST > MaxNoiseFloor {
			bad = append(bad, r.Index)
		}
	}
	if c.NoiseFloorObs == 0 {
		return
	}
	c.NoiseFloor /= float64(c.NoiseFloorObs)
	c.CrossRunSec /= float64(c.NoiseFloorObs)
	if len(bad) > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("the reference is not reproducible on test rows %v: two independent MCMC runs read C2ST above %g against each other there, so the neural posterior's C2ST on them is not a measure of its accuracy", bad, MaxNoiseFloor))
	}
	if c.NoiseFloor > MaxNoiseFloor {
		c.Warnings = append(c.Warnings, fmt.Sprintf("mean noise floor %.3f > %g: the reference itself is not reproducible on these observations", c.NoiseFloor, MaxNoiseFloor))
	}
}
