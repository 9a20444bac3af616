package recording

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// Tolerances of the resampling tests.
const (
	passbandTol  = 5e-4 // |gain - 1| of FilterSinc up to 0.4 / step
	stopbandGain = 2e-4 // FilterSinc gain from 0.6 / step up (-74 dB)
	boxcarTol    = 0.01 // measured boxcar gain vs |sinc(f h)|
	ringingMax   = 0.03 // FilterSinc's worst ringing, as a fraction of a jump
	// roundTripTol bounds the smoothing of the trace's slope kinks (at the
	// stimulus steps) by the low-pass; sigma_obs is 1 mV.
	roundTripTol = 0.35 // mV
	csvDigitsTol = 1e-7 // mV: the CSV keeps 10 digits of volts
)

// synth is a recording at rateHz for durMs of V(t) = -65 + v(t) and I(t).
func synth(rateHz, durMs float64, v, i func(t float64) float64) Recording {
	n := int(math.Round(durMs * rateHz / 1000))
	r := Recording{CurrentUnit: UnitDensity, SampleRateHz: rateHz,
		TimeMs: make([]float64, n), VoltageMV: make([]float64, n), Current: make([]float64, n)}
	for k := range n {
		tk := float64(k) * 1000 / rateHz
		r.TimeMs[k], r.VoltageMV[k], r.Current[k] = tk, -65+v(tk), i(tk)
	}
	return r
}

func zero(float64) float64 { return 0 }

// gain measures the rms of V + 65 on the grid against the input sine's.
func gain(t *testing.T, f float64, filter Filter) float64 {
	t.Helper()
	const amp = 10
	r := synth(20000, 700, func(t float64) float64 { return amp * math.Sin(2*math.Pi*f*t/1000+0.3) }, zero)
	p, err := Prepare(r, PrepareOptions{StartMs: 50, Filter: filter})
	if err != nil {
		t.Fatal(err)
	}
	var ss float64
	for _, v := range p.VoltageMV {
		ss += (v + 65) * (v + 65)
	}
	return math.Sqrt(ss/float64(len(p.VoltageMV))) / (amp / math.Sqrt2)
}

// TestAntiAliasing samples sines at 20 kHz and checks what reaches the 1 ms
// grid (Nyquist 500 Hz): the band below 400 Hz passes, everything from
// 600 Hz to 19 kHz is removed, and the boxcar matches its analytic gain.
func TestAntiAliasing(t *testing.T) {
	t.Parallel()
	for _, f := range []float64{10, 100, 250, 400} {
		if g := gain(t, f, FilterSinc); math.Abs(g-1) > passbandTol {
			t.Errorf("sinc: %g Hz passes with gain %g; want 1 +- %g", f, g, passbandTol)
		}
	}
	for _, f := range []float64{600, 750, 1300, 2300, 7100, 9900, 12345, 18700} {
		if g := gain(t, f, FilterSinc); g > stopbandGain {
			t.Errorf("sinc: %g Hz aliases with gain %g; want <= %g", f, g, stopbandGain)
		}
		if g := gain(t, f, FilterNone); g < 0.9 {
			t.Errorf("no filter: %g Hz gain %g; point sampling should alias it fully", f, g)
		}
	}
	for _, f := range []float64{100, 750, 1300} {
		x := math.Pi * f / 1000
		if g, want := gain(t, f, FilterBoxcar), math.Abs(math.Sin(x)/x); math.Abs(g-want) > boxcarTol {
			t.Errorf("boxcar: %g Hz gain %g; want |sinc| = %g", f, g, want)
		}
	}
}

// TestPrepareDCAndSteps checks that a constant passes exactly, that a
// voltage jump keeps both levels away from it with bounded ringing, and
// that a current step keeps its levels exactly.
func TestPrepareDCAndSteps(t *testing.T) {
	t.Parallel()
	jump := func(t float64) float64 {
		if t >= 300.5 {
			return 20
		}
		return 0
	}
	step := func(at float64) func(float64) float64 {
		return func(t float64) float64 {
			if t >= at && t < 400 {
				return 1.5
			}
			return 0
		}
	}
	for _, filter := range []Filter{FilterSinc, FilterBoxcar, FilterNone} {
		p, err := Prepare(synth(20000, 650, zero, step(100)), PrepareOptions{Filter: filter})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range p.VoltageMV {
			if math.Abs(v+65) > exactTol*65 {
				t.Fatalf("filter %d: DC -65 mV became %.15g at %d", filter, v, i)
			}
		}
		p, err = Prepare(synth(20000, 650, jump, zero), PrepareOptions{Filter: filter})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range p.VoltageMV {
			want := -65 + jump(float64(i))
			switch {
			case i <= 300-filterHalfWidth || i > 300+filterHalfWidth:
				if math.Abs(v-want) > 1e-9 {
					t.Fatalf("filter %d: %g mV at %d ms, %d ms from the jump; want %g", filter, v, i, i-300, want)
				}
			case v < -65-ringingMax*20 || v > -45+ringingMax*20:
				t.Fatalf("filter %d: %g mV at %d ms rings more than %g of the jump", filter, v, i, ringingMax)
			}
		}
	}
	// A step on the grid, and one between grid times (100.37 ms: the
	// majority of the bin [100, 101) wins), keep their exact levels.
	for _, at := range []float64{100, 100.37} {
		p, err := Prepare(synth(10000, 650, zero, step(at)), PrepareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range p.Current {
			if want := step(100)(float64(i)); c != want {
				t.Fatalf("step at %g ms: current %g at %d ms; want %g", at, c, i, want)
			}
		}
	}
}

func TestPrepareWindow(t *testing.T) {
	t.Parallel()
	r := synth(10000, 900, func(t float64) float64 { return t / 100 }, math.Floor)
	for k := range r.TimeMs {
		r.TimeMs[k] += 1000 // the file's clock starts at 1 s
	}
	p, err := Prepare(r, PrepareOptions{StartMs: 250, DurationMs: 500, RecordStepMs: 0.5, Filter: FilterNone})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.TimeMs) != 1000 || p.TimeMs[1] != 0.5 || p.StartMs != 250 {
		t.Fatalf("%d samples, t1 = %g, start %g; want 1000, 0.5, 250", len(p.TimeMs), p.TimeMs[1], p.StartMs)
	}
	for i, ti := range p.TimeMs {
		if !near(p.VoltageMV[i], -65+(ti+250)/100, 1e-12) || p.Current[i] != math.Floor(ti+250) {
			t.Fatalf("sample %d: V %g, I %g; want %g, %g", i, p.VoltageMV[i], p.Current[i], -65+(ti+250)/100, math.Floor(ti+250))
		}
	}
	if g := GridOf(neuron.Default(), 12); g != (PrepareOptions{StartMs: 12, DurationMs: 600, RecordStepMs: 1}) {
		t.Errorf("GridOf: %+v", g)
	}
}

