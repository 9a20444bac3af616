package external

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model"
)

// shModel returns a two-parameter model whose simulator is the shell
// script run by /bin/sh -c in dir (the three paths are $1 $2 $3).
func shModel(t *testing.T, dir, script string, length, batch int, timeoutS float64) *SimulatedModel {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the command protocol tests run /bin/sh")
	}
	q, err := json.Marshal(script)
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf(`
name: sh
parameters:
  - {name: a, prior: {dist: normal, mean: 0, sd: 1}}
  - {name: b, prior: {dist: uniform, low: 1, high: 2}}
observation: {length: %d}
simulator: {command: ["/bin/sh", "-c", %s, "sh"], batch: %d, timeout_s: %g}
`, length, q, batch, timeoutS)
	m, err := Parse([]byte(text), dir)
	if err != nil {
		t.Fatal(err)
	}
	return m.(*SimulatedModel)
}

// streams returns the random streams of rows lo to hi-1 of a run.
func streams(seed uint64, lo, hi int) []*rand.Rand {
	r := make([]*rand.Rand, 0, hi-lo)
	for i := lo; i < hi; i++ {
		r = append(r, model.Stream(seed, uint64(i)))
	}
	return r
}

// simulateRows draws rows lo to hi-1 of a run as the generic path does
// (theta from the prior, then the simulation, from one stream per row).
func simulateRows(t *testing.T, m model.Simulator, seed uint64, lo, hi int) (theta, x []float64) {
	t.Helper()
	p, d := len(m.Parameters()), m.Observation().Length
	rngs := streams(seed, lo, hi)
	theta = make([]float64, len(rngs)*p)
	for i, r := range rngs {
		model.SamplePrior(m, r, theta[i*p:(i+1)*p])
	}
	x = make([]float64, len(rngs)*d)
	if err := m.Simulate(theta, rngs, x); err != nil {
		t.Fatal(err)
	}
	return theta, x
}

func TestSimulatePassesThetaAndEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Output = THETA.npy itself (D = P = 2), once the environment and the
	// working folder are checked; each call appends a line to calls.txt.
	script := fmt.Sprintf(`[ "$LAA_THETA" = "$1" ] && [ "$LAA_SEEDS" = "$2" ] && [ "$LAA_OUT" = "$3" ] || exit 3
[ "$(pwd -P)" = %q ] || exit 4
echo call >> calls.txt
cp "$1" "$3"`, real)
	m := shModel(t, dir, script, 2, 3, 30)
	rngs := streams(11, 0, 7)
	theta := make([]float64, 7*2)
	for i, r := range rngs {
		model.SamplePrior(m, r, theta[2*i:2*i+2])
	}
	x := make([]float64, 7*2)
	if err := m.Simulate(theta, rngs, x); err != nil {
		t.Fatal(err)
	}
	for i := range theta {
		if math.Float64bits(theta[i]) != math.Float64bits(x[i]) {
			t.Fatalf("value %d: theta %v came back as %v", i, theta[i], x[i])
		}
	}
	calls, err := os.ReadFile(filepath.Join(dir, "calls.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(calls), "call"); n != 3 {
		t.Errorf("%d calls for 7 rows in batches of 3, want 3", n)
	}
	// Simulate took exactly one draw, the seed, from each stream.
	for i, r := range rngs {
		ref := model.Stream(11, uint64(i))
		model.SamplePrior(m, ref, make([]float64, 2))
		ref.Uint64()
		if r.Uint64() != ref.Uint64() {
			t.Fatalf("row %d: Simulate took other than one draw from its stream", i)
		}
	}
}

