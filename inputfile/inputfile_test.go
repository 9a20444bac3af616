package inputfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOnlyRegularFilesWithinTheLimit opens a regular file within and beyond
// its limit, and refuses a device, a named pipe (without blocking), a
// folder and a symbolic link to a device.
func TestOnlyRegularFilesWithinTheLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ReadAll(file, 10, "MaxTest")
	if err != nil || string(b) != "0123456789" {
		t.Fatalf("a 10-byte file with a limit of 10: %q, %v", b, err)
	}
	if _, err := ReadAll(file, 9, "MaxTest"); err == nil || !strings.Contains(err.Error(), "holds 10 bytes, more than MaxTest = 9") {
		t.Errorf("a 10-byte file with a limit of 9: %v", err)
	}
	if f, err := Open(file, -1, ""); err != nil {
		t.Errorf("no limit: %v", err)
	} else {
		f.Close()
	}
	fifo := filepath.Join(dir, "p")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/dev/zero":                   `"/dev/zero" is a device`,
		link:                          `zero" is a device`,
		fifo:                          `p" is a named pipe`,
		dir:                           "is a folder",
		filepath.Join(dir, "missing"): "no such file",
	} {
		if _, err := ReadAll(path, 1<<20, "MaxTest"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", path, err, want)
		}
	}
}
