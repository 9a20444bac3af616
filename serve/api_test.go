package serve_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/serve"
)

// TestModelsHealthAndDescription: the read-only endpoints answer what the
// server holds: the model's parameters with units, its version (the file's
// SHA-256 prefix), its experiment and examples; health, readiness, the
// OpenAPI description listing every route, the page and its assets.
func TestModelsHealthAndDescription(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testConfig, 300)
	status, ct, body := f.do(t, "GET", "/v1/models", "", nil)
	var list struct{ Models []serve.ModelInfo }
	if status != 200 || ct != "application/json" || json.Unmarshal(body, &list) != nil || len(list.Models) != 1 {
		t.Fatalf("/v1/models: %d %s %s", status, ct, body)
	}
	m := list.Models[0]
	var names, units []string
	for _, p := range m.Parameters {
		names, units = append(names, p.Name), append(units, p.Unit)
	}
	if m.Name != "m" || m.Kind != "laa" || !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(m.Version) || m.Samples != f.set.T ||
		!slices.Equal(names, []string{"C_m", "g_L", "E_L", "k", "V_thr"}) || units[0] != "uF/cm2" || m.Experiment == nil || m.Experiment.SigmaObs != 300 || m.Warnings == nil ||
		!slices.Equal(m.Examples, []string{"example_1", "example_2", "example_3"}) {
		t.Errorf("model info: %+v", m)
	}
	status, _, body = f.do(t, "GET", "/v1/models/m", "", nil)
	var one serve.ModelInfo
	if status != 200 || json.Unmarshal(body, &one) != nil || one.Version != m.Version {
		t.Errorf("/v1/models/m: %d %s", status, body)
	}
	status, ct, body = f.do(t, "GET", "/v1/models/m/examples/example_2", "", nil)
	if status != 200 || !strings.HasPrefix(ct, "text/csv") || !bytes.HasPrefix(body, []byte("time_ms,voltage_mV,current_uA_per_cm2\n")) || bytes.Count(body, []byte("\n")) != f.set.T+1 {
		t.Errorf("example: %d %s %.80s", status, ct, body)
	}
	for path, want := range map[string]string{"/healthz": `"ok"`, "/readyz": `"ready"`} {
		if status, _, body := f.do(t, "GET", path, "", nil); status != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	status, _, body = f.do(t, "GET", "/v1/openapi.json", "", nil)
	var spec struct {
		OpenAPI string
		Paths   map[string]map[string]any
	}
	if status != 200 || json.Unmarshal(body, &spec) != nil || !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi: %d %.200s", status, body)
	}
	for path, method := range map[string]string{"/healthz": "get", "/readyz": "get", "/v1/openapi.json": "get", "/v1/models": "get", "/v1/models/{name}": "get",
		"/v1/models/{name}/examples/{example}": "get", "/v1/models/{name}/infer": "post", "/v1/sweeps": "post"} {
		if spec.Paths[path][method] == nil {
			t.Errorf("openapi.json does not describe %s %s", method, path)
		}
	}
	resp, err := f.ts.Client().Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(page), "/static/app.js") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("page: %d %v %.200s", resp.StatusCode, resp.Header, page)
	}
	for _, asset := range []string{"/static/app.js", "/static/style.css"} {
		if status, _, body := f.do(t, "GET", asset, "", nil); status != 200 || len(body) == 0 {
			t.Errorf("%s: %d", asset, status)
		}
	}
}

