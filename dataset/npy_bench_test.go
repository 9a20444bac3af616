package dataset

import (
	"bytes"
	"io"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
)

// TestNpyioWritesOtherBytes pins the reason the writer is ours
// (docs/npy.md): npyio writes format version 2.0 with a header that is not
// padded to 64 bytes, so its files differ from the ones laa has always
// written (and from numpy.save's) in the header, while the data agree. If
// a later npyio writes our bytes, this test fails and the choice can be
// revisited.
func TestNpyioWritesOtherBytes(t *testing.T) {
	var ours, theirs bytes.Buffer
	if err := writeNpy(&ours, []float32{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(&theirs, [][]float32{{1, 2, 3}, {4, 5, 6}}); err != nil {
		t.Fatal(err)
	}
	a, b := ours.Bytes(), theirs.Bytes()
	if a[6] != 1 || len(a)%64 != 24 { // version 1.0; header padded to 64, then 6 float32
		t.Fatalf("our writer: version %d, %d bytes; want 1.0 and a 64-byte header", a[6], len(a))
	}
	if bytes.Equal(a, b) {
		t.Fatal("npyio now writes the same bytes as writeNpy: docs/npy.md's reason to keep our writer is gone")
	}
	if !bytes.Equal(a[len(a)-24:], b[len(b)-24:]) {
		t.Fatalf("the data differ: ours %x, npyio %x", a[len(a)-24:], b[len(b)-24:])
	}
}

// BenchmarkWriteNpy writes a 10,000 x 600 float32 trace array (24 MB)
// with writeNpy and with npyio's reflective writer.
func BenchmarkWriteNpy(b *testing.B) {
	const rows, cols = 10000, 600
	flat := make([]float32, rows*cols)
	for i := range flat {
		flat[i] = float32(i % 977)
	}
	nested := make([][]float32, rows)
	for i := range nested {
		nested[i] = flat[i*cols : (i+1)*cols]
	}
	b.Run("laa", func(b *testing.B) {
		b.SetBytes(4 * rows * cols)
		for b.Loop() {
			if err := writeNpy(io.Discard, flat, rows, cols); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("npyio", func(b *testing.B) {
		b.SetBytes(4 * rows * cols)
		for b.Loop() {
			if err := npy.Write(io.Discard, nested); err != nil {
				b.Fatal(err)
			}
		}
	})
}
