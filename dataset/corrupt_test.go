package dataset

import (
	"archive/zip"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
)

// Bounds of TestOneByteCorruptions.
const (
	corruptions       = 10_000   // one-byte corruptions of the stored archive
	corruptionsDeflat = 2_000    // and of the same archive deflated
	maxCorruptAlloc   = 16 << 20 // bytes one read of a ~22 kB file may allocate
)

// TestOneByteCorruptions changes one random byte of a small valid .npz
// (fixed seed) at a time and reads it: no panic, allocation bounded, and a
// file that still reads holds exactly the original arrays (no silent
// change). It reports how many corruptions were refused and how many read.
func TestOneByteCorruptions(t *testing.T) {
	// Not parallel: allocation is measured per read.
	good, stored := tiny(t)
	var deflate []zipEntry
	for _, e := range tinyEntries(t) {
		deflate = append(deflate, zipEntry{name: e.name, data: e.data, method: zip.Deflate})
	}
	for _, c := range []struct {
		name string
		file []byte
		n    int
	}{{"stored", stored, corruptions}, {"deflated", zipOf(t, deflate), corruptionsDeflat}} {
		rng := rand.New(rand.NewPCG(2026, uint64(len(c.file))))
		b := make([]byte, len(c.file))
		var refused, read, warned int
		var worst uint64
		var ms runtime.MemStats
		start := time.Now()
		for i := range c.n {
			copy(b, c.file)
			off := rng.IntN(len(b))
			b[off] ^= byte(1 + rng.IntN(255))
			runtime.ReadMemStats(&ms)
			before := ms.TotalAlloc
			s, err := readNoPanic(b)
			runtime.ReadMemStats(&ms)
			worst = max(worst, ms.TotalAlloc-before)
			switch {
			case err != nil && s != nil:
				t.Fatalf("%s corruption %d (byte %d): a set and an error", c.name, i, off)
			case err != nil:
				refused++
			case !slices.Equal(s.Theta, good.Theta) || !slices.Equal(s.Traces, good.Traces) ||
				!slices.Equal(s.Time, good.Time) || !slices.Equal(s.Stimulus, good.Stimulus) || !configEqual(s.Meta.Config, good.Meta.Config):
				t.Fatalf("%s corruption %d (byte %d of %d: %q) read without error but changed the data", c.name, i, off, len(b), b[max(off-20, 0):min(off+20, len(b))])
			case len(s.Warnings) > 0: // the meta entry's name was hit: read as a numpy user's set, with a warning
				warned++
			case !slices.Equal(s.Stats, good.Stats) || s.Meta.Seed != good.Meta.Seed:
				t.Fatalf("%s corruption %d (byte %d) read without warning but changed the statistics or seed", c.name, i, off)
			default:
				read++
			}
			if ms.TotalAlloc-before > maxCorruptAlloc {
				t.Fatalf("%s corruption %d (byte %d): one read allocated %d bytes, more than %d", c.name, i, off, ms.TotalAlloc-before, maxCorruptAlloc)
			}
		}
		t.Logf("%s archive of %d bytes, %d one-byte corruptions: %d refused with an error, %d read unchanged (bytes the reader does not use), %d read as a set without meta (with its warning), 0 panics; at most %.2f MB allocated by one read; %.2f s",
			c.name, len(c.file), c.n, refused, read, warned, float64(worst)/1e6, time.Since(start).Seconds())
	}
}

// readNoPanic reads archive bytes, turning a panic into an error that
// fails the test with the stack.
func readNoPanic(b []byte) (s *Set, err error) {
	defer func() {
		if r := recover(); r != nil {
			buf := make([]byte, 1<<16)
			panic(fmt.Sprintf("reader panicked: %v\n%s", r, buf[:runtime.Stack(buf, false)]))
		}
	}()
	return readMem(b)
}
