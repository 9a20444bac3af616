package train

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/npe"
)

// writeShards writes k copies of d as the shards of one run of k x d.N
// simulations (the rows repeat; the stream checks only that the shards
// tile the run) and returns their paths in reverse order and their bytes.
func writeShards(t *testing.T, d *dataset.Set, k int) ([]string, int64) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	var size int64
	for i := range k {
		s := *d
		s.Meta.Start, s.Meta.Total = i*d.N, k*d.N
		path := filepath.Join(dir, "shard"+strconv.Itoa(i)+".npz")
		if err := s.Write(path); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		paths, size = append([]string{path}, paths...), size+st.Size()
	}
	return paths, size
}

// openStream opens paths, closed at the end of the test.
func openStream(t *testing.T, paths []string) *dataset.Stream {
	t.Helper()
	s, err := dataset.OpenStream(paths)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// streamOptions are tinyOptions read in chunks of 16 rows, 4 shuffled
// together.
func streamOptions(epochs int) Options {
	o := tinyOptions(epochs)
	o.ChunkRows, o.BufferChunks = 16, 4
	return o
}

// TestStreamedNormsEqualInMemory checks that the standardizations fitted
// in two passes over a stream of shards, and its fingerprint, are those of
// the set in memory, bit for bit.
func TestStreamedNormsEqualInMemory(t *testing.T) {
	t.Parallel()
	d := smallData(t)
	var shards []string
	dir := t.TempDir()
	for i, r := range [][2]int{{0, 500}, {500, 1100}, {1100, 1200}} {
		part, err := d.Slice(r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, strconv.Itoa(i)+".npz")
		if err := part.Write(path); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, path)
	}
	src := openStream(t, shards)
	m, err := npe.New(tinyOptions(1).Model, d, 1)
	if err != nil {
		t.Fatal(err)
	}
	norms, print, err := fitStream(src, m.Priors(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want npe.Standardizer
	}{{"theta", norms.Theta, m.Norm.Theta}, {"stats", norms.Stats, m.Norm.Stats}, {"voltage", norms.Voltage, m.Norm.Voltage}} {
		if !slices.Equal(c.got.Mean, c.want.Mean) || !slices.Equal(c.got.SD, c.want.SD) {
			t.Errorf("%s: streamed mean %v sd %v, in memory %v %v", c.name, c.got.Mean, c.got.SD, c.want.Mean, c.want.SD)
		}
	}
	if want := fingerprint(d); print != want {
		t.Errorf("streamed fingerprint %s, in memory %s", print, want)
	}
	if got, err := streamPrint(src); err != nil || got != print {
		t.Errorf("streamPrint %s (%v), fitStream's %s", got, err, print)
	}
}

// TestStreamedRunIsReproducible trains twice on the same shards, named in
// another order the second time: the weights and losses are the same
// bits. It checks the number of samples an epoch sees (every training row
// but the last partial batch) and that an interrupted streamed run resumes
// to the same result.
func TestStreamedRunIsReproducible(t *testing.T) {
	t.Parallel()
	d := smallData(t)
	paths, _ := writeShards(t, d, 2)
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.laa")
	copied := false
	m1, h1, err := RunStream(openStream(t, paths), streamOptions(2), filepath.Join(dir, "a.laa"), func(epoch, step, _ int, _, val float64) {
		if epoch == 2 && step == 1 && math.IsNaN(val) && !copied {
			b, err := os.ReadFile(filepath.Join(dir, "a.laa"))
			if err != nil {
				t.Error(err)
			}
			os.WriteFile(cut, b, 0o644)
			copied = true
		}
	})
	if err != nil || !copied {
		t.Fatalf("first run: %v (checkpoint copied: %v)", err, copied)
	}
	reversed := slices.Clone(paths)
	slices.Reverse(reversed)
	m2, h2, err := RunStream(openStream(t, reversed), streamOptions(2), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	m3, h3, err := ResumeStream(openStream(t, paths), cut, nil)
	if err != nil {
		t.Fatal(err)
	}
	w1 := npe.FlatParams(m1.Params())
	for i, m := range []*npe.Model{m2, m3} {
		if !slices.Equal(npe.FlatParams(m.Params()), w1) {
			t.Fatalf("run %d: the weights differ from the first run's", i+2)
		}
	}
	for _, h := range []History{h2, h3} {
		if !slices.Equal(h.Val, h1.Val) || !slices.Equal(h.Train, h1.Train) {
			t.Fatalf("losses %v/%v, first run %v/%v", h.Train, h.Val, h1.Train, h1.Val)
		}
	}
	// 2,400 rows in 150 chunks of 16 (at most 1/64 of the rows); 10 %
	// (15 chunks, 240 rows) validate; 2,160 rows make 33 batches of 64.
	if want := 2 * 33 * 64; h1.Samples != want {
		t.Fatalf("%d samples seen in 2 epochs, want %d", h1.Samples, want)
	}
	if _, _, err := Resume(d, cut, nil); err == nil {
		t.Fatal("a streamed run resumed in memory")
	}
}

// TestStreamedPeakMemory trains on shards larger than a memory cap and
// checks, sampling the heap while it trains, that the heap stays below
// the cap: the data is never held whole. Not parallel: the heap is the
// process's.
func TestStreamedPeakMemory(t *testing.T) {
	const capBytes = 32 << 20
	d := smallData(t)
	paths, size := writeShards(t, d, 30)
	if size <= 2*capBytes {
		t.Fatalf("the shards hold %d bytes, not well above the cap of %d", size, capBytes)
	}
	src := openStream(t, paths)
	opt := tinyOptions(1)
	opt.ChunkRows, opt.BufferChunks = 256, 4
	runtime.GC()
	peak, stop := sampleHeap()
	_, h, err := RunStream(src, opt, "", nil)
	stop()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained on %d rows (%d MB of files) in %d steps; peak heap %.1f MB", src.N, size>>20, h.Samples/opt.BatchSize, float64(*peak)/(1<<20))
	if *peak >= capBytes {
		t.Fatalf("peak heap %d bytes, above the cap of %d (data %d bytes)", *peak, capBytes, size)
	}
}

// sampleHeap samples the bytes of heap objects (live or not yet
// collected) every millisecond until stop is called; peak is the most.
func sampleHeap() (peak *uint64, stop func()) {
	peak = new(uint64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			*peak = max(*peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return peak, func() { close(done); wg.Wait() }
}