// TestErrorsAreJSONAndServingGoesOn: every malformed request is answered
// with its 4xx status and a JSON error naming the problem, and the server
// answers a good request after each.
func TestErrorsAreJSONAndServingGoesOn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testConfig, 300)
	nwbGarbage := append([]byte("\x89HDF\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	cases := []struct {
		name, method, path, contentType, body string
		status                                int
		code, message                         string
	}{
		{"malformed CSV", "POST", "/v1/models/m/infer", "text/csv", "time_ms,voltage_mV,current_uA_per_cm2\n0,-65,0\n1,abc,0\n2,\"x,0\n", 422, serve.CodeBadTrace, "trace.csv"},
		{"wrong units", "POST", "/v1/models/m/infer", "text/csv", strings.Replace(string(f.csv), "voltage_mV", "voltage_furlong", 1), 422, serve.CodeBadTrace, "furlong"},
		{"no current column", "POST", "/v1/models/m/infer", "text/csv", "time_ms,voltage_mV\n0,-65\n1,-65\n", 422, serve.CodeBadTrace, "current"},
		{"wrong content type", "POST", "/v1/models/m/infer", "image/png", "x", 415, serve.CodeContentType, "image/png"},
		{"no content type", "POST", "/v1/models/m/infer", "", "x", 415, serve.CodeContentType, "Content-Type"},
		{"body over the limit", "POST", "/v1/models/m/infer", "text/csv", string(f.csv) + strings.Repeat("# padding\n", 30000), 413, serve.CodeTooLarge, "262144 bytes"},
		{"unknown model", "POST", "/v1/models/nope/infer", "text/csv", string(f.csv), 404, serve.CodeUnknownModel, `"nope"`},
		{"too many draws", "POST", "/v1/models/m/infer?draws=5001", "text/csv", string(f.csv), 400, serve.CodeTooManyDraws, "5000"},
		{"zero draws", "POST", "/v1/models/m/infer?draws=0", "text/csv", string(f.csv), 400, serve.CodeBadRequest, "draws=0"},
		{"one draw", "POST", "/v1/models/m/infer?draws=1", "text/csv", string(f.csv), 400, serve.CodeBadRequest, "draws=1"},
		{"draws not a number", "POST", "/v1/models/m/infer?draws=many", "text/csv", string(f.csv), 400, serve.CodeBadRequest, "many"},
		{"bad seed", "POST", "/v1/models/m/infer?seed=-1", "text/csv", string(f.csv), 400, serve.CodeBadRequest, "seed"},
		{"bad format", "POST", "/v1/models/m/infer?format=xlsx", "text/csv", string(f.csv), 400, serve.CodeBadRequest, "xlsx"},
		{"bad filter", "POST", "/v1/models/m/infer?filter=magic", "text/csv", string(f.csv), 400, serve.CodeBadRequest, "magic"},
		{"too many predictive simulations", "POST", "/v1/models/m/infer?predictive=100000", "text/csv", string(f.csv), 400, serve.CodeBadRequest, "predictive"},
		{"malformed JSON", "POST", "/v1/models/m/infer", "application/json", `{"time": [0, 1`, 400, serve.CodeBadRequest, "JSON"},
		{"unknown JSON field", "POST", "/v1/models/m/infer", "application/json", `{"times": [0, 1]}`, 400, serve.CodeBadRequest, "times"},
		{"empty JSON trace", "POST", "/v1/models/m/infer", "application/json", `{}`, 400, serve.CodeBadRequest, "voltage"},
		{"unequal arrays", "POST", "/v1/models/m/infer", "application/json", `{"time":[0,1,2],"voltage":[1,2],"current":[0,0,0]}`, 422, serve.CodeBadTrace, "equal"},
		{"wrong unit in JSON", "POST", "/v1/models/m/infer", "application/json", `{"time":[0,1,2],"voltage":[1,2,3],"current":[0,0,0],"units":{"voltage":"parsec"}}`, 422, serve.CodeBadTrace, "parsec"},
		{"observation to the LAA model", "POST", "/v1/models/m/infer", "application/json", `{"observation":[1,2,3]}`, 400, serve.CodeBadRequest, "LAA"},
		{"unknown example", "POST", "/v1/models/m/infer", "application/json", `{"example":"example_9"}`, 404, serve.CodeNotFound, "example_9"},
		{"form without a file", "POST", "/v1/models/m/infer", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--XX--\r\n", 400, serve.CodeBadRequest, "file"},
		{"form without a boundary", "POST", "/v1/models/m/infer", "multipart/form-data", "x", 400, serve.CodeBadRequest, "boundary"},
		{"damaged NWB", "POST", "/v1/models/m/infer?name=cell", "application/x-nwb", string(nwbGarbage), 422, serve.CodeBadTrace, "cell.nwb"},
		{"damaged NWB sweeps", "POST", "/v1/sweeps", "application/x-nwb", string(nwbGarbage), 422, serve.CodeBadTrace, "recording.nwb"},
		{"wrong method", "GET", "/v1/models/m/infer", "", "", 405, serve.CodeMethod, "POST"},
		{"wrong method on models", "DELETE", "/v1/models/m", "", "", 405, serve.CodeMethod, "GET"},
		{"unknown path", "GET", "/v2/models", "", "", 404, serve.CodeNotFound, "/v2/models"},
		{"unknown model info", "GET", "/v1/models/nope", "", "", 404, serve.CodeUnknownModel, "nope"},
		{"unknown example file", "GET", "/v1/models/m/examples/x", "", "", 404, serve.CodeNotFound, `"x"`},
	}
	for _, c := range cases {
		status, ct, body := f.do(t, c.method, c.path, c.contentType, strings.NewReader(c.body))
		var e apiErr
		if status != c.status || ct != "application/json" || json.Unmarshal(body, &e) != nil || e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.message) {
			t.Errorf("%s: got %d %s %s, want %d %s mentioning %q", c.name, status, ct, body, c.status, c.code, c.message)
		}
		if strings.Contains(e.Error.Message, "laa-serve-") {
			t.Errorf("%s: the message names the spool: %s", c.name, e.Error.Message)
		}
		if status, _, body := f.do(t, "POST", "/v1/models/m/infer?draws=50&exact=false", "text/csv", bytes.NewReader(f.csv)); status != 200 {
			t.Fatalf("after %s the server answers %d: %s", c.name, status, body)
		}
	}
	entries, err := os.ReadDir(f.spoolDir)
	if err != nil || len(entries) != 0 {
		t.Errorf("the spool holds %d entries after the requests (%v)", len(entries), err)
	}
	if !strings.Contains(f.logs.String(), `"status":413`) || !strings.Contains(f.logs.String(), `"path":"/v1/models/m/infer"`) {
		t.Errorf("request log lacks the requests:\n%.500s", f.logs.String())
	}
}

