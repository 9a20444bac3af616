package recording

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// noiseTol is the requirement: the noise estimated from a
// simulated baseline lies within 10 % of the truth.
const noiseTol = 0.10

// stepConfig is the non-default protocol: a 150 ms single step
// (1 uA/cm2 from 20 to 120 ms) recorded every stepMs.
func stepConfig(stepMs, dtMs float64) neuron.Config {
	cfg := neuron.Default()
	cfg.DurationMs, cfg.RecordStepMs, cfg.DtMs = 150, stepMs, dtMs
	cfg.Stimulus = neuron.Stimulus{Kind: neuron.StimStep, Start: 20, End: 120, Amplitude: 1}
	return cfg
}

// trueParams are the parameters of the simulated recordings.
var trueParams = neuron.Params{Cm: 1, GL: 0.1, EL: -65, K: 6, Vthr: -50, Gact: 2}

// simulated returns a recording of cfg's experiment simulated with
// observation noise sigma (mV), seeded, the current in uA/cm2.
func simulated(t *testing.T, cfg neuron.Config, sigma float64, seed uint64) Recording {
	t.Helper()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := trueParams
	p.SigmaObs = sigma
	v := make([]float64, sim.NumSamples())
	if err := sim.Simulate([]neuron.Params{p}, []*rand.Rand{rand.New(rand.NewPCG(seed, 14))}, v); err != nil {
		t.Fatal(err)
	}
	r := Recording{TimeMs: sim.Times(), VoltageMV: v, Current: sim.StimulusAtSamples(), CurrentUnit: UnitDensity,
		SampleRateHz: 1000 / cfg.RecordStepMs, Source: "simulated"}
	return r
}

