package comparison

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/reference"
)

// TestReferenceSubsampleSeededWithoutReplacement: Run's subsample of
// the reference draws depends only on (seed, observation), repeats no
// draw, and is neither the first draws nor an even thinning.
func TestReferenceSubsampleSeededWithoutReplacement(t *testing.T) {
	t.Parallel()
	const rows, n = 10000, 500
	all := make([][]float64, rows)
	for i := range all {
		all[i] = []float64{float64(i)}
	}
	pick := func(seed uint64, obs int) []int {
		var idx []int
		for _, r := range diagnose.SubsampleRows(all, n, subsampleRNG(seed, obs)) {
			idx = append(idx, int(r[0]))
		}
		return idx
	}
	a, b, otherObs, otherSeed := pick(1, 3), pick(1, 3), pick(1, 4), pick(2, 3)
	if len(a) != n {
		t.Fatalf("%d rows, want %d", len(a), n)
	}
	seen := map[int]bool{}
	sum, same := 0, 0
	for k := range a {
		if a[k] != b[k] {
			t.Fatal("the same seed and observation gave another subsample")
		}
		if seen[a[k]] {
			t.Fatalf("row %d drawn twice", a[k])
		}
		seen[a[k]] = true
		sum += a[k]
		if a[k] == otherObs[k] || a[k] == otherSeed[k] {
			same++
		}
	}
	if same > n/20 {
		t.Errorf("another observation or seed agrees on %d of %d rows", same, n)
	}
	// Neither the first n rows nor evenly spaced ones: the mean index of a
	// uniform sample is (rows-1)/2 with sd about rows/sqrt(12 n).
	if m := float64(sum) / n; m < 0.45*rows || m > 0.55*rows {
		t.Errorf("mean row index %.0f, want about %d", m, rows/2)
	}
	evenly := 0
	for _, i := range a {
		if i%(rows/n) == 0 {
			evenly++
		}
	}
	if evenly > n/5 {
		t.Errorf("%d of %d rows on the even grid", evenly, n)
	}
}

// TestReferenceRunsAgree: two runs of the reference on one LAA observation,
// one started near the truth (as from neural draws) and one from the prior
// with another seed, read a C2ST within the noise floor's bound.
func TestReferenceRunsAgree(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	theta := []float64{1.1, 0.09, -64, 5, -49}
	obs, err := simulateOne(cfg, theta, 3)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := reference.NewLogPosterior(cfg, obs)
	if err != nil {
		t.Fatal(err)
	}
	const draws = 1000
	rng := rand.New(rand.NewPCG(5, 0))
	init := make([][]float64, 200) // a too-wide cloud around the truth, standing in for neural draws
	for i := range init {
		init[i] = make([]float64, len(theta))
		for j, v := range theta {
			init[i][j] = v * (1 + 0.02*rng.NormFloat64())
		}
	}
	mo := reference.Options{Burnin: 300, Iterations: 400, MaxIterations: 400, Seed: 7, Init: init}
	t0 := time.Now()
	first, err := lp.Sample(mo)
	if err != nil {
		t.Fatal(err)
	}
	mo.Seed += crossRunSeed
	cr, err := crossRun(lp, diagnose.SubsampleRows(first.Draws, draws, rng), mo, draws, rng)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("noise floor %.3f, R-hat %.3f and %.3f, %.1f s in all", cr.C2ST, maxRHat(first), cr.MaxRHat, time.Since(t0).Seconds())
	if cr.C2ST > MaxNoiseFloor {
		t.Fatalf("two runs of the reference read C2ST %.3f > %g against each other", cr.C2ST, MaxNoiseFloor)
	}
}