func TestPrepareErrors(t *testing.T) {
	t.Parallel()
	ok := synth(10000, 700, zero, zero)
	pA := ok
	pA.CurrentUnit = UnitPA
	for _, c := range []struct {
		name string
		rec  Recording
		opt  PrepareOptions
		want string
	}{
		{"too short", synth(10000, 450, zero, zero), PrepareOptions{}, "too short: the window of 600 ms from 0 ms needs samples up to 599 ms, but the recording ends at 449.9 ms"},
		{"start too late", ok, PrepareOptions{StartMs: 150}, "too short"},
		{"coarse", synth(500, 700, zero, zero), PrepareOptions{}, "sampled every 2 ms, coarser than the model's step of 1 ms"},
		{"absolute current", pA, PrepareOptions{}, `the current is in "pA": give the membrane area (cm2) or the cell capacitance (pF)`},
		{"negative start", ok, PrepareOptions{StartMs: -1}, "need start >= 0"},
		{"step", ok, PrepareOptions{RecordStepMs: 0.7}, "step 0.7 ms must divide duration 600 ms"},
		{"filter", ok, PrepareOptions{Filter: 9}, "unknown filter 9"},
		{"lengths", Recording{TimeMs: []float64{0, 1}, VoltageMV: []float64{1}, Current: []float64{0, 0}}, PrepareOptions{}, "2 times, 1 voltages and 2 currents"},
	} {
		if _, err := Prepare(c.rec, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v; want an error containing %q", c.name, err, c.want)
		}
	}
}

// TestRoundTrip simulates a trace on the model grid, writes it as a
// 10 kHz CSV (linearly interpolated), reads and prepares it, and gets back
// the trace, the stimulus samples and the staircase protocol.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cfg := neuron.Default()
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	params := neuron.Params{Cm: 0.6, GL: 0.15, EL: -62, K: 2.5, Vthr: -55, Gact: 2, SigmaObs: 1}
	v := make([]float64, sim.NumSamples())
	if err := sim.Simulate([]neuron.Params{params}, nil, v); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("t_s,v_V,i_pA\n")
	const areaCm2 = 2e-5 // 1 uA/cm2 is 20 pA
	for k := 0; k <= 5990; k++ {
		tk := float64(k) / 10
		i := min(k/10, len(v)-2)
		vk := v[i] + (tk-float64(i))*(v[i+1]-v[i])
		fmt.Fprintf(&b, "%.5f,%.10g,%.10g\n", tk/1000, vk/1000, sim.Current().At(tk+1e-9)*areaCm2*1e6)
	}
	path := filepath.Join(t.TempDir(), "trace.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := Read(path, Options{Membrane: Membrane{AreaCm2: areaCm2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		filter Filter
		tol    float64
	}{{FilterSinc, roundTripTol}, {FilterBoxcar, roundTripTol}, {FilterNone, csvDigitsTol}} {
		p, err := Prepare(rec, GridOf(cfg, 0).with(c.filter))
		if err != nil {
			t.Fatal(err)
		}
		for i := range v {
			if d := math.Abs(p.VoltageMV[i] - v[i]); d > c.tol {
				t.Fatalf("filter %d: V differs by %g mV at %d ms; want <= %g", c.filter, d, i, c.tol)
			}
		}
		if same, d := SameProtocol(p.Current, sim.StimulusAtSamples(), 1e-9); !same {
			t.Fatalf("filter %d: protocol differs by %g uA/cm2", c.filter, d)
		}
	}
	p, err := Prepare(rec, GridOf(cfg, 0))
	if err != nil {
		t.Fatal(err)
	}
	stim, err := StimulusFromRecording(p, cfg.DtMs, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "breakpoints", stim.Times, []float64{0, 50, 200, 350, 500}, exactTol)
	checkSlice(t, "levels", stim.Levels, []float64{0, 0.5, 1, 1.5, 0}, 1e-9)
	cfg.Stimulus = stim
	sim2, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v2 := make([]float64, len(v))
	if err := sim2.Simulate([]neuron.Params{params}, nil, v2); err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "trace with the recovered stimulus", v2, v, 1e-9)
}

func (o PrepareOptions) with(f Filter) PrepareOptions { o.Filter = f; return o }
