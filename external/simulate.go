package external

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/laa-neuro/laa/dataset"
)

// Quoting a failed command's standard error.
const (
	// stderrKeepBytes is how much of the end of a command's standard error
	// is kept.
	stderrKeepBytes = 8 << 10
	// stderrQuoteLines is how many of its last lines an error quotes.
	stderrQuoteLines = 15
	// waitDelay is how long a finished or killed command's output pipes
	// may stay open (held by a child it started) before they are closed.
	waitDelay = 5 * time.Second
)

// Simulate fills x (n x D, row-major) for the n rows of theta (n x P),
// where n = len(rngs). Row i's seed is rngs[i].Uint64(), drawn for all rows
// before the command runs. For each batch of at most simulator.batch rows
// it runs the command, in the description's folder, with three paths
// appended to its arguments (also in the environment as LAA_THETA,
// LAA_SEEDS and LAA_OUT):
//
//	THETA.npy  float64, shape (rows, P): the parameters, in column order
//	SEEDS.npy  uint64, shape (rows,): row i's seed
//	OUT.npy    to be written by the command: float32 or float64, (rows, D)
//
// The command must draw row i's randomness from seeds[i] alone, so that a
// row's result does not depend on its batch or on the other rows. Its
// standard output is discarded; when it fails, the error quotes the end of
// its standard error. The files live in a fresh temporary folder, removed
// after each call. On error the content of x is unspecified.
func (s *SimulatedModel) Simulate(theta []float64, rngs []*rand.Rand, x []float64) error {
	return s.SimulateContext(context.Background(), theta, rngs, x)
}

// SimulateContext is Simulate with a context that stops the command when
// it is done (each call also stops after simulator.timeout_s).
func (s *SimulatedModel) SimulateContext(ctx context.Context, theta []float64, rngs []*rand.Rand, x []float64) error {
	n, p, d := len(rngs), len(s.params), s.desc.Observation.Length
	if len(theta) != n*p || len(x) != n*d {
		return fmt.Errorf("external model %q: simulate: %d rngs, %d theta values and %d x values; want n, n x %d and n x %d",
			s.desc.Name, n, len(theta), len(x), p, d)
	}
	for i, v := range theta {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("external model %q: simulate: theta row %d, %s is %v", s.desc.Name, i/p, s.params[i%p].Name, v)
		}
	}
	seeds := make([]uint64, n)
	for i, r := range rngs {
		seeds[i] = r.Uint64()
	}
	batch := s.desc.Simulator.Batch
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		if err := s.call(ctx, lo, theta[lo*p:hi*p], seeds[lo:hi], x[lo*d:hi*d]); err != nil {
			return fmt.Errorf("external model %q: simulator on rows %d to %d: %w", s.desc.Name, lo, hi-1, err)
		}
	}
	return nil
}

// call runs the command once, on the rows of theta and seeds, into x;
// first is the number of the batch's first row in the whole call.
func (s *SimulatedModel) call(ctx context.Context, first int, theta []float64, seeds []uint64, x []float64) (err error) {
	rows, p, d := len(seeds), len(s.params), s.desc.Observation.Length
	dir, err := os.MkdirTemp("", "laa-external-")
	if err != nil {
		return err
	}
	defer func() {
		if rmErr := os.RemoveAll(dir); rmErr != nil && err == nil {
			err = fmt.Errorf("remove temporary folder: %w", rmErr)
		}
	}()
	thetaPath := filepath.Join(dir, "theta.npy")
	seedsPath := filepath.Join(dir, "seeds.npy")
	outPath := filepath.Join(dir, "out.npy")
	if err := writeNPY(thetaPath, theta, rows, p); err != nil {
		return err
	}
	if err := writeNPY(seedsPath, seeds, rows); err != nil {
		return err
	}
	if err := s.run(ctx, thetaPath, seedsPath, outPath); err != nil {
		return err
	}
	return readOut(outPath, first, rows, d, x)
}

// run runs the command with the three paths appended and waits for it.
func (s *SimulatedModel) run(ctx context.Context, thetaPath, seedsPath, outPath string) error {
	sim := s.desc.Simulator
	prog, err := program(sim.Command[0], s.desc.Dir)
	if err != nil {
		return fmt.Errorf("command %s: %w", quoteArgs(sim.Command), err)
	}
	timeout := time.Duration(sim.TimeoutS * float64(time.Second))
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := append(append([]string(nil), sim.Command[1:]...), thetaPath, seedsPath, outPath)
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Args[0] = sim.Command[0]
	cmd.Dir = s.desc.Dir
	cmd.Env = append(os.Environ(), "LAA_THETA="+thetaPath, "LAA_SEEDS="+seedsPath, "LAA_OUT="+outPath)
	var stderr tail
	cmd.Stderr = &stderr
	cmd.WaitDelay = waitDelay
	runErr := cmd.Run()
	switch {
	case runErr == nil:
		return nil
	case parent.Err() != nil:
		return fmt.Errorf("command %s stopped: %w", quoteArgs(sim.Command), parent.Err())
	case ctx.Err() != nil:
		return fmt.Errorf("command %s did not finish within simulator.timeout_s = %g s%s", quoteArgs(sim.Command), sim.TimeoutS, stderr.quote())
	}
	return fmt.Errorf("command %s failed (%v)%s", quoteArgs(sim.Command), runErr, stderr.quote())
}

// readOut reads the command's output, rows x d values, into x; first is
// the number of the batch's first row, for messages.
func readOut(path string, first, rows, d int, x []float64) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("the command succeeded but wrote no output (write it to the third path appended to the arguments, also in $LAA_OUT, with numpy.save)")
	}
	if err != nil {
		return err
	}
	if most := int64(rows)*int64(d)*8 + dataset.MaxNPYHeaderBytes + 16; fi.Size() > most {
		return fmt.Errorf("output holds %d bytes, more than %d rows of %d float64 values need", fi.Size(), rows, d)
	}
	v, shape, err := dataset.ReadNPY(path)
	if err != nil {
		if first > 0 {
			return fmt.Errorf("output (its row r is row %d+r of all rows): %w", first, err)
		}
		return fmt.Errorf("output: %w", err)
	}
	if len(shape) != 2 || shape[0] != rows || shape[1] != d {
		return fmt.Errorf("output has shape %s, want (%d, %d): one row of observation.length = %d values per theta row", dataset.ShapeString(shape), rows, d, d)
	}
	copy(x, v)
	return nil
}

// tail keeps the last stderrKeepBytes bytes written to it.
type tail struct{ b []byte }

// Write keeps the end of what was written.
func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if over := len(t.b) - stderrKeepBytes; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

// quote returns the last lines kept, indented, for an error message, or ""
// when the command wrote nothing to standard error.
func (t *tail) quote() string {
	text := strings.TrimRight(strings.ToValidUTF8(string(t.b), "?"), "\n\r\t ")
	if text == "" {
		return "; its standard error was empty"
	}
	lines := strings.Split(text, "\n")
	if len(lines) > stderrQuoteLines {
		lines = lines[len(lines)-stderrQuoteLines:]
	}
	return "; its standard error ends:\n    " + strings.Join(lines, "\n    ")
}

// quoteArgs formats a command line for messages.
func quoteArgs(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = fmt.Sprintf("%q", clip(a))
	}
	return "[" + strings.Join(q, " ") + "]"
}
