//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// started is a laa process with its stderr.
type started struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
}

// start runs laa with args in dir.
func start(t *testing.T, bin, dir string, args ...string) *started {
	t.Helper()
	s := &started{cmd: exec.Command(bin, args...)}
	s.cmd.Dir = dir
	s.cmd.Stderr = &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}

// stop sends sig and returns the exit status and stderr.
func (s *started) stop(t *testing.T, sig os.Signal) (int, string) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := s.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return s.cmd.ProcessState.ExitCode(), s.stderr.String()
}

// noTemporaries fails when dir holds a temporary file of atomicfile.
func noTemporaries(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestInterrupts: SIGINT during simulate and train ends laa with one line,
// exit status 130 (143 for SIGTERM), no temporary file left, and the last
// checkpoint intact, from which train --resume finishes the run.
func TestInterrupts(t *testing.T) {
	t.Parallel()
	bin := laaBinary(t)
	dir := t.TempDir()

	for _, c := range []struct {
		sig  os.Signal
		code int
		name string
	}{{os.Interrupt, 130, "SIGINT"}, {syscall.SIGTERM, 143, "SIGTERM"}} {
		sim := start(t, bin, dir, "simulate", "-n", "200000", "-o", "big.npz") // about a minute of work
		time.Sleep(time.Second)
		code, stderr := sim.stop(t, c.sig)
		want := "laa: interrupted by " + c.name + "; temporary files removed; big.npz was not written\n"
		if code != c.code || !strings.HasSuffix(stderr, want) {
			t.Errorf("simulate, %s: exit %d, stderr ending %q; want %d and %q", c.name, code, lastLine(stderr), c.code, want)
		}
		noTemporaries(t, dir)
	}

	out, err := exec.Command(bin, "simulate", "-n", "1000", "-o", filepath.Join(dir, "d.npz")).CombinedOutput()
	if err != nil {
		t.Fatalf("simulate: %v\n%s", err, out)
	}
	trainArgs := []string{"train", "--data", "d.npz", "--preset", "mlp", "--epochs", "60", "--patience", "0", "-o", "m.laa", "--quiet"}
	tr := start(t, bin, dir, trainArgs...)
	deadline := time.Now().Add(20 * time.Second)
	for { // the first checkpoint
		if _, err := os.Stat(filepath.Join(dir, "m.laa")); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond) // a few epochs more, and possibly a checkpoint in flight
	code, stderr := tr.stop(t, os.Interrupt)
	if code != 130 || !strings.Contains(stderr, "laa: interrupted by SIGINT; temporary files removed; m.laa holds the last completed epoch") ||
		!strings.Contains(stderr, "continue with 'laa train --resume --data d.npz -o m.laa'") {
		t.Fatalf("train: exit %d, stderr %q", code, stderr)
	}
	noTemporaries(t, dir)
	resume := exec.Command(bin, "train", "--resume", "--data", "d.npz", "-o", "m.laa", "--quiet")
	resume.Dir = dir
	out, err = resume.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "of 60 (epochs)") {
		t.Fatalf("train --resume after the interrupt: %v\n%s", err, out)
	}
	noTemporaries(t, dir)
}

// lastLine returns the last line of s.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}
