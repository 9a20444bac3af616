package recording

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func mutate(rng *rand.Rand, b []byte) []byte {
	b = append([]byte(nil), b...)
	for k := 1 + rng.IntN(4); k > 0; k-- {
		switch rng.IntN(5) {
		case 0:
			b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
		case 1:
			p := rng.IntN(len(b) - 8)
			v := []uint64{0, 1, 0xff, 0xffff, 0xffffffff, 1 << 63, ^uint64(0), 0x7fffffff, 0x80000000}[rng.IntN(9)]
			w := []int{1, 2, 4, 8}[rng.IntN(4)]
			var t [8]byte
			binary.LittleEndian.PutUint64(t[:], v)
			copy(b[p:p+w], t[:w])
		case 2:
			p := rng.IntN(len(b))
			n := rng.IntN(16)
			if p+n < len(b) {
				b = append(b[:p], b[p+n:]...)
			}
		case 3:
			p := rng.IntN(len(b))
			b = append(b[:p], append(make([]byte, rng.IntN(16)), b[p:]...)...)
		case 4:
			p := rng.IntN(len(b))
			b[p] = byte(rng.IntN(256))
		}
	}
	return b
}

func TestZZProbe(t *testing.T) {
	start, _ := strconv.Atoi(os.Getenv("PROBE_START"))
	n, _ := strconv.Atoi(os.Getenv("PROBE_N"))
	file := os.Getenv("PROBE_FILE")
	if n == 0 {
		t.Skip()
	}
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "c.nwb")
	panics := 0
	for i := start; i < start+n; i++ {
		rng := rand.New(rand.NewPCG(7, uint64(i)))
		b := mutate(rng, good)
		os.WriteFile(p, b, 0o644)
		fmt.Fprintf(os.Stderr, "I %d\n", i)
		done := make(chan error, 1)
		go func() { _, err := ReadNWB(p, Options{}); done <- err }()
		select {
		case err := <-done:
			if err != nil && errorsIsPanic(err) {
				panics++
				fmt.Fprintf(os.Stderr, "P %d %v\n", i, err)
				os.WriteFile(fmt.Sprintf("/tmp/hdf5/panic_%d.nwb", i), b, 0o644)
			}
		case <-time.After(5 * time.Second):
			os.WriteFile(fmt.Sprintf("/tmp/hdf5/hang_%d.nwb", i), b, 0o644)
			t.Fatalf("hang %d", i)
		}
	}
	t.Logf("panics %d", panics)
}

func errorsIsPanic(err error) bool { return errorsIs(err, errHDF5Panic) }

var errorsIs = errors.Is
