package recording

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
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

// nwbFuzzBases are the files that FuzzReadNWB's inputs patch: a valid
// file, the three that made the unforked HDF5 reader die of a fatal
// out-of-memory error, files with link cycles and a 2-D stimulus, an NWB 1
// file and a small new-style file.
var nwbFuzzBases = []string{"good.nwb", "heap_1byte.nwb", "globalheap_fatal.nwb", "dims_1e12.nwb",
	"cycle.nwb", "cycle_latest.nwb", "stim2d.nwb", "allen_v1.nwb", "tiny.nwb"}

// patchNWB applies patch to a copy of base: records of 5 bytes, a
// little-endian uint32 whose low 30 bits give an offset (modulo the file's
// length) and whose top 2 bits the edit (0: write the value byte there, 1:
// insert it before, 2: delete the byte there, 3: xor it with the value).
// Patches keep the fuzzer's inputs small, so that it spends its time
// reading damaged files rather than minimizing 40 KB inputs.
func patchNWB(base, patch []byte) []byte {
	b := append([]byte(nil), base...)
	for ; len(patch) >= 5 && len(b) > 0; patch = patch[5:] {
		word := binary.LittleEndian.Uint32(patch)
		at, v := int(word&(1<<30-1))%len(b), patch[4]
		switch word >> 30 {
		case 0:
			b[at] = v
		case 1:
			b = slices.Insert(b, at, v)
		case 2:
			b = slices.Delete(b, at, at+1)
		case 3:
			b[at] ^= v
		}
	}
	return b
}

// FuzzReadNWB reads damaged NWB files with ReadNWB (which lists the sweeps
// as NWBSweeps does first): it may fail but never panic (not even with a
// panic that ReadNWB recovers from), die of a fatal error or hang, and what
// it reads must pass Validate. An input is a base file (an index into
// nwbFuzzBases) and a patch to it; an index past the list reads the patch
// itself as the file.
func FuzzReadNWB(f *testing.F) {
	var bases [][]byte
	for _, name := range nwbFuzzBases {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		bases = append(bases, b)
		f.Add(uint8(len(bases)-1), []byte{})
	}
	path := filepath.Join(f.TempDir(), "fuzz.nwb")
	f.Fuzz(func(t *testing.T, base uint8, patch []byte) {
		b := patch
		if int(base) < len(bases) {
			b = patchNWB(bases[base], patch)
		}
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
