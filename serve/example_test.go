package serve_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/serve"
)

// Serve a model and post a trace to the API as JSON arrays: the answer
// holds the draws and the summary laa infer --json prints.
func Example() {
	// A small untrained model of the default experiment (a trained one
	// comes from serve.LoadModel("name", "model.laa")).
	exp := neuron.Default()
	sim, _ := neuron.NewSimulator(exp)
	set, _ := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 3, N: 64})
	m, _ := npe.New(npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 4, Hidden: 8}, Flow: npe.FlowConfig{Layers: 2, Hidden: 8}}, set, 7)
	obs := make([]npe.Observation, set.N)
	for i := range obs {
		obs[i], _ = m.FromSet(set, i)
	}
	m.Loss(obs, set.Theta) // the first forward pass initializes the flow
	srv, err := serve.New([]serve.Model{{Name: "cell", Version: "v1", Model: m}},
		serve.Config{Examples: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	// Trace 0 of the simulations, in ms, mV and uA/cm2 (the default units).
	var tr serve.TraceRequest
	for k := range set.T {
		tr.Time = append(tr.Time, set.Time[k])
		tr.Voltage = append(tr.Voltage, float64(set.Traces[k]))
		tr.Current = append(tr.Current, set.Stimulus[k])
	}
	body, _ := json.Marshal(tr)
	resp, err := http.Post(ts.URL+"/v1/models/cell/infer?draws=500&seed=1&exact=false", "application/json", strings.NewReader(string(body)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var r serve.InferResponse
	json.NewDecoder(resp.Body).Decode(&r)
	fmt.Println(resp.StatusCode, r.Summary.Posterior.Route, len(r.Draws), "draws of", r.Names)
	for _, p := range r.Summary.Params[:2] {
		fmt.Printf("%s (%s): 90 %% interval [%.2g, %.2g]\n", p.Name, p.Unit, *p.Lower, *p.Upper)
	}
	// Output:
	// 200 amortized 500 draws of [C_m g_L E_L k V_thr]
	// C_m (uF/cm2): 90 % interval [0.62, 1.5]
	// g_L (mS/cm2): 90 % interval [0.066, 0.17]
}
