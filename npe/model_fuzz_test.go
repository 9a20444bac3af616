package npe_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/laa-neuro/laa/npe"
)

// FuzzLoadModel decodes arbitrary bytes as a model file, as they are or
// fixed up first as a crafted file would be (fix: the header length set to
// the JSON value the header holds, the CRC recomputed), so that the fuzzer
// gets past the checksum and its edits of the header reach the checks. Decoding must refuse or load without a panic
// (not even one its last guard catches) and a loaded model must run on a
// trace or refuse it. Seeds: the tiny test model, a small hybrid one with
// spline couplings, the defects of the
// bad-inputs list made small (a negative array length, a stimulus naming
// /dev/zero) and the old model files of testdata.
func FuzzLoadModel(f *testing.F) {
	b, _, d := tinyFile(f)
	hybrid, err := npe.New(npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryHybrid, Out: 3, Hidden: 4, Layers: 1, Pool: 30,
		Channels: []int{2, 3}, Kernel: 3, Stride: 2}, Flow: npe.FlowConfig{Layers: 1, Hidden: 4, Coupling: "spline", Bins: 3}}, d, 1)
	if err != nil {
		f.Fatal(err)
	}
	conv, err := npe.Encode(hybrid, npe.Extra{})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{b, conv, craftedNegLen(f, b), craftedStimulus(f, b, "/dev/zero")} {
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
			data = fixup(data)
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

// fixup returns b with the header length set to that of the JSON value
// after it (when there is one) and the CRC recomputed.
func fixup(b []byte) []byte {
	if len(b) >= 20 && bytes.HasPrefix(b, []byte("LAAMODEL")) {
		dec := json.NewDecoder(bytes.NewReader(b[16 : len(b)-4]))
		var v json.RawMessage
		if dec.Decode(&v) == nil {
			b = bytes.Clone(b)
			binary.LittleEndian.PutUint32(b[12:], uint32(dec.InputOffset()))
		}
	}
	return fixCRC(b)
}
