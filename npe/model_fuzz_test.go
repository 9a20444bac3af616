package npe_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/laa-neuro/laa/npe"
)

// FuzzLoadModel decodes arbitrary bytes as a model file, with the CRC
// recomputed first (fix: a crafted file, so the fuzzer gets past the
// checksum) or as they are. Decoding must refuse or load without a panic
// (not even one its last guard catches) and a loaded model must run on a
// trace or refuse it. Seeds: the tiny test model, the defects of the
// bad-inputs list made small (a negative array length, a stimulus naming
// /dev/zero) and the old model files of testdata.
func FuzzLoadModel(f *testing.F) {
	b, _, _ := tinyFile(f)
	for _, seed := range [][]byte{b, craftedNegLen(f, b), craftedStimulus(f, b, "/dev/zero")} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	for _, name := range []string{"v1-mlp.laa", "v1-lstm.laa"} {
		old, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(old, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = fixCRC(data)
		}
		m, _, err := npe.Decode(data)
		if errors.Is(err, npe.ErrUnchecked) {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		trace := make([]float64, m.Samples())
		for i := range trace {
			trace[i] = -65 + 10*math.Sin(float64(i)/20)
		}
		exercise(t, m, trace, "fuzzed file")
	})
}