// TestInputsAgree: the same recording posted as a CSV body, a form upload
// and JSON arrays (in other units) gives the same draws; the CSV and .npy
// formats hold the JSON answer's draws; an example and an NWB file's
// sweeps are read.
func TestInputsAgree(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testConfig, 300)
	const q = "/v1/models/m/infer?draws=200&seed=5&exact=false"
	body := decode(t)(f.do(t, "POST", q, "text/csv", bytes.NewReader(f.csv)))
	form := decode(t)(f.upload(t, q, "obs.csv", f.csv))
	if body.Summary.Trace != "trace" || form.Summary.Trace != "obs" || form.Summary.Source != "obs.csv" {
		t.Errorf("trace names %q (source %q), %q", body.Summary.Trace, form.Summary.Source, form.Summary.Trace)
	}
	// JSON arrays: time in s, voltage in V, current in uA/cm2.
	var tr serve.TraceRequest
	for k := range f.set.T {
		tr.Time = append(tr.Time, f.set.Time[k]/1000)
		tr.Voltage = append(tr.Voltage, float64(f.set.Traces[k])/1000)
		tr.Current = append(tr.Current, f.set.Stimulus[k])
	}
	tr.Units.Time, tr.Units.Voltage, tr.Name = "s", "V", "arrays"
	js, _ := json.Marshal(tr)
	arrays := decode(t)(f.do(t, "POST", q, "application/json", bytes.NewReader(js)))
	if len(body.Draws) != 200 || len(body.Draws[0]) != 5 || body.Summary.Draws != 200 || body.Summary.Seed != 5 || body.Summary.Posterior.Route != "amortized" {
		t.Fatalf("answer: %d draws, summary %+v", len(body.Draws), body.Summary)
	}
	for i := range body.Draws {
		for j := range body.Draws[i] {
			if form.Draws[i][j] != body.Draws[i][j] || !near(arrays.Draws[i][j], body.Draws[i][j], 1e-9) {
				t.Fatalf("draw %d param %d: body %v, form %v, arrays %v", i, j, body.Draws[i][j], form.Draws[i][j], arrays.Draws[i][j])
			}
		}
	}
	if len(body.Trace.Time) != f.set.T || len(body.Trace.Voltage) != f.set.T || !near(body.Trace.Voltage[10], float64(f.set.Traces[10]), 1e-3) {
		t.Errorf("prepared trace: %d times, voltage[10] %v want %v", len(body.Trace.Time), body.Trace.Voltage[10], f.set.Traces[10])
	}
	status, ct, csv := f.do(t, "POST", q+"&format=csv", "text/csv", bytes.NewReader(f.csv))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if status != 200 || !strings.HasPrefix(ct, "text/csv") || lines[0] != "C_m,g_L,E_L,k,V_thr" || len(lines) != 201 {
		t.Errorf("csv: %d %s %d lines, header %q", status, ct, len(lines), lines[0])
	}
	status, _, npy := f.do(t, "POST", q+"&format=npy", "text/csv", bytes.NewReader(f.csv))
	path := filepath.Join(t.TempDir(), "d.npy")
	os.WriteFile(path, npy, 0o644)
	flat, shape, err := dataset.ReadNPY(path)
	if status != 200 || err != nil || !slices.Equal(shape, []int{200, 5}) || flat[7] != body.Draws[1][2] {
		t.Errorf("npy: %d %v shape %v", status, err, shape)
	}
	ex := decode(t)(f.do(t, "POST", q, "application/json", strings.NewReader(`{"example":"example_1"}`)))
	if ex.Summary.Trace != "example_1" || len(ex.Draws) != 200 {
		t.Errorf("example: %+v", ex.Summary)
	}
	nwb, err := os.ReadFile("../recording/testdata/nwb2_sweeps.nwb")
	if err != nil {
		t.Fatal(err)
	}
	status, _, b := f.upload(t, "/v1/models/m/infer?exact=false&draws=100", "cell.nwb", nwb)
	var e apiErr
	if status != 422 || json.Unmarshal(b, &e) != nil || !strings.Contains(e.Error.Message, "data_00001_AD0") {
		t.Errorf("NWB of several sweeps without one chosen: %d %s", status, b)
	}
	nwbAnswer := decode(t)(f.upload(t, "/v1/models/m/infer?exact=false&draws=100&sweep=2&area_cm2=1e-4", "cell.nwb", nwb))
	if nwbAnswer.Summary.Sweep != "data_00002_AD0" || nwbAnswer.Summary.Trace != "cell_data_00002_AD0" || len(nwbAnswer.Draws) != 100 ||
		!slices.ContainsFunc(nwbAnswer.Summary.Warnings, func(w string) bool { return strings.Contains(w, "differs from the protocol") }) {
		t.Errorf("NWB sweep 2: %+v", nwbAnswer.Summary)
	}
	// sigma_obs = 300 mV: every predictive simulation leaves the physical
	// range, so there is no check, but the posterior is answered, with why.
	noCheck := decode(t)(f.do(t, "POST", q+"&predictive=20&figures=true", "text/csv", bytes.NewReader(f.csv)))
	if noCheck.Predictive != nil || noCheck.Figures["predictive"] != "" || !strings.Contains(noCheck.Figures["trace"], "<svg") || !slices.ContainsFunc(noCheck.Summary.Warnings, func(w string) bool { return strings.HasPrefix(w, "no posterior predictive check") }) {
		t.Errorf("a predictive check that cannot be made: %+v", noCheck.Summary.Warnings)
	}
	status, _, sw := f.upload(t, "/v1/sweeps", "cell.nwb", nwb)
	var sweeps struct{ Sweeps []serve.Sweep }
	if status != 200 || json.Unmarshal(sw, &sweeps) != nil || len(sweeps.Sweeps) < 2 || sweeps.Sweeps[0].Name == "" || sweeps.Sweeps[0].Samples == 0 {
		t.Errorf("sweeps: %d %s", status, sw)
	}
}

