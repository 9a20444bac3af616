package serve_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/serve"
)

// fixture is a model saved to a file, a CSV recording of one of its
// simulations, and a test server serving the file as "m".
type fixture struct {
	modelPath, tracePath string
	csv                  []byte
	set                  *dataset.Set
	ts                   *httptest.Server
	logs                 *syncBuffer
	spoolDir             string
}

// testConfig are the limits the tests run under.
var testConfig = serve.Config{MaxBodyBytes: 256 << 10, MaxDraws: 5000, DefaultDraws: 300, Replicas: 2, SpoolDir: ""}

// newFixture saves an untrained model for the default experiment with
// observation noise sigmaObs (mV) and serves it. With sigmaObs = 300 its
// exact correction is a quick importance sample, the posterior being
// nearly the prior.
func newFixture(t *testing.T, cfg serve.Config, sigmaObs float64) *fixture {
	t.Helper()
	exp := neuron.Default()
	exp.SigmaObs = sigmaObs
	m, d := testmodel.Untrained(t, exp)
	dir := t.TempDir()
	f := &fixture{modelPath: filepath.Join(dir, "m.laa"), tracePath: filepath.Join(dir, "obs.csv"), set: d, logs: &syncBuffer{}}
	if err := npe.Save(f.modelPath, m, npe.Extra{}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("time_ms,voltage_mV,current_uA_per_cm2\n")
	for k := range d.T {
		fmt.Fprintf(&b, "%g,%.9g,%g\n", d.Time[k], d.Traces[k], d.Stimulus[k])
	}
	f.csv = []byte(b.String())
	if err := os.WriteFile(f.tracePath, f.csv, 0o644); err != nil {
		t.Fatal(err)
	}
	sm, err := serve.LoadModel("m", f.modelPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SpoolDir == "" {
		cfg.SpoolDir = t.TempDir()
	}
	f.spoolDir = cfg.SpoolDir
	cfg.Logger = slog.New(slog.NewJSONHandler(f.logs, nil))
	srv, err := serve.New([]serve.Model{sm}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The page test fetches the recording from the server, as the demo's
	// example_trace.csv (?upload=/testdata/example_trace.csv).
	h := srv.Handler()
	f.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/testdata/example_trace.csv" {
			w.Write(f.csv)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(f.ts.Close)
	return f
}

// syncBuffer is a buffer the server's log writes to while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// do sends a request and returns the status, the Content-Type and the body.
func (f *fixture) do(t *testing.T, method, path, contentType string, body io.Reader) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// upload posts data as the "file" field of a multipart form.
func (f *fixture) upload(t *testing.T, path, fileName string, data []byte) (int, string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("note", "a field before the file")
	fw, err := w.CreateFormFile("file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	return f.do(t, "POST", path, w.FormDataContentType(), &b)
}

// decode returns a function that decodes a 200 answer of the infer
// endpoint, failing t on any other.
func decode(t *testing.T) func(int, string, []byte) serve.InferResponse {
	return func(status int, _ string, body []byte) serve.InferResponse {
		t.Helper()
		return inferJSON(t, status, body)
	}
}

// inferJSON decodes a 200 answer of the infer endpoint.
func inferJSON(t *testing.T, status int, body []byte) serve.InferResponse {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var r serve.InferResponse
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return r
}

// apiErr is the JSON error body.
type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}
