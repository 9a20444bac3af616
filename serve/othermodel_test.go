package serve_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model/gaussianlinear"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/serve"
)

// TestOtherModel: a model other than the LAA neuron (the linear Gaussian,
// P = 3, D = 10) takes a JSON observation, on the amortized and the exact
// route, with a predictive check and figures; a recording file or an
// observation of the wrong length is refused with a JSON error.
func TestOtherModel(t *testing.T) {
	t.Parallel()
	lg, err := gaussianlinear.New(3, 10, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.SimulateModel(lg, dataset.SimulateOptions{Seed: 3, N: 200})
	if err != nil {
		t.Fatal(err)
	}
	m, err := npe.New(npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 4, Hidden: 8}, Flow: npe.FlowConfig{Layers: 2, Hidden: 8}}, set, 7)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]npe.Observation, set.N)
	for i := range obs {
		if obs[i], err = m.FromSet(set, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Loss(obs, set.Theta); err != nil {
		t.Fatal(err)
	}
	srv, err := serve.New([]serve.Model{{Name: "lg", Version: "t", Model: m}}, serve.Config{Replicas: 1, SpoolDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	post := func(query, contentType, body string) (int, []byte) {
		resp, err := http.Post(ts.URL+"/v1/models/lg/infer?"+query, contentType, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	x := make([]float64, set.T)
	for k := range x {
		x[k] = float64(set.Traces[k])
	}
	b, _ := json.Marshal(map[string]any{"observation": x, "name": "x0"})
	for _, q := range []string{"exact=false&draws=300&predictive=20&figures=true", "exact=true&draws=300"} {
		status, body := post(q, "application/json", string(b))
		r := inferJSON(t, status, body)
		if len(r.Draws) != 300 || len(r.Draws[0]) != 3 || r.Summary.Trace != "x0" || len(r.Trace.Voltage) != 10 || r.Summary.Typicality.PValue == nil {
			t.Errorf("%s: %d draws, summary %+v", q, len(r.Draws), r.Summary)
		}
		if strings.Contains(q, "predictive") && (r.Predictive == nil || len(r.Predictive.Q50) != 10 || !strings.Contains(r.Figures["predictive"], "<svg")) {
			t.Errorf("%s: predictive %v, figures %d", q, r.Predictive, len(r.Figures))
		}
	}
	for _, c := range []struct {
		contentType, body string
		status            int
		code              string
	}{
		{"text/csv", "time_ms,voltage_mV\n0,1\n", 415, serve.CodeContentType},
		{"application/json", `{"observation": [1, 2, 3]}`, 422, serve.CodeBadTrace},
		{"application/json", `{"time": [0, 1], "voltage": [1, 2]}`, 400, serve.CodeBadRequest},
	} {
		status, body := post("exact=false", c.contentType, c.body)
		var e apiErr
		if status != c.status || json.Unmarshal(body, &e) != nil || e.Error.Code != c.code {
			t.Errorf("%s %q: %d %s, want %d %s", c.contentType, c.body, status, body, c.status, c.code)
		}
	}
}
