package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := WriteBytes(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(f *os.File) error {
		f.Write([]byte("half of the sec"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("failed write changed the file to %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d files in the directory, want 1 (no temporary left)", len(ents))
	}
	if err := WriteBytes(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

// TestAbandonRemovesTemporariesAndStopsRenames: a write in progress when
// Abandon is called loses its temporary file and leaves the old content in
// place; later writes are refused.
func TestAbandonRemovesTemporariesAndStopsRenames(t *testing.T) {
	defer func() { mu.Lock(); abandoned = false; mu.Unlock() }()
	dir := t.TempDir()
	path := filepath.Join(dir, "m.laa")
	if err := WriteBytes(path, []byte("epoch 1")); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan string), make(chan bool)
	done := make(chan error)
	go func() {
		done <- Write(path, func(f *os.File) error {
			f.Write([]byte("epoch 2, half writ"))
			started <- f.Name()
			<-release
			return nil
		})
	}()
	tmp := <-started
	removed := Abandon()
	if len(removed) != 1 || removed[0] != tmp {
		t.Fatalf("Abandon removed %v, want [%s]", removed, tmp)
	}
	close(release)
	if err := <-done; !errors.Is(err, ErrAbandoned) {
		t.Fatalf("the write in progress returned %v, want ErrAbandoned", err)
	}
	if err := WriteBytes(filepath.Join(dir, "later"), nil); !errors.Is(err, ErrAbandoned) {
		t.Fatalf("a write after Abandon returned %v, want ErrAbandoned", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "epoch 1" {
		t.Fatalf("the file holds %q, want the last complete content", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d files in the folder, want 1 (no temporary left)", len(ents))
	}
}
