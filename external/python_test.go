package external

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/model"
)

// Tolerances of the Python simulator tests.
const (
	// lgNoiseSD and sinesNoiseSD are the noise sd of the test scripts.
	lgNoiseSD, sinesNoiseSD = 0.1, 0.05
	// meanSDs bounds the residuals' mean, in standard errors.
	meanSDs = 4.0
	// sdRelTol bounds the residuals' sd, relative to the noise sd (the
	// standard error of an sd from n >= 4,000 values is under 1.2 %).
	sdRelTol = 0.06
	// maxSDs bounds any one residual, in noise sds.
	maxSDs = 6.0
)

// lgA is the matrix of testdata/linear_gaussian.py.
var lgA = [10][3]float64{
	{1.0, 0.5, -0.3},
	{0.2, -1.0, 0.8},
	{-0.7, 0.1, 0.4},
	{0.9, 0.9, 0.0},
	{0.0, -0.6, 1.2},
	{0.3, 0.3, 0.3},
	{-1.1, 0.4, -0.2},
	{0.6, 0.0, -0.9},
	{0.1, 1.3, 0.5},
	{-0.4, -0.8, 0.7},
}

// numpyPython returns a Python interpreter that imports numpy ("python3"
// on PATH, else /usr/bin/python3). Without one the test skips, saying why;
// under CI=true it fails.
func numpyPython(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err == nil && exec.Command(path, "-c", "import numpy").Run() == nil {
			return path
		}
	}
	const msg = "no python3 with numpy (install python3 and numpy: apt-get install python3-numpy, or pip install numpy)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// loadTestModel parses testdata/name.yaml with python3 replaced by py and
// the replacements of edits (old, new pairs) made.
func loadTestModel(t *testing.T, name, py string, edits ...string) *SimulatedModel {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), `command: ["python3",`, `command: ["`+py+`",`, 1)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(text, edits[i]) {
			t.Fatalf("%q is not in %s.yaml", edits[i], name)
		}
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	m, err := Parse([]byte(text), "testdata")
	if err != nil {
		t.Fatal(err)
	}
	return m.(*SimulatedModel)
}

// checkResiduals checks that residuals are noise of sd sd.
func checkResiduals(t *testing.T, res []float64, sd float64) {
	t.Helper()
	var sum, sq, worst float64
	for _, r := range res {
		sum += r
		sq += r * r
		worst = max(worst, math.Abs(r))
	}
	n := float64(len(res))
	mean := sum / n
	s := math.Sqrt(sq/n - mean*mean)
	if math.Abs(mean) > meanSDs*sd/math.Sqrt(n) {
		t.Errorf("residual mean %.4f, want within %.4f of 0", mean, meanSDs*sd/math.Sqrt(n))
	}
	if math.Abs(s/sd-1) > sdRelTol {
		t.Errorf("residual sd %.4f, want %g within %g %%", s, sd, 100*sdRelTol)
	}
	if worst > maxSDs*sd {
		t.Errorf("largest residual %.3f, more than %g sds", worst, maxSDs)
	}
}

func TestLinearGaussianPython(t *testing.T) {
	t.Parallel()
	py := numpyPython(t)
	const rows, cut, seed = 400, 150, 2026
	m := loadTestModel(t, "linear_gaussian", py)
	if len(m.Parameters()) != 3 || m.Observation().Length != 10 {
		t.Fatalf("P = %d, D = %d; want 3 and 10", len(m.Parameters()), m.Observation().Length)
	}
	theta, x := simulateRows(t, m, seed, 0, rows)
	if len(theta) != rows*3 || len(x) != rows*10 {
		t.Fatalf("%d theta and %d x values, want %d and %d", len(theta), len(x), rows*3, rows*10)
	}
	res := make([]float64, 0, len(x))
	for i := range rows {
		for k := range 10 {
			mean := 0.0
			for j := range 3 {
				mean += lgA[k][j] * theta[3*i+j]
			}
			res = append(res, x[10*i+k]-mean)
		}
	}
	checkResiduals(t, res, lgNoiseSD)

	// At one theta for all rows, the mean of x is A theta within noise.
	fixed := []float64{1, -2, 0.5}
	thetas := make([]float64, 0, 3*rows)
	for range rows {
		thetas = append(thetas, fixed...)
	}
	xs := make([]float64, 10*rows)
	if err := m.Simulate(thetas, streams(seed, 0, rows), xs); err != nil {
		t.Fatal(err)
	}
	for k := range 10 {
		mean, want := 0.0, 0.0
		for i := range rows {
			mean += xs[10*i+k] / rows
		}
		for j := range 3 {
			want += lgA[k][j] * fixed[j]
		}
		if tol := meanSDs * lgNoiseSD / math.Sqrt(rows); math.Abs(mean-want) > tol {
			t.Errorf("x[%d]: mean %.4f over %d rows, want A theta = %.4f within %.4f", k, mean, rows, want, tol)
		}
	}

	// The same streams give the same bytes; so do two shards of the run,
	// and batches of another size.
	_, again := simulateRows(t, m, seed, 0, rows)
	_, first := simulateRows(t, m, seed, 0, cut)
	_, second := simulateRows(t, m, seed, cut, rows)
	_, batched := simulateRows(t, loadTestModel(t, "linear_gaussian", py, "batch: 1000", "batch: 128"), seed, 0, rows)
	for name, y := range map[string][]float64{"a second run": again, "two shards": append(first, second...), "batches of 128": batched} {
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				t.Errorf("%s: value %d (row %d) is %v, want %v", name, i, i/10, y[i], x[i])
				break
			}
		}
	}
	// Another seed gives other noise.
	_, other := simulateRows(t, m, seed+1, 0, 1)
	if other[0] == x[0] {
		t.Error("seeds 2026 and 2027 give the same first value")
	}
}

