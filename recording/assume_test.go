package recording

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// TestAssumeStimulus: a CSV without a current column and an NWB sweep
// without a stimulus series are refused, unless a stimulus is given to
// assume; the recording is then marked CurrentAssumed, carries the
// stimulus as its current and says which parameters the assumption scales.
func TestAssumeStimulus(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.csv")
	var b strings.Builder
	b.WriteString("time_ms,voltage_mV\n")
	for k := range 100 {
		fmt.Fprintf(&b, "%g,-65\n", float64(k)*0.1+5)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	nwb := filepath.Join("testdata", "nwb2_sweeps.nwb")
	if _, err := Read(path, Options{}); err == nil || !strings.Contains(err.Error(), "no current column") {
		t.Fatalf("CSV without a current: error %v; want no current column", err)
	}
	if _, err := Read(nwb, Options{Sweep: "4"}); err == nil || !strings.Contains(err.Error(), "no CurrentClampStimulusSeries") {
		t.Fatalf("NWB sweep without a stimulus: error %v", err)
	}
	stim := neuron.Stimulus{Kind: neuron.StimStep, Start: 2, End: 6, Amplitude: 0.5}
	for _, c := range []struct {
		path, sweep string
		n           int
	}{{path, "", 100}, {nwb, "4", 100}} {
		rec, err := Read(c.path, Options{Sweep: c.sweep, AssumeStimulus: &stim})
		if err != nil {
			t.Fatal(err)
		}
		if !rec.CurrentAssumed || rec.CurrentUnit != UnitDensity || len(rec.Current) != c.n {
			t.Fatalf("%s: assumed %v, unit %s, %d currents", c.path, rec.CurrentAssumed, rec.CurrentUnit, len(rec.Current))
		}
		for k, v := range rec.Current {
			want := 0.0
			if tk := rec.TimeMs[k] - rec.TimeMs[0]; tk >= 2-1e-9 && tk < 6-1e-9 {
				want = 0.5
			}
			if v != want {
				t.Fatalf("%s: current %g at %g ms; want %g", c.path, v, rec.TimeMs[k], want)
			}
		}
		if !strings.Contains(strings.Join(rec.Warnings, "\n"), AssumedCurrentNote) {
			t.Errorf("%s: warnings %q do not carry the note", c.path, rec.Warnings)
		}
		p, err := Prepare(rec, PrepareOptions{DurationMs: 9, RecordStepMs: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		if !p.CurrentAssumed {
			t.Error("Prepare lost CurrentAssumed")
		}
	}
	// A recorded current wins.
	rec, err := Read(filepath.Join("testdata", "step_density.csv"), Options{AssumeStimulus: &stim})
	if err != nil {
		t.Fatal(err)
	}
	if rec.CurrentAssumed || !strings.Contains(strings.Join(rec.Warnings, "\n"), "assumed stimulus was ignored") {
		t.Errorf("recorded current: assumed %v, warnings %q", rec.CurrentAssumed, rec.Warnings)
	}
	for _, w := range []string{"C_m", "g_L", "G_act", "E_L", "k", "V_thr"} {
		if !strings.Contains(AssumedCurrentNote, w) {
			t.Errorf("the note does not name %s", w)
		}
	}
}

// TestAssumedCurrentScaling checks AssumedCurrentNote against the model: a
// current a times larger with C_m, g_L and G_act a times larger, and E_L,
// k and V_thr unchanged, gives the same trace.
func TestAssumedCurrentScaling(t *testing.T) {
	t.Parallel()
	const a = 2.5
	cfg := stepConfig(0.1, 0.1)
	v1 := simNoiseFree(t, cfg)
	cfg.Stimulus.Amplitude *= a
	cfg.Gact *= a
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := trueParams
	p.Cm, p.GL, p.Gact = p.Cm*a, p.GL*a, p.Gact*a
	v2 := make([]float64, len(v1))
	if err := sim.Simulate([]neuron.Params{p}, nil, v2); err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "scaled trace", v2, v1, 1e-9)
}
