package neuron

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

// TestBadInputsRefused parses the configurations of shared/bad-inputs that
// validated before and then panicked (dt_tiny), grew without bound
// (dur_huge) or wrote +-Inf traces (prior_huge_sd).
func TestBadInputsRefused(t *testing.T) {
	t.Parallel()
	for file, want := range map[string]string{
		"dt_tiny.yaml":       "more than MaxStepsPerTrace = 4194304",
		"dur_huge.yaml":      "more than MaxSamplesPerTrace = 1000000",
		"prior_huge_sd.yaml": "priors.E_L: prior normal: |sd| = 1e+300 is more than MaxMagnitude",
	} {
		b, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", file, err, want)
		}
	}
}

func TestValidateLimits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, want string }{
		{"duration_ms: 1e-12", "fewer than MinSamplesPerTrace"},
		{"duration_ms: 1", "fewer than MinSamplesPerTrace"},
		{"dt_ms: 2", "must not exceed record_step_ms"},
		{"record_step_ms: 0.0005\ndt_ms: 0.0005", "= 1.2e+06 samples per trace, more than MaxSamplesPerTrace"},
		{"duration_ms: 1e6\nrecord_step_ms: 2\ndt_ms: 0.1", "duration_ms / dt_ms = 1e+06 / 0.1 = 1e+07 RK4 steps per trace, more than MaxStepsPerTrace"},
		{"duration_ms: .inf", "duration_ms"},
		{"g_act: 1e10", "|g_act| = 1e+10 is more than MaxMagnitude"},
		{"sigma_obs: 1e300", "sigma_obs"},
		{"spiking: {enabled: false, v_peak: .nan}", "spiking.v_peak = NaN must be finite"},
		{"intrinsic_noise: {enabled: true, tau_ms: 5, sd: .inf}", "intrinsic_noise.sd"},
		{"stimulus: {kind: step, start_ms: 0, end_ms: 10, amplitude: 1e300}", "stimulus.amplitude"},
		{"stimulus: {kind: staircase, times_ms: [0], levels: [-1e300]}", "stimulus.levels[0]"},
		{"stimulus: {kind: ramp, start_ms: 0, end_ms: 1e-310, amplitude: 1}", "infinite slope"},
		{"stimulus: {kind: staircase, times_ms: [0, .nan], levels: [1, 0]}", "non-finite"},
		{"priors: {C_m: {dist: lognormal, median: 1, sigma_log: 40}}", "more than MaxSigmaLog = 5"},
		{"priors: {C_m: {dist: lognormal, median: 1e-300, sigma_log: 0.3}}", "below 1/MaxMagnitude"},
		{"priors: {E_L: {dist: uniform, low: -1e300, high: 0}}", "|low| = 1e+300"},
	} {
		_, err := Parse([]byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to mention %q", c.text, err, c.want)
		}
	}
	// The limits themselves are allowed, and a 10 s recording at 20 kHz.
	for _, text := range []string{
		"duration_ms: 1e6\nrecord_step_ms: 1\ndt_ms: 1",
		"duration_ms: 4194304\nrecord_step_ms: 8\ndt_ms: 1",
		"duration_ms: 10000\nrecord_step_ms: 0.05\ndt_ms: 0.05",
	} {
		if _, err := Parse([]byte(text)); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

// TestTraceOutOfRange checks that a trace beyond MaxAbsVoltageMV is a
// *TraceError naming the parameters, and that Generate names the simulation.
func TestTraceOutOfRange(t *testing.T) {
	t.Parallel()
	s := mustSim(t, Default())
	far := example
	far.EL = 2e6
	err := s.Simulate([]Params{example, far}, nil, make([]float64, 2*s.NumSamples()))
	var te *TraceError
	if !errors.As(err, &te) || !errors.Is(err, ErrTraceOutOfRange) || te.Index != 1 || te.Params != far || te.TimeMs != 0 {
		t.Fatalf("error %v (%+v), want a TraceError for parameter set 1 at t = 0", err, te)
	}
	if !strings.Contains(err.Error(), "E_L=2e+06 mV") {
		t.Errorf("error %q does not name the parameters", err)
	}
	// A current of 1e9 uA/cm2 drives V to about I/g_L = 1e10 mV.
	cfg := Default()
	cfg.Stimulus = Stimulus{Kind: StimStep, Start: 100, End: 200, Amplitude: 1e9}
	_, err = mustSim(t, cfg).Generate(1, 5, 3, GenerateOptions{Workers: 1})
	if !errors.As(err, &te) || te.Index != 5 || !strings.HasPrefix(err.Error(), "simulation 5: ") || !(math.Abs(te.V) > MaxAbsVoltageMV) || te.TimeMs <= 100 {
		t.Fatalf("Generate: error %v (%+v), want simulation 5 past t = 100 ms", err, te)
	}
}

func TestNumSamplesOfUnvalidatedConfig(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		dur, step float64
		want      int
	}{{600, 1, 600}, {1e300, 1, 0}, {600, 0, 0}, {math.NaN(), 1, 0}, {-5, 1, 0}, {1e6, 1, MaxSamplesPerTrace}, {1e6 + 1, 1, 0}} {
		cfg := Default()
		cfg.DurationMs, cfg.RecordStepMs = c.dur, c.step
		if got := cfg.NumSamples(); got != c.want {
			t.Errorf("duration %g, step %g: NumSamples %d, want %d", c.dur, c.step, got, c.want)
		}
	}
}
