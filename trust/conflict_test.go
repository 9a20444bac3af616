package trust

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
)

// centreTrace simulates the default experiment at its priors' centre.
func centreTrace(t *testing.T, cfg neuron.Config) []float64 {
	t.Helper()
	obs, err := simulateOne(cfg, []float64{1, 0.1, -65, 6, -50}, 11)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

// TestPriorDataConflict: a trace from the prior's centre conflicts with
// nothing; the same trace shifted to rest at -73 mV (10 mV lower: the
// activation current holds the centre's rest 2 mV above E_L) against
// E_L ~ N(-65, 3) gets a warning on its resting potential that names the
// value and the range; priors widened 3 times accept it. With 4000
// simulations the prior-predictive tail below -73 mV (at most
// P(E_L < -73) = 0.0038, as the rest lies above E_L) is told from 0.005.
func TestPriorDataConflict(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	obs := centreTrace(t, cfg)
	checks, err := PriorDataConflict(cfg, obs, 1000, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 5 || checks[0].Feature != "resting potential" || !strings.HasPrefix(checks[1].Feature, "steady state at 0.5 uA/cm2 (50-200 ms)") {
		t.Fatalf("features %+v", checks)
	}
	for _, c := range checks {
		t.Logf("%s: %.4g in [%.4g, %.4g], q %.4g", c.Feature, c.Observed, c.Lo, c.Hi, c.Quantile)
		if c.Warning != "" {
			t.Errorf("centre trace: %s", c.Warning)
		}
	}
	low := make([]float64, len(obs))
	for i, v := range obs {
		low[i] = v - 73 - checks[0].Observed
	}
	checks, err = PriorDataConflict(cfg, low, 4000, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		t.Logf("%s: %.4g in [%.4g, %.4g], q %.4g: %s", c.Feature, c.Observed, c.Lo, c.Hi, c.Quantile, c.Warning)
	}
	rest := checks[0]
	if rest.Warning == "" || !strings.Contains(rest.Warning, "resting potential -73") || !strings.Contains(rest.Warning, "below the prior predictive's central 99 %") ||
		!strings.Contains(rest.Warning, round(rest.Lo)+" to "+round(rest.Hi)+" mV") || !strings.Contains(rest.Warning, "--widen-priors") {
		t.Fatalf("shifted trace: resting potential %+v", rest)
	}
	checks, err = PriorDataConflict(neuron.WidenPriors(cfg, 3), low, 4000, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		t.Logf("widened: %s: %.4g in [%.4g, %.4g], q %.4g", c.Feature, c.Observed, c.Lo, c.Hi, c.Quantile)
		if c.Warning != "" {
			t.Errorf("widened priors: %s", c.Warning)
		}
	}
}

// TestPosteriorConflict: known draws whose medians lie 0, 2, 4 and 212
// prior sds from the prior's centre: the last two conflict, the last is
// far outside the prior, and farOutside (the trust rule) gives the same
// sentence for it alone.
func TestPosteriorConflict(t *testing.T) {
	t.Parallel()
	names, priors := neuron.Default().Inferred() // C_m LogNormal(1, 0.3), g_L LogNormal(0.1, 0.3), E_L N(-65, 3), k LogNormal(6, 0.5), V_thr N(-50, 4)
	med := []float64{1, 0.1 * math.Exp(2*0.3), -65 - 4*3, 6, -50}
	med[0] = math.Exp(-212 * 0.3) // C_m 212 sds below, in log coordinates
	draws := make([][]float64, 101)
	for i := range draws {
		d := make([]float64, len(med))
		for j, m := range med {
			d[j] = m + 1e-9*float64(i-50)*math.Abs(m) // median exactly m
		}
		draws[i] = d
	}
	got := PosteriorConflict(names, priors, draws)
	if len(got) != 2 {
		t.Fatalf("conflicts %q, want C_m and E_L", got)
	}
	if !strings.HasPrefix(got[0], "C_m: posterior median 2.39e-28 uF/cm2 lies 212 prior sds below the prior's centre in the flow's coordinates (log)") ||
		!strings.Contains(got[0], "far outside the prior") || !strings.Contains(got[0], "--widen-priors") {
		t.Errorf("C_m: %q", got[0])
	}
	if !strings.HasPrefix(got[1], "E_L: posterior median -77 mV lies 4.0 prior sds below the prior's centre; the data conflict with the prior;") ||
		strings.Contains(got[1], "far outside") {
		t.Errorf("E_L: %q", got[1])
	}
	sum, err := diagnose.Summarize(draws, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	far := farOutside(names, priors, sum, PriorZ(priors, med))
	if len(far) != 1 || far[0] != got[0] {
		t.Fatalf("far outside %q, want the C_m conflict alone", far)
	}
	if got := PosteriorConflict(names, priors, [][]float64{{1, 0.1, -65, 6, -50}}); len(got) != 0 {
		t.Fatalf("the prior's centre conflicts: %q", got)
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
