package serve_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// chromium renders the page in the page test.
const chromium = "/usr/bin/chromium"

// needChromium skips the test without Chromium (fails under CI=true,
// where .ci/run installs it) or in short mode.
func needChromium(t *testing.T) {
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
}

// headless runs Chromium on url with args and returns its stdout.
func headless(t *testing.T, url string, args ...string) []byte {
	t.Helper()
	profile := t.TempDir()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
		"--hide-scrollbars", "--window-size=1280,2600", "--virtual-time-budget=30000"}
	cmd := exec.Command(chromium, append(append(flags, args...), url)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return out
}

// TestPageInChromium: the page, opened with the demo's example CSV to
// upload, shows in headless Chromium the posterior table (one row per
// parameter, with units) and the predictive plot; its screenshot has text
// where the table is, and the observed trace (red) and the predictive
// bands (blue) where the plot is. The page refers to nothing off the
// server.
func TestPageInChromium(t *testing.T) {
	t.Parallel()
	needChromium(t)
	for _, name := range []string{"page/index.html", "page/app.js", "page/style.css"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`).Match(b) {
			t.Errorf("%s refers to a resource off the server", name)
		}
	}
	cfg := testConfig
	cfg.Amortized = true // milliseconds: the untrained model's exact posterior would need MCMC
	f := newFixture(t, cfg, 1)
	url := f.ts.URL + "/?upload=/testdata/example_trace.csv"
	dom := string(headless(t, url, "--dump-dom"))
	if !strings.Contains(dom, `data-state="done"`) {
		t.Fatalf("the page did not finish:\n%.3000s", dom)
	}
	table := regexp.MustCompile(`(?s)<table id="summary"[^>]*>.*?</table>`).FindString(dom)
	for _, want := range []string{"<td>C_m</td><td>uF/cm2</td>", "<td>g_L</td><td>mS/cm2</td>", "<td>E_L</td><td>mV</td>", "<td>k</td><td>mV</td>", "<td>V_thr</td><td>mV</td>"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %s:\n%s", want, table)
		}
	}
	if !regexp.MustCompile(`id="fig-predictive"[^>]*src="data:image/svg\+xml;base64,`).MatchString(dom) && !regexp.MustCompile(`src="data:image/svg\+xml;base64,[^"]*"[^>]*id="fig-predictive"`).MatchString(dom) {
		t.Error("the predictive figure has no SVG")
	}
	rect := func(id string) image.Rectangle {
		m := regexp.MustCompile(`id="` + id + `"[^>]*data-rect="([\d,.-]+)"|data-rect="([\d,.-]+)"[^>]*id="` + id + `"`).FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("no data-rect on #%s", id)
		}
		v := strings.Split(m[1]+m[2], ",")
		n := make([]int, 4)
		for i := range n {
			n[i], _ = strconv.Atoi(v[i])
		}
		return image.Rect(n[0], n[1], n[0]+n[2], n[1]+n[3])
	}
	tableRect, plotRect := rect("summary"), rect("fig-predictive")
	if tableRect.Dy() < 100 || plotRect.Dx() < 300 || plotRect.Dy() < 200 {
		t.Fatalf("table at %v, predictive plot at %v: too small", tableRect, plotRect)
	}

	shot := filepath.Join(t.TempDir(), "page.png")
	headless(t, url, "--screenshot="+shot)
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !plotRect.In(img.Bounds()) || !tableRect.In(img.Bounds()) {
		t.Fatalf("screenshot %v does not hold the table %v and the plot %v", img.Bounds(), tableRect, plotRect)
	}
	count := func(r image.Rectangle, is func(r, g, b uint32) bool) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				if is(cr>>8, cg>>8, cb>>8) {
					n++
				}
			}
		}
		return n
	}
	text := count(tableRect, func(r, g, b uint32) bool { return r < 100 && g < 100 && b < 100 })
	red := count(plotRect, func(r, g, b uint32) bool { return r > 150 && g < 110 && b < 110 })
	blue := count(plotRect, func(r, g, b uint32) bool { return b > r+40 && b > g+10 })
	if text < 500 || red < 300 || blue < 3000 {
		t.Errorf("screenshot: %d dark text pixels in the table (want 500+), %d red trace and %d blue band pixels in the plot (want 300+, 3000+)", text, red, blue)
	}
	if t.Failed() {
		os.WriteFile(filepath.Join(os.TempDir(), "laa-serve-page.png"), b, 0o644)
		t.Logf("screenshot kept in %s", filepath.Join(os.TempDir(), "laa-serve-page.png"))
	}
}