func TestSimulateRemovesTemporaryFolders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, script := range []string{
		`dirname "$3" >> folders.txt; cp "$1" "$3"`,         // succeeds
		`dirname "$3" >> folders.txt; cp "$1" "$3"; exit 1`, // fails
		`dirname "$3" >> folders.txt; echo 1 > "$3"`,        // writes no .npy
	} {
		m := shModel(t, dir, script, 2, 2, 30)
		err := m.Simulate(make([]float64, 6), streams(1, 0, 3), make([]float64, 6))
		if (err == nil) != (i == 0) {
			t.Fatalf("script %d: error %v", i, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "folders.txt"))
	if err != nil {
		t.Fatal(err)
	}
	folders := strings.Fields(string(b))
	if len(folders) != 4 { // 2 calls, then one failed call each
		t.Fatalf("%d calls, want 4: %q", len(folders), folders)
	}
	for _, f := range folders {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("temporary folder %s is left behind (%v)", f, err)
		}
	}
}

func TestSimulateQuotesStandardError(t *testing.T) {
	t.Parallel()
	script := `i=1; while [ $i -le 30 ]; do echo "progress line $i" >&2; i=$((i+1)); done
echo "fatal: the solver diverged" >&2; exit 1`
	m := shModel(t, t.TempDir(), script, 2, 1000, 30)
	err := m.Simulate(make([]float64, 4), streams(1, 0, 2), make([]float64, 4))
	if err == nil {
		t.Fatal("a command exiting 1 succeeded")
	}
	msg := err.Error()
	for _, want := range []string{`external model "sh"`, "rows 0 to 1", "exit status 1", "fatal: the solver diverged", "progress line 17"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "progress line 16\n") {
		t.Errorf("error quotes more than the last %d lines:\n%s", stderrQuoteLines, msg)
	}
}

func TestSimulateTimesOut(t *testing.T) {
	t.Parallel()
	const timeoutS, mostS = 0.3, 4.0
	m := shModel(t, t.TempDir(), `exec sleep 30`, 2, 1000, timeoutS)
	start := time.Now()
	err := m.Simulate(make([]float64, 2), streams(1, 0, 1), make([]float64, 2))
	if err == nil || !strings.Contains(err.Error(), "did not finish within simulator.timeout_s = 0.3 s") {
		t.Fatalf("error %v, want a timeout", err)
	}
	if s := time.Since(start).Seconds(); s > mostS {
		t.Errorf("timed out after %.1f s, want under %g s", s, mostS)
	}
}

func TestSimulateStopsWithContext(t *testing.T) {
	t.Parallel()
	m := shModel(t, t.TempDir(), `exec sleep 30`, 2, 1000, 60)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := m.SimulateContext(ctx, make([]float64, 2), streams(1, 0, 1), make([]float64, 2))
	if err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Fatalf("error %v, want one saying the command stopped", err)
	}
}

func TestSimulateRefusesBadOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const rows, d = 5, 3
	put := func(name string, data any, shape ...int) string {
		path := filepath.Join(dir, name)
		if err := writeNPY(path, data, shape...); err != nil {
			t.Fatal(err)
		}
		return path
	}
	nan := make([]float64, 2*d) // the second batch: rows 3 and 4
	nan[d+2] = math.NaN()
	huge := filepath.Join(dir, "huge.npy")
	if err := os.WriteFile(huge, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	good := put("good.npy", make([]float64, 3*d), 3, d)
	cases := []struct{ name, script, want string }{
		{"wrong shape", fmt.Sprintf(`cp %q "$3"`, put("wide.npy", make([]float64, 3*(d+1)), 3, d+1)), "output has shape (3, 4), want (3, 3)"},
		{"one dimension", fmt.Sprintf(`cp %q "$3"`, put("flat.npy", make([]float64, 3*d), 3*d)), "output has shape (9,), want (3, 3)"},
		{"integers", fmt.Sprintf(`cp %q "$3"`, put("int.npy", make([]uint64, 3*d), 3, d)), `dtype "<u8" is not supported`},
		{"nan", fmt.Sprintf(`if [ -e done ]; then cp %q "$3"; else touch done; cp %q "$3"; fi`, put("nan.npy", nan, 2, d), good),
			"rows 3 to 4: output (its row r is row 3+r of all rows): read "},
		{"nothing written", `exit 0`, "wrote no output"},
		{"too large", fmt.Sprintf(`cp %q "$3"`, huge), "output holds 1048576 bytes, more than 3 rows of 3 float64 values need"},
		{"not npy", `echo hello > "$3"`, "read "},
	}
	for _, c := range cases {
		m := shModel(t, dir, c.script, d, 3, 30)
		err := m.Simulate(make([]float64, rows*2), streams(1, 0, rows), make([]float64, rows*d))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if c.name == "nan" && (err == nil || !strings.Contains(err.Error(), "row 1, column 2 is NaN")) {
			t.Errorf("nan: error %v does not name the row and column", err)
		}
	}
}

