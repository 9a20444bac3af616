// laa fork: this file is new in the fork (see README-FORK.md). It holds the
// checks that bound every allocation whose size comes from the file by what
// the file can hold, so that a damaged file gives an error instead of a
// fatal out-of-memory error, which recover() cannot catch.

package utils

import (
	"fmt"
	"io"
	"math"
	"os"
)

// MaxLinkDepth bounds how deeply groups may nest below the root. The group
// tree is loaded eagerly and recursively when a file is opened, so without a
// bound a chain of links could exhaust the goroutine stack (a fatal error).
const MaxLinkDepth = 256

// MinLinkBytes is the fewest bytes a link (a link message or a symbol
// table entry) takes in a file. A file of n bytes names at most
// n/MinLinkBytes + 64 objects (MaxObjects); loading more means that a damaged
// file multiplies shared subtrees.
const MinLinkBytes = 8

// MaxObjects is the most objects that opening a file of fileSize bytes
// loads.
func MaxObjects(fileSize int64) int {
	return int(max(fileSize, 0)/MinLinkBytes) + 64
}

// MaxFilterExpansion bounds how many decoded bytes one stored byte of a
// filtered (compressed) chunk can give: deflate's largest ratio is about
// 1032 to 1. A chunk or selection that claims more (a compression bomb, or
// damaged sizes) is refused.
const MaxFilterExpansion = 1032

// ReaderSize returns the number of bytes behind r when r can tell (an
// *os.File, a *bytes.Reader, an *io.SectionReader, ...).
func ReaderSize(r io.ReaderAt) (uint64, bool) {
	switch x := r.(type) {
	case interface{ Size() int64 }:
		if n := x.Size(); n >= 0 {
			return uint64(n), true
		}
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := x.Stat(); err == nil && fi.Size() >= 0 {
			return uint64(fi.Size()), true
		}
	}
	return 0, false
}

// CheckRead returns an error unless n bytes at offset lie inside r's data.
// It is called before allocating a buffer of n bytes to read from offset.
// Readers whose size is unknown are not checked.
func CheckRead(r io.ReaderAt, offset, n uint64, what string) error {
	size, ok := ReaderSize(r)
	if !ok {
		return nil
	}
	if n > size || offset > size-n {
		return fmt.Errorf("%s: %d bytes at offset %d lie beyond the end of the file (%d bytes)", what, n, offset, size)
	}
	return nil
}

// CheckFileBytes returns an error when n exceeds the size of r's data: a
// quantity that the file must hold in full (all messages of an object
// header, all objects of a heap) cannot be larger than the file.
func CheckFileBytes(r io.ReaderAt, n uint64, what string) error {
	size, ok := ReaderSize(r)
	if ok && n > size {
		return fmt.Errorf("%s: %d bytes, more than the whole file (%d bytes)", what, n, size)
	}
	return nil
}

// CheckElements returns an error unless count elements of elemSize bytes
// each (at least one byte each, for the loop over them) fit in have bytes.
// It is called before allocating the decoded values.
func CheckElements(count, elemSize uint64, have int, what string) error {
	per := max(elemSize, 1)
	if count > math.MaxUint64/per || count*per > uint64(max(have, 0)) {
		return fmt.Errorf("%s: %d elements of %d bytes, but the data hold only %d bytes", what, count, elemSize, have)
	}
	return nil
}

// MulSaturate returns a*b, or math.MaxUint64 when the product overflows, so
// that a size computed from damaged fields fails the checks above instead
// of wrapping around to a small number.
func MulSaturate(a, b uint64) uint64 {
	if a != 0 && b > math.MaxUint64/a {
		return math.MaxUint64
	}
	return a * b
}
