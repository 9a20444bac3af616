package recording

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exactTol is for values that pass through unit scaling only.
const exactTol = 1e-12

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func checkSlice(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range want {
		if !near(got[i], want[i], tol) {
			t.Fatalf("%s[%d] = %.15g, want %.15g", name, i, got[i], want[i])
		}
	}
}

func TestReadCSVModelUnits(t *testing.T) {
	t.Parallel()
	r, err := Read("testdata/step_density.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "time", r.TimeMs, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, exactTol)
	checkSlice(t, "voltage", r.VoltageMV, []float64{-65, -65, -64.5, -64, -63.6, -63.3, -63.5, -64, -64.4, -64.7}, exactTol)
	checkSlice(t, "current", r.Current, []float64{0, 0, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0}, exactTol)
	if r.CurrentUnit != UnitDensity || r.SampleRateHz != 1000 || len(r.Warnings) != 0 {
		t.Errorf("unit %q, rate %g Hz, warnings %q; want uA/cm2, 1000 Hz, none", r.CurrentUnit, r.SampleRateHz, r.Warnings)
	}
}

// TestReadTSVSIUnits checks s -> ms, V -> mV and pA + area -> uA/cm2
// (1 pA over 1e-5 cm2 = 1e-12 A / 1e-5 cm2 = 1e-7 A/cm2 = 0.1 uA/cm2).
func TestReadTSVSIUnits(t *testing.T) {
	t.Parallel()
	r, err := Read("testdata/si_units.tsv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "time", r.TimeMs, []float64{0, 0.1, 0.2, 0.3}, exactTol)
	checkSlice(t, "voltage", r.VoltageMV, []float64{-65, -64.9, -64.8, -64.7}, exactTol)
	checkSlice(t, "current", r.Current, []float64{0, 10, 20, -5}, exactTol)
	if r.CurrentUnit != UnitPA || !near(r.SampleRateHz, 10000, 1e-9) {
		t.Errorf("unit %q, rate %g; want pA, 10 kHz", r.CurrentUnit, r.SampleRateHz)
	}
	d, err := Read("testdata/si_units.tsv", Options{Membrane: Membrane{AreaCm2: 1e-5}})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "density", d.Current, []float64{0, 1, 2, -0.5}, exactTol)
	if d.CurrentUnit != UnitDensity {
		t.Errorf("unit %q after conversion", d.CurrentUnit)
	}
}

func TestReadSemicolonDecimalComma(t *testing.T) {
	t.Parallel()
	r, err := Read("testdata/semicolon.csv", Options{Membrane: Membrane{CapacitancePF: 100}})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "time", r.TimeMs, []float64{0, 0.5, 1}, exactTol)
	checkSlice(t, "voltage", r.VoltageMV, []float64{-65.5, -65.25, -65}, exactTol)
	// 100 pF at 1 uF/cm2 is 1e-4 cm2; 0.05 nA / 1e-4 cm2 = 5e-7 A/cm2 = 0.5 uA/cm2.
	checkSlice(t, "current", r.Current, []float64{0, 0.5, 1}, exactTol)
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "estimated from 100 pF") {
		t.Errorf("warnings %q; want the area estimate", r.Warnings)
	}
}

func TestReadUnitsFromOptions(t *testing.T) {
	t.Parallel()
	r, err := Read("testdata/nounits.csv", Options{TimeUnit: "ms", VoltageUnit: "mV", CurrentUnit: "uA/cm2"})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "time", r.TimeMs, []float64{0, 0.1, 0.2}, exactTol)
	checkSlice(t, "current", r.Current, []float64{0, 1, 2}, exactTol)
	if _, err := Read("testdata/nounits.csv", Options{}); err == nil || !strings.Contains(err.Error(), `column "time" gives no time unit`) {
		t.Errorf("no units: got %v", err)
	}
	// Columns named by option, units from the option.
	r, err = Read("testdata/si_units.tsv", Options{CurrentColumn: "temperature_C", CurrentUnit: "pA"})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "current from another column", r.Current, []float64{32, 32, 32, 32}, exactTol)
}

func TestHeaderFields(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		field string
		q     quantity
		unit  string
	}{
		{"time_ms", qTime, "ms"}, {"t_s", qTime, "s"}, {"Time (s)", qTime, "s"}, {"t[ms]", qTime, "ms"},
		{"v_V", qVoltage, "V"}, {"Vm", qVoltage, ""}, {"v_m", qVoltage, ""}, {"membrane_potential_mV", qVoltage, "mV"},
		{"V (mV)", qVoltage, "mV"}, {"i_pA", qCurrent, "pA"}, {"I_nA", qCurrent, "nA"}, {"current_uA_per_cm2", qCurrent, "uA_per_cm2"},
		{"I (uA/cm2)", qCurrent, "uA/cm2"}, {"current (µA/cm²)", qCurrent, "µA/cm²"}, {"i_A", qCurrent, "A"},
	} {
		col, err := parseHeaderField(c.field)
		if err != nil || col.q != c.q || col.unit != c.unit {
			t.Errorf("%q: got %v %q %v; want %v %q", c.field, col.q, col.unit, err, c.q, c.unit)
		}
	}
}