// TestEstimateNoiseOnGrid: the 150 ms step recorded at 10 kHz and prepared
// on its own grid (200 baseline samples before the step at 20 ms).
func TestEstimateNoiseOnGrid(t *testing.T) {
	t.Parallel()
	cfg := stepConfig(0.1, 0.1)
	for _, sigma := range []float64{0.1, 1} {
		rec := simulated(t, cfg, sigma, 1)
		p, err := Prepare(rec, GridOf(cfg, 0))
		if err != nil {
			t.Fatal(err)
		}
		est, err := EstimateNoise(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("sigma %g mV on the grid: estimate %.4g mV", sigma, est.SD)
		if e := math.Abs(est.SD/sigma - 1); e > noiseTol {
			t.Errorf("sigma %g mV: estimate %g mV, off by %.3g; want within %g", sigma, est.SD, e, noiseTol)
		}
		if est.Samples != 200 || est.FromMs != 0 || math.Abs(est.ToMs-20) > 1e-9 {
			t.Errorf("baseline: %d samples from %g to %g ms; want 200 from 0 to 20 ms", est.Samples, est.FromMs, est.ToMs)
		}
		if est.Method == "" {
			t.Error("no method")
		}
	}
}

// TestEstimateNoiseSpread measures the estimator over 40 seeds: its mean
// is within 2 % of the truth (unbiased) and its rms error within 6 %, near
// the 0.71 / sqrt(176 degrees of freedom) = 5.3 % that 200 baseline samples
// allow (so about 1 trace in 20 misses noiseTol by chance).
func TestEstimateNoiseSpread(t *testing.T) {
	t.Parallel()
	cfg := stepConfig(0.1, 0.1)
	var sum, ss float64
	const seeds = 40
	for seed := range uint64(seeds) {
		p, err := Prepare(simulated(t, cfg, 0.1, 100+seed), GridOf(cfg, 0))
		if err != nil {
			t.Fatal(err)
		}
		est, err := EstimateNoise(p)
		if err != nil {
			t.Fatal(err)
		}
		e := est.SD/0.1 - 1
		sum += e
		ss += e * e
	}
	mean, rms := sum/seeds, math.Sqrt(ss/seeds)
	t.Logf("relative error over %d seeds: mean %.4f, rms %.4f", seeds, mean, rms)
	if math.Abs(mean) > 0.02 || rms > 0.06 {
		t.Errorf("relative error: mean %.3g, rms %.3g; want |mean| <= 0.02, rms <= 0.06", mean, rms)
	}
}

// gridNoiseFactor is the factor by which FilterSinc reduces white noise
// when a recording sampled `ratio` times finer than the grid is prepared:
// sqrt(sum w^2) / sum w over the kernel's weights at the recorded samples.
func gridNoiseFactor(ratio int) float64 {
	var s, s2 float64
	for j := -filterHalfWidth * ratio; j <= filterHalfWidth*ratio; j++ {
		w := kernel(float64(j)/float64(ratio), filterHalfWidth)
		s += w
		s2 += w * w
	}
	return math.Sqrt(s2) / s
}

// TestEstimateNoiseFine: a recording at 100 kHz (10 times finer than the
// 0.1 ms grid) with 1 mV noise per recorded sample. The estimate is the
// noise per grid sample after the low-pass filter: 1 mV times
// gridNoiseFactor(10), about 1/sqrt(10).
func TestEstimateNoiseFine(t *testing.T) {
	t.Parallel()
	fine := stepConfig(0.01, 0.01)
	for _, sigma := range []float64{0.1, 1} {
		rec := simulated(t, fine, sigma, 2)
		p, err := Prepare(rec, GridOf(stepConfig(0.1, 0.1), 0))
		if err != nil {
			t.Fatal(err)
		}
		est, err := EstimateNoise(p)
		if err != nil {
			t.Fatal(err)
		}
		f := gridNoiseFactor(10)
		if math.Abs(f*math.Sqrt(10)-1) > 0.05 {
			t.Fatalf("kernel noise factor %g; want about 1/sqrt(10)", f)
		}
		want := sigma * f
		t.Logf("sigma %g mV at 100 kHz: estimate %.4g mV per grid sample, expected %.4g", sigma, est.SD, want)
		if e := math.Abs(est.SD/want - 1); e > noiseTol {
			t.Errorf("sigma %g mV at 100 kHz: estimate %g mV per grid sample, off by %.3g from %g; want within %g", sigma, est.SD, e, want, noiseTol)
		}
		// The first 16 grid samples, whose kernel the start cuts short, are left out.
		if est.FromMs != 1.6 || est.Samples != 184 {
			t.Errorf("baseline from %g ms with %d samples; want from 1.6 ms with 184", est.FromMs, est.Samples)
		}
	}
}

// TestEstimateNoiseDrift: a linear drift of 5 mV and an exponential
// relaxation of 3 mV (tau 10 ms) over the baseline are not noise.
func TestEstimateNoiseDrift(t *testing.T) {
	t.Parallel()
	cfg := stepConfig(0.1, 0.1)
	rec := simulated(t, cfg, 0.1, 3)
	for k, tk := range rec.TimeMs {
		rec.VoltageMV[k] += 5*tk/150 + 3*math.Exp(-tk/10)
	}
	p, err := Prepare(rec, GridOf(cfg, 0))
	if err != nil {
		t.Fatal(err)
	}
	est, err := EstimateNoise(p)
	if err != nil {
		t.Fatal(err)
	}
	if e := math.Abs(est.SD/0.1 - 1); e > noiseTol {
		t.Errorf("with drift and relaxation: estimate %g mV; want 0.1 within %g", est.SD, noiseTol)
	}
}

// TestEstimateNoiseShortBaseline: a step after 1.5 ms leaves 15 samples.
func TestEstimateNoiseShortBaseline(t *testing.T) {
	t.Parallel()
	cfg := stepConfig(0.1, 0.1)
	cfg.Stimulus.Start = 1.5
	p, err := Prepare(simulated(t, cfg, 0.1, 4), GridOf(cfg, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = EstimateNoise(p)
	if err == nil || !strings.Contains(err.Error(), "holds 15 grid samples (0 to 1.5 ms)") {
		t.Fatalf("error %v; want one about 15 samples from 0 to 1.5 ms", err)
	}
	if _, err := EstimateNoise(Prepared{}); err == nil {
		t.Fatal("no error for an empty prepared recording")
	}
}

// TestEstimateNoiseWholeTrace: without a current change the whole trace is
// the baseline; at 100 kHz on a 0.1 ms grid, less the 16 grid samples at
// each end whose kernel is cut short (none with the boxcar).
func TestEstimateNoiseWholeTrace(t *testing.T) {
	t.Parallel()
	fine := stepConfig(0.01, 0.01)
	fine.Stimulus.Amplitude = 0
	rec := simulated(t, fine, 1, 6)
	for _, c := range []struct {
		filter  Filter
		samples int
		from    float64
		want    float64
	}{{FilterSinc, 1468, 1.6, gridNoiseFactor(10)}, {FilterBoxcar, 1500, 0, 1 / math.Sqrt(10)}} {
		g := GridOf(stepConfig(0.1, 0.1), 0)
		g.Filter = c.filter
		p, err := Prepare(rec, g)
		if err != nil {
			t.Fatal(err)
		}
		est, err := EstimateNoise(p)
		if err != nil {
			t.Fatal(err)
		}
		if est.Samples != c.samples || math.Abs(est.FromMs-c.from) > 1e-9 {
			t.Errorf("filter %d: %d samples from %g ms; want %d from %g", c.filter, est.Samples, est.FromMs, c.samples, c.from)
		}
		if e := math.Abs(est.SD/c.want - 1); e > noiseTol {
			t.Errorf("filter %d: estimate %g mV; want %g within %g", c.filter, est.SD, c.want, noiseTol)
		}
		t.Logf("filter %d: whole trace, %d samples: estimate %.4g mV, expected %.4g", c.filter, est.Samples, est.SD, c.want)
	}
}
