package recording

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// float32Tol covers values stored as float32 in the fixtures.
const float32Tol = 1e-6

func TestNWBSweeps(t *testing.T) {
	t.Parallel()
	got, err := NWBSweeps("testdata/nwb2_sweeps.nwb")
	if err != nil {
		t.Fatal(err)
	}
	want := []NWBSweep{
		{"data_00001_AD0", 1, "data_00001_DA0", 6500, 10000},
		{"data_00002_AD0", 2, "data_00002_DA0", 3500, 0},
		{"data_00004_AD0", 4, "", 100, 10000},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sweep %d: %+v; want %+v", i, got[i], want[i])
		}
	}
}

func TestReadNWB2(t *testing.T) {
	t.Parallel()
	for _, sweep := range []string{"1", "data_00001_AD0"} {
		r, err := Read("testdata/nwb2_sweeps.nwb", Options{Sweep: sweep})
		if err != nil {
			t.Fatal(err)
		}
		if r.Sweep != "data_00001_AD0" || r.CurrentUnit != UnitA || !near(r.SampleRateHz, 10000, 1e-9) || len(r.TimeMs) != 6500 {
			t.Fatalf("sweep %q: got %s, unit %s, %g Hz, %d samples", sweep, r.Sweep, r.CurrentUnit, r.SampleRateHz, len(r.TimeMs))
		}
		if !strings.Contains(r.Source, "NWB 2.5.0") {
			t.Errorf("source %q", r.Source)
		}
		for k, tk := range r.TimeMs {
			wantV := -65 + 5*math.Sin(2*math.Pi*tk/200)
			wantI := 0.0
			if tk >= 100 && tk < 400 {
				wantI = 50e-12
			}
			if !near(tk, float64(k)/10, exactTol) || !near(r.VoltageMV[k], wantV, float32Tol) || !near(r.Current[k], wantI, float32Tol) {
				t.Fatalf("sample %d: t %g, V %g, I %g; want %g, %g, %g", k, tk, r.VoltageMV[k], r.Current[k], float64(k)/10, wantV, wantI)
			}
		}
	}
	// 50 pA over 1e-4 cm2 (100 pF) is 0.5 uA/cm2.
	r, err := Read("testdata/nwb2_sweeps.nwb", Options{Sweep: "1", Membrane: Membrane{CapacitancePF: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Current[2000]; !near(got, 0.5, float32Tol) || r.CurrentUnit != UnitDensity {
		t.Errorf("density at 200 ms: %g %s; want 0.5 uA/cm2", got, r.CurrentUnit)
	}
}

// TestReadNWB2Timestamps reads the sweep stored as int16 counts with
// conversion and offset, timed by timestamps, with a bias current.
func TestReadNWB2Timestamps(t *testing.T) {
	t.Parallel()
	r, err := ReadNWB("testdata/nwb2_sweeps.nwb", Options{Sweep: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.TimeMs) != 3500 || !near(r.SampleRateHz, 5000, 1e-6) {
		t.Fatalf("%d samples at %g Hz; want 3500 at 5 kHz", len(r.TimeMs), r.SampleRateHz)
	}
	for k := range r.TimeMs {
		wantV := float64(k%1000)*0.01 - 65
		wantI := 0.0
		if tk := float64(k) / 5; tk >= 200 && tk < 500 {
			wantI = -20e-12
		}
		// Timestamps of 100 s + k/5 kHz lose ~1e-14 s to rounding.
		if !near(r.TimeMs[k], float64(k)/5, 1e-9) || !near(r.VoltageMV[k], wantV, float32Tol) || !near(r.Current[k], wantI, exactTol) {
			t.Fatalf("sample %d: t %g, V %g, I %g; want %g, %g, %g", k, r.TimeMs[k], r.VoltageMV[k], r.Current[k], float64(k)/5, wantV, wantI)
		}
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "bias current of 20 pA") {
		t.Errorf("warnings %q; want the bias current", r.Warnings)
	}
}

func TestReadNWB1Allen(t *testing.T) {
	t.Parallel()
	r, err := Read("testdata/allen_v1.nwb", Options{Membrane: Membrane{AreaCm2: 1e-4}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sweep != "Sweep_10" || len(r.TimeMs) != 4000 || !near(r.SampleRateHz, 20000, 1e-9) || !strings.Contains(r.Source, "NWB-1.0.5") {
		t.Fatalf("got %s, %d samples at %g Hz from %s", r.Sweep, len(r.TimeMs), r.SampleRateHz, r.Source)
	}
	for k, tk := range r.TimeMs {
		wantI := 0.0
		if tk >= 50 && tk < 150 {
			wantI = 1 // 100 pA / 1e-4 cm2
		}
		if !near(r.VoltageMV[k], -70+0.05*tk, float32Tol) || !near(r.Current[k], wantI, float32Tol) {
			t.Fatalf("sample %d: V %g, I %g; want %g, %g", k, r.VoltageMV[k], r.Current[k], -70+0.05*tk, wantI)
		}
	}
}

func TestBadNWB(t *testing.T) {
	t.Parallel()
	const file = "testdata/nwb2_sweeps.nwb"
	for _, c := range []struct {
		name, sweep, want string
	}{
		{"ambiguous", "", "3 current-clamp sweeps; choose one by name or number: data_00001_AD0 (sweep 1), data_00002_AD0 (sweep 2), data_00004_AD0 (sweep 4)"},
		{"unknown sweep", "7", `no current-clamp sweep "7"; the file has: data_00001_AD0`},
		{"voltage clamp", "data_00003_AD0", `no current-clamp sweep "data_00003_AD0"`},
		{"no stimulus", "4", "sweep data_00004_AD0 has no CurrentClampStimulusSeries under /stimulus/presentation"},
	} {
		_, err := ReadNWB(file, Options{Sweep: c.sweep})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v; want an error containing %q", c.name, err, c.want)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{30, 100, 2000, len(b) / 2, len(b) - 1} {
		path := filepath.Join(t.TempDir(), "cut.nwb")
		if err := os.WriteFile(path, b[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(path, Options{Sweep: "1"}); err == nil || !strings.Contains(err.Error(), "truncated file") {
			t.Errorf("cut to %d bytes: got %v; want a truncated-file error", n, err)
		}
	}
	path := filepath.Join(t.TempDir(), "fake.nwb")
	if err := os.WriteFile(path, []byte("not hdf5 at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNWB(path, Options{}); err == nil || !strings.Contains(err.Error(), "not an HDF5 file") {
		t.Errorf("not HDF5: got %v", err)
	}
}
