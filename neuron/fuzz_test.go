package neuron

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz bodies simulate only configurations this small.
const (
	fuzzMaxSamples = 2000
	fuzzMaxSteps   = 4000
)

// addSeeds adds every file of testdata matching pattern to f's corpus.
func addSeeds(f *testing.F, pattern string) {
	paths, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds match testdata/%s (%v)", pattern, err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParseConfig checks that Parse never panics, and that a configuration
// it accepts survives a JSON round trip (as data sets and model files store
// it), builds a simulator and, when its work is small, simulates a trace
// without panicking.
func FuzzParseConfig(f *testing.F) {
	addSeeds(f, "*.yaml")
	for _, s := range []string{
		"",
		"duration_ms: 300\npriors:\n  k: {dist: uniform, low: 2, high: 12}\nstimulus: {kind: step, start_ms: 20, end_ms: 200, amplitude: 1.2}\n",
		`{"sigma_obs": 2, "priors": {"G_act": {"dist": "lognormal", "median": 2, "sigma_log": 0.2}}}`,
		"stimulus: {kind: file, file: stim.csv, times_ms: [0, 100], levels: [0.5, 0]}\n",
		"stimulus: {kind: ramp, start_ms: 0, end_ms: 600, amplitude: 3}\nspiking: {enabled: true, v_peak: 0, v_reset: -65}\n",
		"intrinsic_noise: {enabled: true, tau_ms: 5, sd: 0.1}\nduration_ms: 50\nrecord_step_ms: 0.5\ndt_ms: 0.05\n",
		"a: &a [1,2]\nb: [*a,*a]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		cfg, err := Parse(text)
		if err != nil {
			return
		}
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatalf("marshal a valid config: %v", err)
		}
		var back Config
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("the JSON round trip of a valid config fails validation: %v", err)
		}
		if cfg.NumSamples() > fuzzMaxSamples || cfg.DurationMs/cfg.DtMs > fuzzMaxSteps {
			return
		}
		sim, err := NewSimulator(cfg)
		if err != nil {
			return
		}
		batch, err := sim.Generate(1, 0, 1, GenerateOptions{Workers: 1})
		if err != nil {
			return
		}
		for _, v := range batch.Traces {
			if !(math.Abs(v) <= MaxAbsVoltageMV) {
				t.Fatalf("Generate returned a value %g beyond MaxAbsVoltageMV", v)
			}
		}
	})
}

// FuzzReadStimulusFile checks that ReadStimulus never panics, and that what
// it returns is bounded, finite, strictly increasing and compiles.
func FuzzReadStimulusFile(f *testing.F) {
	addSeeds(f, "*.csv")
	for _, s := range []string{
		"time_ms,current_uA_per_cm2\n0,0\n100,0.8\n# comment\n300,0\n",
		"0,1\n10,2\r\n20,0\n",
		"\"0\",\"1\"\n",
		"time_ms,current\n0,0\n10,abc\n",
		"t,i\n0,0\n5,1,2\n",
		"t\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		times, levels, err := ReadStimulus(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		if len(times) == 0 || len(times) != len(levels) || len(times) > MaxStimulusRows {
			t.Fatalf("%d times and %d levels", len(times), len(levels))
		}
		for j := range times {
			if math.IsNaN(times[j]) || math.IsInf(times[j], 0) || math.IsNaN(levels[j]) || math.IsInf(levels[j], 0) {
				t.Fatalf("row %d: non-finite %g, %g", j, times[j], levels[j])
			}
			if j > 0 && !(times[j] > times[j-1]) {
				t.Fatalf("times do not increase at row %d", j)
			}
		}
		_, _ = Stimulus{Kind: StimFile, Times: times, Levels: levels}.Compile()
	})
}
