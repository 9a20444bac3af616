package cli

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/npe"
)

// TestDemoEndToEnd runs the whole pipeline on a tiny budget: every stage
// must produce its files, the draws must load, and (with Chromium) the
// report must render with every image loaded.
func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	dir := t.TempDir()
	code, out := run(append([]string{"demo", "-o", dir, "--n-train", "3000", "--held-out", "300", "--epochs", "2"}, tinyCompare...)...)
	if code != 0 {
		t.Fatalf("demo failed:\n%s", out)
	}
	for _, want := range []string{"report: ", "calibration error", "typicality of 10x observation noise", "example_trace: 2000 draws", "posterior: exact by ", "against the exact posterior on 2 held-out observations", "verdict:"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"train.npz", "test.npz", "model.laa", "model.history.json", "example_trace.csv",
		"report/index.html", "report/comparison/compare.json", "report/comparison_marginals.png", "report/metrics.csv", "report/metrics.json", "report/ranks.png", "report/ppc.svg",
		"posterior/example_trace.draws.npy", "posterior/example_trace.amortized.npy", "posterior/example_trace.draws.csv", "posterior/example_trace.summary.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("missing or empty %s: %v", f, err)
		}
	}
	var summary struct {
		Params  []string `json:"params"`
		Leakage float64  `json:"leakage"`
		Summary []struct {
			Mean float64 `json:"mean"`
		} `json:"summary"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "posterior/example_trace.summary.json"))
	if err := json.Unmarshal(b, &summary); err != nil || len(summary.Params) != 5 {
		t.Fatalf("summary.json: %v %+v", err, summary)
	}
	// Round trip: the amortized posterior inferred from the CSV file (kept
	// as .amortized.npy beside the corrected draws) equals the one inferred
	// from the simulation directly (same seed as infer's).
	m, _, err := npe.Load(filepath.Join(dir, "model.laa"))
	if err != nil {
		t.Fatal(err)
	}
	test, err := dataset.Read(filepath.Join(dir, "test.npz"))
	if err != nil {
		t.Fatal(err)
	}
	direct, err := m.Sample([]npe.Observation{npe.FromSet(test, 0)}, 2000, rand.New(rand.NewPCG(1, 0x696e66)))
	if err != nil {
		t.Fatal(err)
	}
	amortized := readDrawsNpy(t, filepath.Join(dir, "posterior/example_trace.amortized.npy"), len(summary.Params))
	if len(amortized) != 2000 {
		t.Fatalf("%d amortized draws, want 2000", len(amortized))
	}
	for j := range summary.Params {
		mean, got := 0.0, 0.0
		for k, d := range direct[0].Draws {
			mean += d[j] / 2000
			got += amortized[k][j] / 2000
		}
		if math.Abs(got-mean) > 1e-4*(math.Abs(mean)+1e-3) {
			t.Errorf("%s: amortized posterior mean %g from the CSV file, %g from the simulation", summary.Params[j], got, mean)
		}
	}
	// The same model infers from the CLI; an isolated NaN is interpolated
	// with a warning, a run of NaN is refused with where it starts.
	bad := filepath.Join(dir, "bad.csv")
	csv, _ := os.ReadFile(filepath.Join(dir, "example_trace.csv"))
	lines := strings.Split(string(csv), "\n")
	lines[40] = "39,NaN,0"
	os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o644)
	if code, msg := run("infer", "--model", filepath.Join(dir, "model.laa"), "--trace", bad, "-o", dir); code != 0 || !strings.Contains(msg, "interpolated") {
		t.Errorf("isolated NaN: exit %d, %s", code, msg)
	}
	lines[41] = "40,NaN,0"
	os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o644)
	if code, msg := run("infer", "--model", filepath.Join(dir, "model.laa"), "--trace", bad, "-o", dir); code == 0 || !strings.Contains(msg, "2 samples in a row from t = 39 ms") {
		t.Errorf("run of NaN: exit %d, %s", code, msg)
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no /usr/bin/chromium under CI=true (.ci/run installs it)")
		}
		t.Log("no Chromium (apt-get install -y chromium): the browser check of the report is skipped")
		return
	}
	check, err := exec.Command("bash", "../../scripts/check-report.sh", filepath.Join(dir, "report")).CombinedOutput()
	if err != nil || !strings.Contains(string(check), "images loaded") {
		t.Fatalf("report does not render with every image: %v\n%s", err, check)
	}
	t.Log(strings.TrimSpace(string(check)))
}

// readDrawsNpy reads an n x p float64 .npy file of draws.
func readDrawsNpy(t *testing.T, path string, p int) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var flat []float64
	if err := npyio.Read(f, &flat); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(flat)%p != 0 {
		t.Fatalf("%s: %d values for %d parameters", path, len(flat), p)
	}
	out := make([][]float64, len(flat)/p)
	for i := range out {
		out[i] = flat[i*p : (i+1)*p]
	}
	return out
}
