package recording

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Settings of the one-byte corruption test.
const (
	corruptions     = 10000            // copies of good.nwb, each with one byte changed
	corruptSeed     = 11               // seed of the corruptions
	corruptHang     = 10 * time.Second // a read taking longer hangs
	corruptAllocMul = 64               // a read may allocate at most this many times the file's size
)

// TestReadNWBCorrupted reads 10,000 copies of a valid NWB file, each with
// one random byte changed, with ReadNWB (which lists the sweeps as
// NWBSweeps does before it reads one). None may panic past
// the reader, end the process (a fatal out-of-memory error), hang, or
// allocate more than corruptAllocMul times the file's size; it reports how
// many reads succeeded, failed with an error, or failed with an error made
// from a recovered panic of the HDF5 reader.
func TestReadNWBCorrupted(t *testing.T) {
	good, err := os.ReadFile("testdata/good.nwb")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.nwb")
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(corruptSeed, 0))
	limit := uint64(corruptAllocMul * len(good))
	var ok, failed, recovered int
	var maxAlloc uint64
	start := time.Now()
	for i := range corruptions {
		pos := rng.IntN(len(good))
		val := good[pos] ^ byte(1+rng.IntN(255))
		// Only the changed byte is written, and restored after the reads.
		if _, err := f.WriteAt([]byte{val}, int64(pos)); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		done := make(chan error, 1)
		go func() {
			_, err := ReadNWB(path, Options{})
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(corruptHang):
			t.Fatalf("corruption %d (byte %d changed to %#x) hangs: no answer after %v", i, pos, val, corruptHang)
		}
		if _, err := f.WriteAt(good[pos:pos+1], int64(pos)); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		maxAlloc = max(maxAlloc, alloc)
		if alloc > limit {
			t.Errorf("corruption %d (byte %d changed to %#x): the reads allocated %d bytes, more than %d times the file", i, pos, val, alloc, corruptAllocMul)
		}
		switch {
		case errors.Is(err, errHDF5Panic):
			recovered++
		case err != nil:
			failed++
		default:
			ok++
		}
	}
	t.Logf("%d one-byte corruptions of good.nwb (%d bytes) in %v: %d read, %d refused with an error, %d refused after a recovered panic; largest allocation %d bytes (%.1f times the file)",
		corruptions, len(good), time.Since(start).Round(time.Millisecond), ok, failed, recovered, maxAlloc, float64(maxAlloc)/float64(len(good)))
	if recovered > 0 {
		t.Errorf("%d corruptions made the HDF5 reader panic (recovered); want 0", recovered)
	}
}
