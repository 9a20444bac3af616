package recording

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds adds the named files of testdata as seeds.
func fuzzSeeds(f *testing.F, names ...string) {
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzReadCSV reads arbitrary delimited text as ReadCSV does, with units
// from the header and, for headers without them, from options: it may fail
// but never panic, and what it reads must pass Validate.
func FuzzReadCSV(f *testing.F) {
	fuzzSeeds(f, "stray_quote.csv", "step_density.csv", "semicolon.csv", "si_units.tsv", "nounits.csv")
	obs, err := os.ReadFile("testdata/obs_head.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(obs)
	for _, s := range []string{
		"time_ms,voltage_mV,current_pA\n0,-65,0\n1,,0\n2,-64,5\n",
		"# comment\n\ufefft_s\tv_V\ti_nA\n0\t-0.065\t0.1\n0.001\t-0.064\t0.1\n",
		"time_ms,voltage_mV,current_uA_per_cm2\n0,-65,0\n\"1\",\"-64\",\"0\"\n2,-63,0",
		"time_ms,voltage_mV,current_uA_per_cm2\n0,-65,0\n1,-6\"4,0\n",
		"V (mV);t [ms];I (pA)\n-65,0;0;1\n-64,5;0,1;1\n",
		"time_ms,voltage_mV,current_pA\n0,-65,0\n0,-65,0\n",
		"time_ms,voltage_mV,current_pA\n0,NaN,0\n1,NaN,0\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opt := range []Options{
			{},
			{TimeUnit: "ms", VoltageUnit: "mV", CurrentUnit: "pA", Membrane: Membrane{CapacitancePF: 100}},
		} {
			rec, err := parseCSV(b, opt, MaxCSVRows)
			if err != nil {
				continue
			}
			if err := finish(&rec, opt.Membrane); err != nil {
				continue
			}
			if err := rec.Validate(); err != nil {
				t.Fatalf("read a recording that Validate refuses: %v", err)
			}
		}
	})
}

// FuzzReadNWB reads arbitrary bytes as an NWB file with ReadNWB (which
// lists the sweeps as NWBSweeps does first): it may fail but never panic
// (not even one that ReadNWB recovers from), die of a fatal error or hang,
// and what it reads must pass Validate.
func FuzzReadNWB(f *testing.F) {
	fuzzSeeds(f, "good.nwb", "heap_1byte.nwb", "globalheap_fatal.nwb", "dims_1e12.nwb",
		"cycle.nwb", "cycle_latest.nwb", "stim2d.nwb", "allen_v1.nwb", "tiny.nwb")
	path := filepath.Join(f.TempDir(), "fuzz.nwb")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		rec, err := ReadNWB(path, Options{})
		if errors.Is(err, errHDF5Panic) {
			t.Fatalf("the HDF5 reader panicked: %v", err)
		}
		if err == nil {
			if err := rec.Validate(); err != nil {
				t.Fatalf("read a recording that Validate refuses: %v", err)
			}
		}
	})
}
