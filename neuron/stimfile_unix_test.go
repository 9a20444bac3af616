//go:build unix

package neuron

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLegacyStimulusRefusesDevicesAndPipes checks that /dev/zero and a FIFO
// named inside a model file are refused without being read (a FIFO without
// writer would block an open forever).
func TestLegacyStimulusRefusesDevicesAndPipes(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "zero.csv")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/dev/zero": "is a device", fifo: "is a named pipe", link: "is a device"} {
		cfg := Default()
		cfg.Stimulus = Stimulus{Kind: StimFile, File: path}
		done := make(chan error, 1)
		go func() { _, err := cfg.EmbedLegacyStimulus(); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v, want %q", path, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: EmbedLegacyStimulus blocked", path)
		}
	}
}
