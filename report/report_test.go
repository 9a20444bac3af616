package report_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/report"
)

// writePNG writes a small solid PNG to dir/name.
func writePNG(t *testing.T, dir, name string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(5, 5, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sample builds a report using every kind of block; dir must hold
// loss.png, loss.svg and figs/ranks.png.
func sample() *report.Report {
	r := report.New("Run 7")
	r.Subtitle = "seed 1, 2 parameters"
	r.Warn("validation loss rose after epoch 40")
	r.Section("Training").
		Paragraph("Loss per epoch.").
		Figure("loss.png", "Training and validation loss.").
		KeyValues("Versions", report.KV{Key: "laa", Value: "v0.1.0"}, report.KV{Key: "go", Value: "go1.26"}).
		JSON("Configuration", map[string]any{"epochs": 300, "lr": 1e-4})
	r.Section("Calibration").
		Figure("figs/ranks.png", "").
		Table(report.Table{Name: "sbc", Caption: "SBC tests", Header: []string{"parameter", "KS p"},
			Rows: [][]string{{"C_m", "0.41"}, {"g_L", "0.002"}}}).
		Table(report.Table{Header: []string{"a"}, Rows: [][]string{{"x,y"}}}).
		Verdicts(report.Verdict{Name: "C_m", Pass: true, Label: "calibrated", Detail: "p = 0.41"},
			report.Verdict{Name: "g_L", Pass: false, Label: "not calibrated"}).
		Warn("g_L ranks are not uniform")
	return r
}

// sampleDir writes the sample's figures into a fresh directory.
func sampleDir(t *testing.T) string {
	dir := t.TempDir()
	writePNG(t, dir, "loss.png")
	if err := os.WriteFile(filepath.Join(dir, "loss.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"/>`), 0o644); err != nil {
		t.Fatal(err)
	}
	writePNG(t, dir, "figs/ranks.png")
	return dir
}

// parse checks that the page is well-formed (the template emits XHTML)
// and returns the values of the src and href attributes.
func parse(t *testing.T, page []byte) (srcs, hrefs []string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	var depth int
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("index.html is not well-formed: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "src":
					srcs = append(srcs, a.Value)
				case "href":
					hrefs = append(hrefs, a.Value)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Fatalf("unbalanced elements: depth %d at end", depth)
	}
	return srcs, hrefs
}

func TestWrite(t *testing.T) {
	dir := sampleDir(t)
	if err := sample().Write(dir); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	srcs, hrefs := parse(t, page)
	if len(srcs) != 2 {
		t.Errorf("%d images, want 2", len(srcs))
	}
	for _, u := range append(srcs, hrefs...) {
		if strings.HasPrefix(u, "#") {
			continue
		}
		if strings.Contains(u, "//") {
			t.Errorf("page refers to a network resource %q", u)
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(u))); err != nil {
			t.Errorf("referenced file: %v", err)
		}
	}
	for _, want := range []string{"Run 7", "seed 1", "validation loss rose", `href="loss.svg"`,
		`<td class="num">0.41</td>`, `class="badge pass">calibrated`, `class="badge fail">not calibrated`,
		`&#34;epochs&#34;: 300`, "g_L ranks are not uniform", `href="#s2"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	f, err := os.Open(filepath.Join(dir, "sbc.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[2][1] != "0.002" {
		t.Errorf("sbc.csv = %q", recs)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "table-2.csv")); err != nil || string(b) != "a\n\"x,y\"\n" {
		t.Errorf("table-2.csv = %q, %v", b, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestEscaping(t *testing.T) {
	const evil = `<script>alert("x")</script> & <b>`
	dir := t.TempDir()
	r := report.New(evil)
	r.Warn(evil)
	r.Section(evil).Paragraph(evil).
		Table(report.Table{Caption: evil, Header: []string{evil}, Rows: [][]string{{evil}}}).
		KeyValues(evil, report.KV{Key: evil, Value: evil}).
		JSON(evil, map[string]string{"k": evil}).
		Verdicts(report.Verdict{Name: evil, Label: evil, Detail: evil})
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	parse(t, page)
	if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte("<b>")) {
		t.Error("raw markup from the input reached the page")
	}
	if got := bytes.Count(page, []byte("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;")); got < 10 {
		t.Errorf("escaped input appears %d times, want at least 10", got)
	}
}

func TestEmbed(t *testing.T) {
	dir := sampleDir(t)
	r := sample()
	r.Embed = true
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	srcs, _ := parse(t, page)
	want, err := os.ReadFile(filepath.Join(dir, "loss.png"))
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "data:image/png;base64,"
	if len(srcs) == 0 || !strings.HasPrefix(srcs[0], prefix) {
		t.Fatalf("first image src does not start with %q", prefix)
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(srcs[0], prefix))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("embedded image differs from loss.png (err %v)", err)
	}
}

func TestWriteErrors(t *testing.T) {
	cases := map[string]func(*report.Section){
		"missing figure":  func(s *report.Section) { s.Figure("nope.png", "") },
		"figure outside":  func(s *report.Section) { s.Figure("../loss.png", "") },
		"absolute figure": func(s *report.Section) { s.Figure("/etc/hostname.png", "") },
		"not an image":    func(s *report.Section) { s.Figure("loss.txt", "") },
		"ragged table":    func(s *report.Section) { s.Table(report.Table{Header: []string{"a"}, Rows: [][]string{{"1", "2"}}}) },
		"no header":       func(s *report.Section) { s.Table(report.Table{Rows: [][]string{{"1"}}}) },
		"bad table name":  func(s *report.Section) { s.Table(report.Table{Name: "../x", Header: []string{"a"}}) },
		"duplicate table": func(s *report.Section) {
			s.Table(report.Table{Name: "t", Header: []string{"a"}}).Table(report.Table{Name: "t", Header: []string{"a"}})
		},
		"unmarshalable json": func(s *report.Section) { s.JSON("config", make(chan int)) },
	}
	for name, add := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writePNG(t, dir, "loss.png")
			if err := os.WriteFile(filepath.Join(dir, "loss.txt"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			r := report.New("bad")
			add(r.Section("s"))
			err := r.Write(dir)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "report: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "index.html")); err == nil {
				t.Error("index.html written despite the error")
			}
		})
	}
}