// TestOldComparisonLoads: a compare.json written before the noise floor
// and the random subsampling (testdata/compare_v1) loads, with the floor
// unknown (package diagreport's tests check that its section says so), and
// its marginals figure is copied where the report shows it; a malformed
// compare.json is refused.
func TestOldComparisonLoads(t *testing.T) {
	t.Parallel()
	rep := t.TempDir()
	c, err := Load(filepath.Join("testdata", "compare_v1"), rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 2 || c.NoiseFloorObs != 0 || c.Rows[0].CrossRun != nil || c.Subsample != "" || len(c.NeuralCalibration) != 5 {
		t.Fatalf("loaded %+v", c)
	}
	for _, ext := range []string{".png", ".svg"} {
		want, err := os.ReadFile(filepath.Join("testdata", "compare_v1", "marginals"+ext))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(rep, "comparison_marginals"+ext))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("comparison_marginals%s: %v, %d bytes, want the saved figure's %d", ext, err, len(got), len(want))
		}
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "compare.json"), []byte(`{"param_names":["a","b"],"rows":[{"index":0,"c2st":0.6}]}`), 0o644)
	if _, err := Load(bad, rep); err == nil || !strings.Contains(err.Error(), "not a compare.json") {
		t.Errorf("a malformed comparison: %v", err)
	}
}

// TestComparisonAbsentWhenIntractable: with intrinsic noise the exact
// posterior is unavailable, and RunForReport returns a comparison without
// rows that says why instead of an error.
func TestComparisonAbsentWhenIntractable(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	if r := ExactUnavailable(cfg); r != "" {
		t.Fatalf("the default experiment's exact posterior is unavailable: %s", r)
	}
	cfg.IntrinsicNoise.Enabled = true
	r := ExactUnavailable(cfg)
	if !strings.Contains(r, "intrinsic") {
		t.Fatalf("reason %q", r)
	}
	m, test := testmodel.Untrained(t, cfg)
	c, err := RunForReport(m, test, Options{Obs: 1, Draws: 100})
	if err != nil || len(c.Rows) != 0 || c.Absent != r {
		t.Fatalf("RunForReport: err %v, %d rows, absent %q; want no rows and %q", err, len(c.Rows), c.Absent, r)
	}
}

// TestNoiseFloorAverageAndWarning: the floor averages the rows that have a
// second run, and a floor above MaxNoiseFloor warns.
func TestNoiseFloorAverageAndWarning(t *testing.T) {
	t.Parallel()
	c := &Result{Names: []string{"a"}, Rows: []Row{
		{Index: 0, C2ST: 0.9, MeanDiffSD: []float64{1}, SDRatio: []float64{1}, W1: []float64{1}, CrossRun: &CrossRun{C2ST: 0.51, MCMCSec: 2}},
		{Index: 1, C2ST: 0.7, MeanDiffSD: []float64{1}, SDRatio: []float64{1}, W1: []float64{1}, CrossRun: &CrossRun{C2ST: 0.65, MCMCSec: 4}},
		{Index: 2, C2ST: 0.8, MeanDiffSD: []float64{1}, SDRatio: []float64{1}, W1: []float64{1}},
	}}
	c.average()
	const tol = 1e-12
	if c.NoiseFloorObs != 2 || c.NoiseFloor < 0.58-tol || c.NoiseFloor > 0.58+tol || c.CrossRunSec != 3 {
		t.Fatalf("floor %g on %d observations, %g s", c.NoiseFloor, c.NoiseFloorObs, c.CrossRunSec)
	}
	if len(c.Warnings) != 2 || !strings.Contains(c.Warnings[0], "test rows [1]") {
		t.Fatalf("warnings %q", c.Warnings)
	}
}

func TestMaxRHatSkipsUndefined(t *testing.T) {
	t.Parallel()
	if got := maxRHat(&reference.Result{RHat: []float64{1.01, math.NaN(), 1.2}}); got != 1.2 {
		t.Fatalf("max R-hat %g, want 1.2", got)
	}
}

// simulateOne simulates one noisy trace of parameters theta under cfg
// (noise stream neuron.Stream(seed, 1<<40), as validation's typicality
// cases draw theirs).
func simulateOne(cfg neuron.Config, theta []float64, seed uint64) ([]float64, error) {
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		return nil, err
	}
	p, err := cfg.Params(theta)
	if err != nil {
		return nil, err
	}
	out := make([]float64, sim.NumSamples())
	err = sim.Simulate([]neuron.Params{p}, []*rand.Rand{neuron.Stream(seed, 1<<40)}, out)
	return out, err
}
