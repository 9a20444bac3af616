// Package atomicfile writes files so that no reader ever sees a partial one:
// the content goes to a temporary file in the same directory, which is
// synced to disk and renamed into place only when it is complete, and the
// directory is synced after the rename. A registry of the temporary files
// in flight lets a process that is interrupted remove them (Abandon).
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
)

// ErrAbandoned is returned by writes that would have created or renamed a
// temporary file after Abandon.
var ErrAbandoned = errors.New("atomicfile: writes abandoned: the process is exiting")

// The registry of temporary files in flight. mu is held while a temporary
// file is created and registered, and while one is renamed into place and
// unregistered, so Abandon never sees a rename half done.
var (
	mu        sync.Mutex
	pending   = map[string]bool{}
	abandoned bool
)

// Abandon removes the temporary file of every write in progress and makes
// every later attempt to create or rename one fail with ErrAbandoned, so
// that no file is replaced after it returns: a file is either complete in
// its place or untouched. It is meant for a process about to exit on a
// signal, and returns the names of the files it removed, sorted.
func Abandon() []string {
	mu.Lock()
	defer mu.Unlock()
	abandoned = true
	removed := make([]string, 0, len(pending))
	for name := range pending {
		if os.Remove(name) == nil {
			removed = append(removed, name)
		}
		delete(pending, name)
	}
	sort.Strings(removed)
	return removed
}

// create makes and registers a temporary file beside path.
func create(path string) (*os.File, error) {
	mu.Lock()
	defer mu.Unlock()
	if abandoned {
		return nil, ErrAbandoned
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	pending[f.Name()] = true
	return f, nil
}

// discard removes a temporary file and unregisters it.
func discard(name string) {
	mu.Lock()
	defer mu.Unlock()
	os.Remove(name)
	delete(pending, name)
}

// commit renames a temporary file into place and unregisters it.
func commit(tmp, path string) error {
	mu.Lock()
	defer mu.Unlock()
	if abandoned {
		return ErrAbandoned
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	delete(pending, tmp)
	return nil
}

// Write creates path with the content that write puts into the file it is
// given. The file is synced before it is renamed into place and its
// directory after. On any error (from write, syncing, closing or renaming)
// the temporary file is removed and path is left as it was.
func Write(path string, write func(f *os.File) error) (err error) {
	f, err := create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			discard(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = commit(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := SyncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("write %s: sync its folder: %w", path, err)
	}
	return nil
}

// SyncDir flushes a directory's entries (a rename, new files) to disk.
// File systems that cannot sync a directory are not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// WriteBytes creates path holding b.
func WriteBytes(path string, b []byte) error {
	return Write(path, func(f *os.File) error {
		_, err := f.Write(b)
		return err
	})
}

// WriteJSON creates path holding v as indented JSON.
func WriteJSON(path string, v any) error {
	b, err := marshalJSON(v)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteBytes(path, append(b, '\n'))
}