// TestBadCSV checks that each kind of bad file is refused with a message
// that names the problem.
func TestBadCSV(t *testing.T) {
	t.Parallel()
	const head = "time_ms,voltage_mV,current_uA_per_cm2\n"
	for _, c := range []struct {
		name, text string
		opt        Options
		want       string
	}{
		{"truncated row", head + "0,-65,0\n1,-65,0\n2,-6", Options{}, "line 4 has 2 fields, the header has 3 (truncated file?)"},
		{"truncated cell", head + "0,-65,0\n1,-65,0\n2,-64,", Options{}, "line 4: the last line is incomplete (truncated file?)"},
		{"unknown time unit", "t_h,v_mV,i_pA\n0,-65,0\n", Options{}, `column "t_h": unknown time unit "h" (want s or ms)`},
		{"unit of the wrong quantity", "t_ms,v_pA,i_pA\n0,-65,0\n", Options{}, `column "v_pA": unit "pA" measures current, not voltage`},
		{"unknown current unit", "t_ms,v_mV,i_mA\n0,-65,0\n", Options{}, `unknown current unit "mA" (want A, nA, pA or uA/cm2)`},
		{"missing current", "time_ms,voltage_mV\n0,-65\n1,-65\n", Options{}, "no current column in the header (time_ms, voltage_mV); the injected current (stimulus) is needed"},
		{"missing voltage", "time_ms,current_pA\n0,0\n", Options{}, "no voltage column"},
		{"run of NaN", head + "0,-65,0\n1,NaN,0\n2,,0\n3,-65,0\n", Options{}, "voltage is missing (NaN, Inf or empty) at 2 samples in a row from t = 1 ms (sample 1)"},
		{"NaN in time", head + "0,-65,0\n,-65,0\n2,-65,0\n", Options{}, "time is not finite (NaN) at sample 1"},
		{"time backwards", head + "0,-65,0\n1,-65,0\n0.5,-65,0\n", Options{}, "time is not increasing: 0.5 ms at sample 2 follows 1 ms"},
		{"time repeated", head + "0,-65,0\n1,-65,0\n1,-65,0\n", Options{}, "time is not increasing: 1 ms at sample 2 follows 1 ms"},
		{"no header", "0,-65,0\n1,-65,0\n", Options{}, "the first line (0,-65,0) is data; a header naming the columns must come first"},
		{"not a number", head + "0,-65,0\n1,abc,0\n", Options{}, `line 3: "abc" in column "voltage_mV" is not a number`},
		{"header only", head, Options{}, "a header but no data rows"},
		{"empty", "", Options{}, "no header and no data"},
		{"one sample", head + "0,-65,0\n", Options{}, "1 samples; need at least 2"},
		{"unit conflict", head + "0,-65,0\n", Options{TimeUnit: "s"}, `column "time_ms" is in ms but the time unit option says s`},
		{"two voltages", "t_ms,v_mV,vm_mV,i_pA\n0,-65,-65,0\n", Options{}, `columns "v_mV" and "vm_mV" both look like voltage`},
		{"bad area", "t_ms,v_mV,i_pA\n0,-65,0\n1,-65,0\n", Options{Membrane: Membrane{AreaCm2: -1}}, "membrane area -1 cm2 must be a positive number"},
	} {
		path := filepath.Join(t.TempDir(), "bad.csv")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v; want one containing %q", c.name, err, c.want)
		} else if !strings.Contains(err.Error(), "bad.csv") {
			t.Errorf("%s: error %q does not name the file", c.name, err)
		}
	}
}

// TestIsolatedNaN checks the repair policy: one missing sample between two
// good ones is interpolated linearly in time and reported.
func TestIsolatedNaN(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gap.csv")
	text := "time_ms,voltage_mV,current_uA_per_cm2\n0,-65,0\n1,nan,0\n3,-62,1\n4,-61,\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Read(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "voltage", r.VoltageMV, []float64{-65, -64, -62, -61}, exactTol)
	checkSlice(t, "current", r.Current, []float64{0, 0, 1, 1}, exactTol)
	if len(r.Warnings) < 2 || !strings.Contains(r.Warnings[0], "voltage: 1 isolated missing sample(s) interpolated") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

func TestReadRefusesABF(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cell.abf")
	if err := os.WriteFile(path, []byte("ABF2\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path, Options{}); err == nil || !strings.Contains(err.Error(), "ABF files are not supported") {
		t.Errorf("got %v", err)
	}
}
