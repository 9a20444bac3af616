package neuron

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseOverridesDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(`
duration_ms: 300
priors:
  k: {dist: uniform, low: 2, high: 12}
stimulus: {kind: step, start_ms: 20, end_ms: 200, amplitude: 1.2}
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DurationMs != 300 || cfg.NumSamples() != 300 {
		t.Fatalf("duration %g", cfg.DurationMs)
	}
	if *cfg.Priors.K != Uniform(2, 12) {
		t.Fatalf("k prior %+v: a prior in the file must replace the default whole", *cfg.Priors.K)
	}
	if *cfg.Priors.Cm != LogNormal(1, 0.3) {
		t.Fatalf("C_m prior changed to %+v", *cfg.Priors.Cm)
	}
	if cfg.Stimulus.Kind != StimStep || cfg.Stimulus.Times != nil {
		t.Fatalf("stimulus %+v: must replace the default staircase whole", cfg.Stimulus)
	}
}

func TestParseJSON(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(`{"sigma_obs": 2, "priors": {"G_act": {"dist": "lognormal", "median": 2, "sigma_log": 0.2}}}`))
	if err != nil {
		t.Fatal(err)
	}
	names, _ := cfg.Inferred()
	if strings.Join(names, ",") != "C_m,g_L,E_L,k,V_thr,G_act" || cfg.SigmaObs != 2 {
		t.Fatalf("inferred %v, sigma_obs %g", names, cfg.SigmaObs)
	}
}

func TestParseErrorsNameTheProblem(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, want string }{
		{"durations_ms: 5", "durations_ms"},
		{"priors: {C_m: {dist: lognormal, median: 1, sigma: 0.3}}", `unknown key "sigma"`},
		{"priors: {tau: {dist: normal, mean: 1, sd: 1}}", "tau"},
		{"priors: {C_m: {dist: normal, mean: 1, sd: -1}}", "priors.C_m"},
		{"priors: {C_m: {dist: gamma}}", "unknown dist"},
		{"dt_ms: 0.3", "dt_ms = 0.3 must divide"},
		{"dt_ms: .nan", "dt_ms"},
		{"stimulus: {kind: pulse}", "unknown kind"},
		{"stimulus: {kind: step, start_ms: 50, end_ms: 10, amplitude: 1}", "start_ms < end_ms"},
		{"g_act: -1", "G_act"},
		{"spiking: {enabled: true, v_peak: -70, v_reset: -65}", "v_reset < v_peak"},
	} {
		_, err := Parse([]byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to mention %q", c.text, err, c.want)
		}
	}
}

func TestStimulusFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "stim.csv")
	os.WriteFile(good, []byte("time_ms,current_uA_per_cm2\n0,0\n100,0.8\n# comment\n300,0\n"), 0o644)
	cfgPath := filepath.Join(dir, "cfg.yaml")
	os.WriteFile(cfgPath, []byte("stimulus: {kind: file, file: "+good+"}\n"), 0o644)
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 100, 300}; !slices.Equal(cfg.Stimulus.Times, want) || !slices.Equal(cfg.Stimulus.Levels, []float64{0, 0.8, 0}) {
		t.Fatalf("Load embedded times %v levels %v, want times %v", cfg.Stimulus.Times, cfg.Stimulus.Levels, want)
	}
	// Once embedded, the file is never read again.
	os.Remove(good)
	s, err := NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := s.StimulusAtSamples()
	if st[99] != 0 || st[100] != 0.8 || st[299] != 0.8 || st[300] != 0 {
		t.Fatalf("stimulus from file: %v %v %v %v", st[99], st[100], st[299], st[300])
	}
	for _, c := range []struct{ body, want string }{
		{"time_ms,current\n0,0\n10,abc\n", "line 3: current is not a number"},
		{"time_ms,current\n0,0\n10\n", "line 3: want 2 columns"},
		{"time_ms,current\n0,0\n10,NaN\n", "line 3: current is NaN"},
		{"time_ms,current\n0,0\n1e999,1\n", "line 3: time_ms is out of the range"},
		{"time_ms,current\n0,0\n10,1\n5,0\n", "does not increase"},
		{"time_ms,current\n", "no rows"},
		{"time_ms,current\n0,0\n10.3,1\n", "off the RK4 grid"},
	} {
		p := filepath.Join(dir, "bad.csv")
		os.WriteFile(p, []byte(c.body), 0o644)
		cfg.Stimulus, err = StimulusFromFile(p)
		if err == nil {
			_, err = NewSimulator(cfg)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to mention %q", c.body, err, c.want)
		}
	}
}

func TestPriorMomentsAndDensity(t *testing.T) {
	t.Parallel()
	const n, tol = 200000, 0.02
	r := Stream(1, 0)
	for _, p := range []Prior{LogNormal(6, 0.5), Normal(-50, 4), Uniform(2, 5)} {
		sum, sum2 := 0.0, 0.0
		for range n {
			x := p.Sample(r)
			sum += x
			sum2 += x * x
		}
		m := sum / n
		v := sum2/n - m*m
		if math.Abs(m-p.MeanValue()) > tol*math.Sqrt(p.Variance()) || math.Abs(v/p.Variance()-1) > 3*tol {
			t.Errorf("%v: sample mean %g var %g, want %g %g", p, m, v, p.MeanValue(), p.Variance())
		}
		// The density integrates to 1 (trapezoid over a wide range).
		lo, hi := p.MeanValue()-12*math.Sqrt(p.Variance()), p.MeanValue()+12*math.Sqrt(p.Variance())
		const steps = 200000
		integral, h := 0.0, (hi-lo)/steps
		for i := 0; i <= steps; i++ {
			w := 1.0
			if i == 0 || i == steps {
				w = 0.5
			}
			integral += w * math.Exp(p.LogPdf(lo+float64(i)*h)) * h
		}
		if math.Abs(integral-1) > 1e-3 {
			t.Errorf("%v: density integrates to %g", p, integral)
		}
	}
	if LogNormal(1, 0.3).InSupport(-1) || Uniform(0, 1).InSupport(2) || !Normal(0, 1).InSupport(-100) {
		t.Error("support checks wrong")
	}
}