func TestEchoPython(t *testing.T) {
	t.Parallel()
	py := numpyPython(t)
	dir := t.TempDir()
	text := `
name: echo
parameters:
  - {name: a, prior: {dist: normal, mean: 0, sd: 1e6}}
  - {name: b, prior: {dist: loguniform, low: 1e-9, high: 1e9}}
observation: {length: 4}
simulator: {command: ["` + py + `", "` + filepath.Join(must(filepath.Abs("testdata")), "echo.py") + `"]}
`
	if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	mm, err := Load(filepath.Join(dir, "m.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const rows, seed = 50, 9
	theta, x := simulateRows(t, mm.(model.Simulator), seed, 0, rows)
	for i := range rows {
		ref := model.Stream(seed, uint64(i))
		model.SamplePrior(mm, ref, make([]float64, 2))
		s := ref.Uint64()
		row := x[4*i : 4*i+4]
		if row[0] != theta[2*i] || row[1] != theta[2*i+1] {
			t.Fatalf("row %d: theta %v came back as %v", i, theta[2*i:2*i+2], row[:2])
		}
		if uint64(row[2]) != s&0xFFFFFFFF || uint64(row[3]) != s>>32 {
			t.Fatalf("row %d: seed %#x came back as %v, %v", i, s, row[2], row[3])
		}
	}
}

func TestMisbehavingPython(t *testing.T) {
	t.Parallel()
	py := numpyPython(t)
	script := filepath.Join(must(filepath.Abs("testdata")), "misbehave.py")
	cases := []struct{ mode, want string }{
		{"raise", "RuntimeError: the solver diverged at t = 3.2 ms"},
		{"shape", "output has shape (5, 11), want (5, 10)"},
		{"nan", "row 2, column 1 is NaN"},
		{"none", "wrote no output"},
	}
	for _, c := range cases {
		text := `
name: misbehave
parameters: [{name: a, prior: {dist: normal, mean: 0, sd: 1}}]
observation: {length: 10}
simulator: {command: ["` + py + `", "` + script + `", "` + c.mode + `"]}
`
		m, err := Parse([]byte(text), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		err = m.(model.Simulator).Simulate(make([]float64, 5), streams(1, 0, 5), make([]float64, 50))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.mode, err, c.want)
		}
	}
}

func TestSeriesPython(t *testing.T) {
	t.Parallel()
	py := numpyPython(t)
	const rows, samples, stepS, seed = 60, 900, 1e-4, 5
	m := loadTestModel(t, "sines", py)
	want := model.Observation{Length: samples, Series: true, StepMs: 0.1, Unit: "mV"}
	if got := m.Observation(); !reflect.DeepEqual(got, want) || len(m.Parameters()) != 8 {
		t.Fatalf("observation %+v and %d parameters, want %+v and 8", got, len(m.Parameters()), want)
	}
	theta, x := simulateRows(t, m, seed, 0, rows)
	if len(x) != rows*samples {
		t.Fatalf("%d values, want %d", len(x), rows*samples)
	}
	res := make([]float64, 0, len(x))
	for i := range rows {
		th := theta[8*i : 8*i+8]
		for j := range samples {
			clean := 0.0
			for k := range 4 {
				clean += th[k] * math.Sin(2*math.Pi*th[4+k]*float64(j)*stepS)
			}
			res = append(res, x[samples*i+j]-clean)
		}
	}
	checkResiduals(t, res, sinesNoiseSD)
	_, first := simulateRows(t, m, seed, 0, 10)
	for i := range first {
		if math.Float64bits(first[i]) != math.Float64bits(x[i]) {
			t.Fatalf("value %d differs between a run of 10 rows and one of %d", i, rows)
		}
	}
}

// must returns v, panicking on an error (test set-up only).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
