package report_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// checkScript renders a report in headless Chromium and checks its images.
const (
	checkScript = "../scripts/check-report.sh"
	chromium    = "/usr/bin/chromium"
)

// checkReport runs checkScript on dir (with extra arguments) and returns
// its output and exit code; it skips the test without Chromium (fails
// under CI=true, where .ci/run installs it) or in short mode.
func checkReport(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		msg := "no " + chromium + "; install it with apt-get install -y chromium"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	out, err := exec.Command("bash", append([]string{checkScript, dir}, args...)...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func TestCheckReportScript(t *testing.T) {
	dir := sampleDir(t)
	if err := sample().Write(dir); err != nil {
		t.Fatal(err)
	}
	out, code := checkReport(t, dir)
	if code != 0 || !strings.Contains(out, "all 2 images loaded") {
		t.Fatalf("good report: exit %d, output:\n%s", code, out)
	}
	// Corrupt one figure after writing: the page still refers to it.
	if err := os.WriteFile(filepath.Join(dir, "figs", "ranks.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = checkReport(t, dir)
	if code != 1 || !strings.Contains(out, "broken image: figs/ranks.png") {
		t.Fatalf("broken report: exit %d, output:\n%s", code, out)
	}
}
