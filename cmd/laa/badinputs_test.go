package main

// The hostile-input suite: every defect class of the bad-inputs list (issue
// 11) run through the real binary. Small inputs are committed under
// testdata/badinputs; the large ones are rebuilt here from a fresh data set
// and an untrained model, with the same defect. Each command must end with
// exit status 1 and a one-line error, or, where the input is legitimate,
// with the right answer; never a panic or a fatal error, never a file
// outside its folder or a partial output, never more than 1 GB of memory.

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// maxRSSBytes is the memory any command may take on a hostile input.
const maxRSSBytes = 1 << 30

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the binary and the fixtures the tests built once.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	if fix.dir != "" {
		os.RemoveAll(fix.dir)
	}
	os.Exit(code)
}

// laaBinary builds the command once per test run (the hostile-input and
// interrupt tests share it).
func laaBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "laa-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "laa")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, string(out)}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// result is how one command ended.
type result struct {
	code   int
	stderr string
	stdout string
	rss    int64 // peak resident memory, bytes
}

// runLaa runs the binary in dir with a time limit and measures its peak memory.
func runLaa(t *testing.T, dir string, limit time.Duration, args ...string) result {
	t.Helper()
	cmd := exec.Command(laaBinary(t), append([]string{"-q"}, args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	r := result{stderr: stderr.String(), stdout: stdout.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rss = ru.Maxrss * 1024
	}
	r.code = cmd.ProcessState.ExitCode()
	if err != nil && r.code < 0 {
		t.Fatalf("laa %s: killed after %v (hang or runaway): %v\nstderr: %s", strings.Join(args, " "), limit, err, tail(r.stderr))
	}
	return r
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// checkSane fails on a panic, a fatal error, or too much memory.
func checkSane(t *testing.T, r result, args string) {
	t.Helper()
	for _, bad := range []string{"panic:", "fatal error:", "goroutine ", "runtime error"} {
		if strings.Contains(r.stderr, bad) {
			t.Fatalf("laa %s: %q in stderr:\n%s", args, bad, tail(r.stderr))
		}
	}
	if r.rss > maxRSSBytes {
		t.Errorf("laa %s: peak memory %.0f MB, limit %d MB", args, float64(r.rss)/1e6, maxRSSBytes>>20)
	}
}

// fixtures holds the inputs every case starts from.
type fixtures struct {
	dir string // holds base.npz, m.laa, m300.laa and the committed small files
}

var (
	fixOnce sync.Once
	fix     fixtures
	fixErr  error
)

// setup builds the shared inputs once: a 300-row data set of the default
// protocol, an untrained model of it, one of a 300 ms protocol, and copies
// of the committed small files.
func setup(t *testing.T) fixtures {
	t.Helper()
	fixOnce.Do(func() {
		dir, err := os.MkdirTemp("", "laa-bad")
		if err != nil {
			fixErr = err
			return
		}
		fix.dir = dir
		if err := os.CopyFS(dir, os.DirFS("testdata/badinputs")); err != nil {
			fixErr = err
			return
		}
		r := runLaa(t, dir, 2*time.Minute, "simulate", "-n", "300", "--seed", "5", "-o", "base.npz")
		if r.code != 0 {
			fixErr = &buildError{io.ErrUnexpectedEOF, "simulate base.npz: " + r.stderr}
			return
		}
		m, _ := testmodel.Untrained(t, neuron.Default())
		if fixErr = npe.Save(filepath.Join(dir, "m.laa"), m, npe.Extra{}); fixErr != nil {
			return
		}
		short := neuron.Default()
		short.DurationMs = 300
		short.Stimulus = neuron.Stimulus{Kind: neuron.StimStaircase, Times: []float64{50, 150}, Levels: []float64{1, 0}}
		m300, _ := testmodel.Untrained(t, short)
		fixErr = npe.Save(filepath.Join(dir, "m300.laa"), m300, npe.Extra{})
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

// caseDir makes root/a/case holding copies of the fixtures, so an output
// escaping two levels up still lands inside root, where snapshot sees it.
func caseDir(t *testing.T, f fixtures) (root, dir string) {
	root = t.TempDir()
	dir = filepath.Join(root, "a", "case")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dir, os.DirFS(f.dir)); err != nil {
		t.Fatal(err)
	}
	return root, dir
}

// snapshot lists every file under root with its size and modification time.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[rel] = fmt.Sprint(info.ModTime().UnixNano(), " ", info.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// changes returns the paths added or modified between two snapshots.
func changes(before, after map[string]string) []string {
	var out []string
	for p, v := range after {
		if before[p] != v {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// hostileCase is one command on one input.
type hostileCase struct {
	name  string
	prep  func(t *testing.T, dir string) // builds the defective input in dir
	args  []string                       // the command; outputs must stay under outs
	outs  []string                       // paths (relative to the case dir) the command may create
	code  int                            // expected exit status
	want  string                         // text stderr must hold (an error or a warning), if any
	check func(t *testing.T, dir string) // the right answer, for legitimate inputs
}

func TestHostileInputs(t *testing.T) {
	f := setup(t)
	base := filepath.Join(f.dir, "base.npz")
	cases := []hostileCase{
		{name: "fortran-order traces read right",
			prep: func(t *testing.T, dir string) { rewriteNPZ(t, base, filepath.Join(dir, "fortran.npz"), fortranTraces) },
			args: []string{"merge", "-o", "merged.npz", "fortran.npz"}, outs: []string{"merged.npz"},
			check: func(t *testing.T, dir string) { sameData(t, base, filepath.Join(dir, "merged.npz")) }},
		{name: "fortran-order traces train",
			prep: func(t *testing.T, dir string) { rewriteNPZ(t, base, filepath.Join(dir, "fortran.npz"), fortranTraces) },
			args: []string{"train", "--data", "fortran.npz", "--summary", "lstm", "--epochs", "1", "-o", "f.laa"}, outs: []string{"f.laa", "f.history.json"}},
		{name: "header keys in another order read right",
			prep: func(t *testing.T, dir string) {
				rewriteNPZ(t, base, filepath.Join(dir, "reordered.npz"), reorderHeaders)
			},
			args: []string{"merge", "-o", "merged.npz", "reordered.npz"}, outs: []string{"merged.npz"},
			check: func(t *testing.T, dir string) { sameData(t, base, filepath.Join(dir, "merged.npz")) }},
		{name: "header claims fewer rows than the file holds",
			prep: func(t *testing.T, dir string) { rewriteNPZ(t, base, filepath.Join(dir, "bad.npz"), shrinkThetaShape) },
			args: []string{"train", "--data", "bad.npz", "-o", "x.laa"}, code: 1},
		{name: "header without newline",
			prep: func(t *testing.T, dir string) { rewriteNPZ(t, base, filepath.Join(dir, "bad.npz"), garbageTheta) },
			args: []string{"train", "--data", "bad.npz", "-o", "x.laa"}, code: 1},
		{name: "244-byte file claiming 500 million values",
			args: []string{"train", "--data", "claim_244_bytes.npz", "-o", "x.laa"}, code: 1},
		{name: "traces claiming 10^12 rows",
			args: []string{"train", "--data", "huge_traces_1e12.npz", "-o", "x.laa"}, code: 1},
		{name: "shape overflowing int64 in merge",
			args: []string{"merge", "-o", "merged.npz", "overflow_shape.npz"}, code: 1},
		{name: "shape overflowing int64 in diagnose",
			args: []string{"diagnose", "--model", "m.laa", "--data", "overflow_shape.npz", "-o", "rep"}, code: 1},
		{name: "zip-bombed metadata",
			prep: func(t *testing.T, dir string) { rewriteNPZ(t, base, filepath.Join(dir, "bomb.npz"), bombMeta) },
			args: []string{"train", "--data", "bomb.npz", "--epochs", "1", "-o", "x.laa"}, code: 1},
		{name: "duplicate zip entries",
			prep: func(t *testing.T, dir string) { rewriteNPZ(t, base, filepath.Join(dir, "dup.npz"), duplicateTheta) },
			args: []string{"train", "--data", "dup.npz", "--epochs", "1", "-o", "x.laa"}, code: 1, want: "theta"},
		{name: "data set stimulus naming /dev/zero",
			prep: func(t *testing.T, dir string) { rewriteNPZ(t, base, filepath.Join(dir, "dz.npz"), devZeroMeta) },
			args: []string{"train", "--data", "dz.npz", "--epochs", "1", "-o", "x.laa"}, code: 1},
		{name: "model stimulus naming /dev/zero",
			prep: func(t *testing.T, dir string) { rewriteModel(t, dir, "dz.laa", devZeroExperiment) },
			args: []string{"info", "dz.laa"}, code: 1},
		{name: "model with a negative array length and a valid CRC",
			prep: func(t *testing.T, dir string) { rewriteModel(t, dir, "neg.laa", negativeLength) },
			args: []string{"info", "neg.laa"}, code: 1},
		{name: "data set without meta, 900 samples per trace",
			prep: func(t *testing.T, dir string) { numpyUser(t, base, filepath.Join(dir, "np900.npz"), 900, nil) },
			args: []string{"train", "--data", "np900.npz", "--summary", "lstm", "--epochs", "1", "-o", "x.laa"}, outs: []string{"x.laa", "x.history.json"},
			check: func(t *testing.T, dir string) {
				m, _, err := npe.Load(filepath.Join(dir, "x.laa"))
				if err != nil {
					t.Fatal(err)
				}
				if got := m.Experiment.NumSamples(); got != 900 {
					t.Errorf("model trained on a 900-sample data set records %d samples per trace", got)
				}
			}},
		{name: "data set without meta, another stimulus",
			prep: func(t *testing.T, dir string) {
				numpyUser(t, base, filepath.Join(dir, "other.npz"), 600, func(tm float64) float64 {
					if tm >= 100 && tm < 400 {
						return 3
					}
					return 0
				})
			},
			args: []string{"train", "--data", "other.npz", "--summary", "lstm", "--epochs", "1", "-o", "o.laa"}, outs: []string{"o.laa", "o.history.json"},
			check: func(t *testing.T, dir string) {
				r := runLaa(t, dir, 2*time.Minute, "infer", "--model", "o.laa", "--trace", "obs.csv", "--draws", "50", "--exact=false", "-o", "o")
				checkSane(t, r, "infer on another protocol")
				if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "stimulus differs from the protocol") {
					t.Errorf("infer of a default-protocol recording with a model of a 3 uA/cm2 step: exit %d, no protocol warning:\n%s", r.code, tail(r.stderr))
				}
			}},
		{name: "model and data of different protocols",
			args: []string{"compare", "--model", "m300.laa", "--data", "base.npz", "--held-out", "1", "-o", "cmp"}, code: 1},
		{name: "configuration asking for a 1e-300 ms step",
			args: []string{"simulate", "-n", "1", "--config", "dt_tiny.yaml", "-o", "x.npz"}, code: 1},
		{name: "configuration asking for 10^9 ms",
			args: []string{"simulate", "-n", "1", "--config", "dur_huge.yaml", "-o", "x.npz"}, code: 1},
		{name: "prior so wide the traces overflow",
			args: []string{"simulate", "-n", "4", "--config", "prior_huge_sd.yaml", "-o", "inf.npz"}, code: 1},
		{name: "output over another input",
			prep: func(t *testing.T, dir string) {
				copyFile(t, filepath.Join(dir, "base.npz"), filepath.Join(dir, "d.npz"))
			},
			args: []string{"train", "--data", "base.npz", "--epochs", "1", "-o", "d.npz"}, code: 1,
			check: func(t *testing.T, dir string) { sameBytes(t, base, filepath.Join(dir, "d.npz")) }},
		{name: "output equal to the data",
			args: []string{"train", "--data", "base.npz", "--epochs", "1", "-o", "base.npz"}, code: 1,
			check: func(t *testing.T, dir string) { sameBytes(t, base, filepath.Join(dir, "base.npz")) }},
		{name: "two traces with one base name",
			prep: func(t *testing.T, dir string) {
				for _, d := range []string{"x", "y"} {
					if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				copyFile(t, filepath.Join(dir, "obs.csv"), filepath.Join(dir, "x", "obs.csv"))
				copyFile(t, filepath.Join(dir, "obs_doubled.csv"), filepath.Join(dir, "y", "obs.csv"))
			},
			args: []string{"infer", "--model", "m.laa", "--trace", "x/obs.csv", "--trace", "y/obs.csv", "--draws", "20", "--exact=false", "-o", "c"},
			outs: []string{"c"},
			check: func(t *testing.T, dir string) {
				summaries, _ := filepath.Glob(filepath.Join(dir, "c", "*summary.json"))
				if len(summaries) != 2 {
					t.Errorf("two traces named obs.csv gave %d summaries, want 2: %v", len(summaries), summaries)
				}
			}},
		{name: "stray quote in a stimulus recording",
			args: []string{"simulate", "-n", "1", "--stimulus-from", "stray_quote.csv", "-o", "x.npz"}, code: 1},
		{name: "stray quote in a trace",
			args: []string{"infer", "--model", "m.laa", "--trace", "stray_quote.csv", "--draws", "20", "-o", "o"}, code: 1},
		{name: "NWB with a corrupted local heap",
			args: []string{"simulate", "-n", "1", "--stimulus-from", "heap_1byte.nwb", "--area-cm2", "1e-4", "-o", "x.npz"}, code: 1},
		{name: "NWB with a corrupted global heap",
			args: []string{"simulate", "-n", "1", "--stimulus-from", "globalheap_fatal.nwb", "--area-cm2", "1e-4", "-o", "x.npz"}, code: 1},
		{name: "NWB claiming 10^12 samples",
			args: []string{"simulate", "-n", "1", "--stimulus-from", "dims_1e12.nwb", "--area-cm2", "1e-4", "-o", "x.npz"}, code: 1},
		{name: "NWB with 2-D data",
			args: []string{"infer", "--model", "m.laa", "--trace", "data2d.nwb", "--area-cm2", "1e-4", "--draws", "50", "-o", "d2"}, code: 1},
		{name: "NWB sweep named to escape the output folder",
			prep: func(t *testing.T, dir string) {
				escapingSweep(t, filepath.Join(dir, "good.nwb"), filepath.Join(dir, "evil.nwb"))
			},
			args: []string{"infer", "--model", "m.laa", "--trace", "evil.nwb", "--area-cm2", "1e-4", "--draws", "20", "--exact=false", "-o", "out"},
			outs: []string{"out"}, code: -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, dir := caseDir(t, f)
			if c.prep != nil {
				c.prep(t, dir)
			}
			before := snapshot(t, root)
			r := runLaa(t, dir, 3*time.Minute, c.args...)
			args := strings.Join(c.args, " ")
			checkSane(t, r, args)
			switch {
			case c.code >= 0 && r.code != c.code:
				t.Fatalf("laa %s: exit %d, want %d\nstderr: %s", args, r.code, c.code, tail(r.stderr))
			case c.code < 0 && r.code != 0 && r.code != 1:
				t.Fatalf("laa %s: exit %d, want 0 or 1\nstderr: %s", args, r.code, tail(r.stderr))
			}
			if r.code == 1 {
				if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); !strings.HasPrefix(lines[len(lines)-1], "laa: ") {
					t.Errorf("laa %s: the error is not a 'laa: ...' line:\n%s", args, tail(r.stderr))
				}
			}
			if c.want != "" && !strings.Contains(r.stderr, c.want) {
				t.Errorf("laa %s: stderr does not mention %q:\n%s", args, c.want, tail(r.stderr))
			}
			prefix := filepath.Join("a", "case") + string(filepath.Separator)
			for _, p := range changes(before, snapshot(t, root)) {
				rel, inCase := strings.CutPrefix(p, prefix)
				allowed := inCase && r.code == 0 && slices.ContainsFunc(c.outs, func(o string) bool {
					return rel == o || strings.HasPrefix(rel, o+string(filepath.Separator))
				})
				if p == filepath.Join("a", "case") || (inCase && r.code != 0 && slices.Contains(c.outs, rel) && isDir(filepath.Join(root, p))) {
					allowed = true // the case folder's own mtime; an output folder made before the error
				}
				if !allowed {
					t.Errorf("laa %s (exit %d) created or changed %s", args, r.code, p)
				}
			}
			if c.check != nil {
				c.check(t, dir)
			}
		})
	}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sameBytes(t *testing.T, want, got string) {
	t.Helper()
	a, err1 := os.ReadFile(want)
	b, err2 := os.ReadFile(got)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Errorf("%s is no longer a copy of %s (%v, %v)", got, want, err1, err2)
	}
}

// sameData checks that two data sets hold the same arrays.
func sameData(t *testing.T, want, got string) {
	t.Helper()
	a, err := dataset.Read(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := dataset.Read(got)
	if err != nil {
		t.Fatal(err)
	}
	if a.N != b.N || a.T != b.T || !slices.Equal(a.Theta, b.Theta) || !slices.Equal(a.Traces, b.Traces) ||
		!slices.Equal(a.Stats, b.Stats) || !slices.Equal(a.Stimulus, b.Stimulus) {
		t.Errorf("%s does not hold the arrays of %s", got, want)
	}
}

// entry is one member of a zip archive, uncompressed.
type entry struct {
	name    string
	data    []byte
	deflate bool
}

func readZip(t *testing.T, path string) []entry {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var out []entry
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{name: f.Name, data: b})
	}
	return out
}

func writeZip(t *testing.T, path string, entries []entry) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, e := range entries {
		method := zip.Store
		if e.deflate {
			method = zip.Deflate
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rewriteNPZ writes to out the archive at in, changed by edit.
func rewriteNPZ(t *testing.T, in, out string, edit func(t *testing.T, es []entry) []entry) {
	t.Helper()
	writeZip(t, out, edit(t, readZip(t, in)))
}

// npyHeader makes a version 1.0 .npy header from dictionary text.
func npyHeader(dict string) []byte {
	h := dict + strings.Repeat(" ", (64-(10+len(dict)+1)%64)%64) + "\n"
	return append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, byte(len(h)), byte(len(h) >> 8)}, h...)
}

// splitNpy returns an .npy's header dictionary and body.
func splitNpy(t *testing.T, b []byte) (dict string, body []byte) {
	t.Helper()
	if len(b) < 10 || b[6] != 1 {
		t.Fatalf("not a version 1.0 .npy")
	}
	n := int(binary.LittleEndian.Uint16(b[8:10]))
	return strings.TrimSpace(string(b[10 : 10+n])), b[10+n:]
}

func find(t *testing.T, es []entry, name string) int {
	t.Helper()
	i := slices.IndexFunc(es, func(e entry) bool { return e.name == name })
	if i < 0 {
		t.Fatalf("no entry %s", name)
	}
	return i
}

// fortranTraces stores traces in column-major order, as numpy does for a
// Fortran-ordered array.
func fortranTraces(t *testing.T, es []entry) []entry {
	i := find(t, es, "traces.npy")
	dict, body := splitNpy(t, es[i].data)
	var rows, cols int
	if _, err := fmtSscanShape(dict, &rows, &cols); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(body))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			copy(out[4*(c*rows+r):], body[4*(r*cols+c):4*(r*cols+c)+4])
		}
	}
	dict = strings.Replace(dict, "'fortran_order': False", "'fortran_order': True", 1)
	es[i].data = append(npyHeader(dict), out...)
	return es
}

// fmtSscanShape reads "(rows, cols)" from a header dictionary.
func fmtSscanShape(dict string, rows, cols *int) (int, error) {
	_, rest, _ := strings.Cut(dict, "'shape': (")
	shape, _, _ := strings.Cut(rest, ")")
	var err error
	parts := strings.Split(shape, ",")
	if len(parts) < 2 {
		return 0, io.ErrUnexpectedEOF
	}
	if *rows, err = atoi(parts[0]); err != nil {
		return 0, err
	}
	*cols, err = atoi(parts[1])
	return 2, err
}

func atoi(s string) (int, error) {
	var v int
	err := json.Unmarshal([]byte(strings.TrimSpace(s)), &v)
	return v, err
}

// reorderHeaders writes every header with its keys in another order, which
// numpy accepts.
func reorderHeaders(t *testing.T, es []entry) []entry {
	for i := range es {
		dict, body := splitNpy(t, es[i].data)
		inner := strings.TrimSuffix(strings.TrimSpace(strings.Trim(dict, "{}")), ",")
		parts := strings.SplitN(inner, ", '", 3)
		if len(parts) != 3 {
			t.Fatalf("header %q", dict)
		}
		dict = "{'" + strings.TrimPrefix(parts[2], "'") + ", '" + parts[1] + ", " + parts[0] + "}"
		es[i].data = append(npyHeader(dict), body...)
	}
	return es
}

// shrinkThetaShape claims fewer rows for theta than the entry holds.
func shrinkThetaShape(t *testing.T, es []entry) []entry {
	i := find(t, es, "theta.npy")
	dict, body := splitNpy(t, es[i].data)
	es[i].data = append(npyHeader(strings.Replace(dict, "(300, 5)", "(200, 5)", 1)), body...)
	return es
}

// garbageTheta replaces theta by a header that never ends.
func garbageTheta(t *testing.T, es []entry) []entry {
	es[find(t, es, "theta.npy")].data = []byte("\x93NUMPY\x01\x00\x0a\x00{abcdefghi")
	return es
}

// bombMeta replaces meta by 80 MB of UCS-4 zeros, deflated to about 80 kB.
func bombMeta(t *testing.T, es []entry) []entry {
	i := find(t, es, "meta.npy")
	const chars = 20_000_000
	es[i].data = append(npyHeader("{'descr': '<U20000000', 'fortran_order': False, 'shape': (), }"), make([]byte, 4*chars)...)
	for j := range es {
		es[j].deflate = true
	}
	return es
}

// duplicateTheta puts a second theta entry, with other values, after the
// first: numpy reads the last, a naive reader the first.
func duplicateTheta(t *testing.T, es []entry) []entry {
	i := find(t, es, "theta.npy")
	dict, body := splitNpy(t, es[i].data)
	other := slices.Clone(body)
	for j := 0; j+8 <= len(other); j += 8 {
		binary.LittleEndian.PutUint64(other[j:], math.Float64bits(1e30))
	}
	dup := entry{name: "theta.npy", data: append(npyHeader(dict), other...)}
	return slices.Insert(es, i+1, dup)
}

// ucs4 encodes s as a 0-d numpy unicode array.
func ucs4(s string) []byte {
	n := utf8.RuneCountInString(s)
	b := npyHeader("{'descr': '<U" + itoa(n) + "', 'fortran_order': False, 'shape': (), }")
	for _, r := range s {
		b = binary.LittleEndian.AppendUint32(b, uint32(r))
	}
	return b
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// devZeroMeta points the data set's stimulus at /dev/zero, as a data set
// of an older laa holding a stimulus file by path would.
func devZeroMeta(t *testing.T, es []entry) []entry {
	i := find(t, es, "meta.npy")
	_, body := splitNpy(t, es[i].data)
	var text []rune
	for j := 0; j+4 <= len(body); j += 4 {
		if r := rune(binary.LittleEndian.Uint32(body[j:])); r != 0 {
			text = append(text, r)
		}
	}
	var meta map[string]any
	if err := json.Unmarshal([]byte(string(text)), &meta); err != nil {
		t.Fatal(err)
	}
	meta["config"].(map[string]any)["stimulus"] = map[string]any{"kind": "file", "file": "/dev/zero"}
	b, _ := json.Marshal(meta)
	es[i].data = ucs4(string(b))
	return es
}

// numpyUser writes what a numpy user would pass: theta, traces, time_ms
// and stimulus, no meta and no stats, with traces of T samples (base
// traces repeated to length) and, when stim is given, that stimulus.
func numpyUser(t *testing.T, base, out string, T int, stim func(tm float64) float64) {
	t.Helper()
	s, err := dataset.Read(base)
	if err != nil {
		t.Fatal(err)
	}
	traces := make([]float32, s.N*T)
	for i := 0; i < s.N; i++ {
		for j := 0; j < T; j++ {
			traces[i*T+j] = s.Traces[i*s.T+j%s.T]
		}
	}
	times := make([]float64, T)
	current := make([]float64, T)
	for j := range times {
		times[j] = s.Time[0] + float64(j)*(s.Time[1]-s.Time[0])
		if stim != nil {
			current[j] = stim(times[j])
		} else if j < s.T {
			current[j] = s.Stimulus[j]
		}
	}
	err = dataset.WriteNPZ(out, []dataset.Array{
		{Name: "theta", Data: s.Theta, Shape: []int{s.N, s.P}},
		{Name: "traces", Data: traces, Shape: []int{s.N, T}},
		{Name: "time_ms", Data: times, Shape: []int{T}},
		{Name: "stimulus", Data: current, Shape: []int{T}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rewriteModel writes name in dir: m.laa with its JSON header changed by
// edit and a valid checksum, as a crafted file would have.
func rewriteModel(t *testing.T, dir, name string, edit func(h map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "m.laa"))
	if err != nil {
		t.Fatal(err)
	}
	hlen := binary.LittleEndian.Uint32(b[12:16])
	var h map[string]any
	if err := json.Unmarshal(b[16:16+hlen], &h); err != nil {
		t.Fatal(err)
	}
	edit(h)
	hdr, _ := json.Marshal(h)
	out := slices.Clone(b[:12])
	out = binary.LittleEndian.AppendUint32(out, uint32(len(hdr)))
	out = append(out, hdr...)
	out = append(out, b[16+hlen:len(b)-4]...)
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(out))
	if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func devZeroExperiment(h map[string]any) {
	h["experiment"].(map[string]any)["stimulus"] = map[string]any{"kind": "file", "file": "/dev/zero"}
}

func negativeLength(h map[string]any) {
	h["arrays"].([]any)[0].(map[string]any)["len"] = -5
}

// escapingSweep renames the sweep of an NWB file to "../../x" (same
// length, so the file's structure is unchanged).
func escapingSweep(t *testing.T, in, out string) {
	t.Helper()
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("sweep_1\x00")) {
		t.Fatal("good.nwb has no sweep_1")
	}
	b = bytes.ReplaceAll(b, []byte("sweep_1\x00"), []byte("../../x\x00"))
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