func TestSimulateRefusesBadArguments(t *testing.T) {
	t.Parallel()
	m := shModel(t, t.TempDir(), `exit 1`, 2, 1000, 30)
	cases := []struct {
		name     string
		theta, x []float64
		n        int
		want     string
	}{
		{"short theta", make([]float64, 3), make([]float64, 4), 2, "want n, n x 2 and n x 2"},
		{"long x", make([]float64, 4), make([]float64, 5), 2, "want n, n x 2 and n x 2"},
		{"nan theta", []float64{0, 1, 2, math.NaN()}, make([]float64, 4), 2, "theta row 1, b is NaN"},
	}
	for _, c := range cases {
		err := m.Simulate(c.theta, streams(1, 0, c.n), c.x)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if err := m.Simulate(nil, nil, nil); err != nil {
		t.Errorf("no rows ran the command: %v", err)
	}
}

func TestDecodedModelWithoutItsProgram(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prog := filepath.Join(dir, "sim.sh")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\ncp \"$1\" \"$3\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := "name: m\nparameters: [{name: a, prior: {dist: normal, mean: 0, sd: 1}}]\n" +
		"observation: {length: 1}\nsimulator: {command: [./sim.sh]}\n"
	if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(filepath.Join(dir, "m.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := m.Spec()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(spec)
	if err != nil {
		t.Fatal(err)
	}
	sm, ok := got.(*SimulatedModel)
	if !ok {
		t.Fatalf("decoded %T: %s", got, got.(*Model).NotSimulated())
	}
	if err := os.Remove(prog); err != nil {
		t.Fatal(err)
	}
	err = sm.Simulate(make([]float64, 1), streams(1, 0, 1), make([]float64, 1))
	if err == nil || !strings.Contains(err.Error(), `program "./sim.sh": no such file`) {
		t.Errorf("error %v, want one naming the missing program", err)
	}
}

func TestWriteNPY(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	want := []float64{1.5, -2, math.Pi, 1e-300, 0, 7}
	path := filepath.Join(dir, "f.npy")
	if err := writeNPY(path, want, 2, 3); err != nil {
		t.Fatal(err)
	}
	got, shape, err := dataset.ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 2 || shape[0] != 2 || shape[1] != 3 {
		t.Fatalf("shape %v, want [2 3]", shape)
	}
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Errorf("value %d: %v, want %v", i, got[i], want[i])
		}
	}
	seeds := []uint64{0, 1, math.MaxUint64, 0x0102030405060708}
	path = filepath.Join(dir, "u.npy")
	if err := writeNPY(path, seeds, 4); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	hlen := int(binary.LittleEndian.Uint16(b[8:10]))
	header := string(b[10 : 10+hlen])
	if string(b[:8]) != "\x93NUMPY\x01\x00" || (10+hlen)%64 != 0 || !strings.HasSuffix(header, "\n") {
		t.Fatalf("bad preamble or header padding: %q", b[:10+hlen])
	}
	if !strings.HasPrefix(header, "{'descr': '<u8', 'fortran_order': False, 'shape': (4,), }") {
		t.Errorf("header %q", header)
	}
	body := b[10+hlen:]
	if len(body) != 32 || binary.LittleEndian.Uint64(body[24:]) != 0x0102030405060708 || body[24] != 0x08 {
		t.Errorf("body % x", body)
	}
	if err := writeNPY(path, seeds, 3); err == nil {
		t.Error("4 values written as shape (3,)")
	}
}