// TestFiguresAndPredictive: figures=true with a predictive check gives the
// three SVG figures and predictive bands ordered at every sample.
func TestFiguresAndPredictive(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testConfig, 1)
	r := decode(t)(f.do(t, "POST", "/v1/models/m/infer?draws=300&predictive=40&figures=true&exact=false", "text/csv", bytes.NewReader(f.csv)))
	for _, name := range []string{"marginals", "pairs", "predictive"} {
		if !strings.Contains(r.Figures[name], "<svg") {
			t.Errorf("figure %s: %.100q", name, r.Figures[name])
		}
	}
	p := r.Predictive
	if p == nil || len(p.Q50) != f.set.T || p.Draws != 40 {
		t.Fatalf("predictive: %+v", p)
	}
	for k := range p.Q50 {
		if !(p.Q05[k] <= p.Q25[k] && p.Q25[k] <= p.Q50[k] && p.Q50[k] <= p.Q75[k] && p.Q75[k] <= p.Q95[k]) {
			t.Fatalf("sample %d: quantiles out of order", k)
		}
	}
	if r.Summary.Posterior.Route != "amortized" || len(r.Summary.Params) != 5 || r.Summary.Params[0].Unit != "uF/cm2" || r.Summary.Typicality.PValue == nil {
		t.Errorf("summary: %+v", r.Summary)
	}
}

// near says whether a and b agree to a relative tolerance.
func near(a, b, tol float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= tol*max(1, a, -a, b, -b)
}

// TestConfigChecks checks that a default draw count above the limit is
// lowered to it (a request naming no count is then served, not refused)
// and that a spool folder that cannot be written is a start-up error.
func TestConfigChecks(t *testing.T) {
	cfg := testConfig
	cfg.MaxDraws, cfg.DefaultDraws = 250, 2000
	f := newFixture(t, cfg, 0.1)
	st, _, body := f.do(t, "POST", "/v1/models/m/infer?exact=false", "text/csv", bytes.NewReader(f.csv))
	if got := len(inferJSON(t, st, body).Draws); got != 250 {
		t.Errorf("default draws above --max-draws 250: got %d draws, want 250", got)
	}

	sm, err := serve.LoadModel("m", f.modelPath)
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "folder")
	_, err = serve.New([]serve.Model{sm}, serve.Config{SpoolDir: missing})
	if err == nil || !strings.Contains(err.Error(), "spool folder") {
		t.Errorf("New with spool folder %s: %v, want an error naming the spool folder", missing, err)
	}
}
