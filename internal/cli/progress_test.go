package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLineMeterWritesATenthAtATime(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0)}
	m := newLineMeter(&buf, 1000, "simulate", "sims", clock.now)
	for range 100 {
		clock.advance(10 * time.Millisecond)
		m.Add(10) // 1000 sims per second
	}
	m.Finish() // the last line already showed 1000 of 1000
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines, want one per tenth (10):\n%s", len(lines), buf.String())
	}
	if want := "simulate: 100/1000 sims (10%), 1000 sims/s, ETA 1s"; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if want := "simulate: 500/1000 sims (50%), 1000 sims/s, ETA 1s"; lines[4] != want {
		t.Errorf("fifth line %q, want %q", lines[4], want)
	}
	if want := "simulate: 1000/1000 sims (100%), 1000 sims/s, took 1s"; lines[9] != want {
		t.Errorf("last line %q, want %q", lines[9], want)
	}
	if strings.Contains(buf.String(), "\r") {
		t.Error("a carriage return in the lines for a log")
	}
}

func TestLineMeterWritesEveryTenSeconds(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0)}
	m := newLineMeter(&buf, 1000, "train", "batches", clock.now)
	m.Describe("epoch 1  loss 2.000  val -")
	for i := 1; i <= 31; i++ { // 31 batches, 2 s each: 62 s, not yet a tenth
		clock.advance(2 * time.Second)
		m.Set(i)
	}
	m.Finish() // stopped early: the last count is written
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []string{
		"train: 5/1000 batches (0%), 0.500 batches/s, ETA 33m10s; epoch 1  loss 2.000  val -",
		"train: 10/1000 batches (1%), 0.500 batches/s, ETA 33m0s; epoch 1  loss 2.000  val -",
		"train: 15/1000 batches (1%), 0.500 batches/s, ETA 32m50s; epoch 1  loss 2.000  val -",
		"train: 20/1000 batches (2%), 0.500 batches/s, ETA 32m40s; epoch 1  loss 2.000  val -",
		"train: 25/1000 batches (2%), 0.500 batches/s, ETA 32m30s; epoch 1  loss 2.000  val -",
		"train: 30/1000 batches (3%), 0.500 batches/s, ETA 32m20s; epoch 1  loss 2.000  val -",
		"train: 31/1000 batches (3%), 0.500 batches/s, ETA 32m18s; epoch 1  loss 2.000  val -",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLineMeterOfPercent(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0)}
	m := newLineMeter(&buf, 100, "mcmc", "%", clock.now)
	clock.advance(4 * time.Second)
	m.Set(20)
	if want := "mcmc: 20%, 5.00 %/s, ETA 16s\n"; buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}

// TestProgressBarOnTerminalLinesElsewhere checks the two modes of
// newBar: a bar redrawn with carriage returns on a terminal, plain lines
// otherwise, nothing with --quiet.
func TestProgressBarOnTerminalLinesElsewhere(t *testing.T) {
	draw := func(e *env) string {
		bar := e.newBar(200, "simulate", "sims")
		for range 200 {
			bar.Add(1)
		}
		bar.Finish()
		return e.stderr.(*bytes.Buffer).String()
	}
	onTerminal := draw(&env{stderr: new(bytes.Buffer), terminal: true})
	if !strings.Contains(onTerminal, "\r") || !strings.Contains(onTerminal, "200/200") {
		t.Errorf("on a terminal: want a bar redrawn with carriage returns, got %q", onTerminal)
	}
	inLog := draw(&env{stderr: new(bytes.Buffer)})
	if strings.Contains(inLog, "\r") || strings.Count(inLog, "\n") != 10 || !strings.Contains(inLog, "simulate: 200/200 sims (100%)") {
		t.Errorf("in a log: want 10 plain lines, got %q", inLog)
	}
	if quiet := draw(&env{stderr: new(bytes.Buffer), quiet: true, terminal: true}); quiet != "" {
		t.Errorf("with --quiet: want nothing, got %q", quiet)
	}
}

// TestSimulateLogHasNoCarriageReturns runs the command as a batch job
// does, with stderr in a file.
func TestSimulateLogHasNoCarriageReturns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	code := Main([]string{"simulate", "-n", "40", "--seed", "2", "-o", filepath.Join(dir, "s.npz")}, &stdout, log)
	log.Close()
	text, _ := os.ReadFile(logPath)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), text)
	}
	if strings.Contains(string(text), "\r") || !strings.Contains(string(text), "simulate: 40/40 sims (100%)") {
		t.Fatalf("stderr in a file: want plain lines ending at 40/40, got %q", text)
	}
}
