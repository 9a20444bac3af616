package workflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/model/gaussianlinear"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/workflow"
)

// tiny is a small model trained once for the tests, with its held-out set.
var tiny struct {
	once sync.Once
	m    *npe.Model
	test *dataset.Set
	err  error
}

func tinyModel(t *testing.T) (*npe.Model, *dataset.Set) {
	t.Helper()
	tiny.once.Do(func() {
		ctx, cfg := context.Background(), neuron.Default()
		var set *dataset.Set
		if set, tiny.err = workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 600, Seed: 7}); tiny.err != nil {
			return
		}
		if tiny.m, _, tiny.err = workflow.Train(ctx, set, workflow.TrainOptions{Preset: "mlp", Epochs: 1, Seed: 7}); tiny.err != nil {
			return
		}
		tiny.test, tiny.err = workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 60, Seed: 8})
	})
	if tiny.err != nil {
		t.Fatal(tiny.err)
	}
	return tiny.m, tiny.test
}

// Each stage starts with Done 0 and ends with Done == Total; training
// reports its epoch and losses.
func TestProgress(t *testing.T) {
	ctx, cfg := context.Background(), neuron.Default()
	var ups []workflow.Update
	rec := func(u workflow.Update) { ups = append(ups, u) }
	set, err := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 330, Seed: 3, Workers: 2, Progress: rec})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) < 2 || ups[0] != (workflow.Update{Stage: workflow.StageSimulate, Total: 330, Unit: "sims"}) || ups[len(ups)-1].Done != 330 {
		t.Errorf("simulate updates %+v ... %+v, want from 0 to 330 of 330", ups[0], ups[len(ups)-1])
	}
	for i := 1; i < len(ups); i++ {
		if ups[i].Done < ups[i-1].Done {
			t.Errorf("simulate: Done went back from %d to %d", ups[i-1].Done, ups[i].Done)
		}
	}
	ups = nil
	_, h, err := workflow.Train(ctx, set, workflow.TrainOptions{Preset: "mlp", Epochs: 2, Seed: 3, Progress: rec})
	if err != nil {
		t.Fatal(err)
	}
	first, last := ups[0], ups[len(ups)-1]
	if first.Stage != workflow.StageTrain || first.Done != 0 || last.Done != last.Total || last.Epoch != 2 {
		t.Errorf("train updates %+v ... %+v, want from 0 to the total, ending in epoch 2", first, last)
	}
	if !math.IsNaN(first.ValLoss) || last.ValLoss != h.Val[0] {
		t.Errorf("train: validation loss %v first, %v last; want NaN, then epoch 1's %v", first.ValLoss, last.ValLoss, h.Val[0])
	}
}

// A cancelled context stops before the step and says so.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := workflow.Simulate(ctx, neuron.Default(), workflow.SimulateOptions{N: 10, Seed: 1})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "workflow: simulate") {
		t.Errorf("simulate under a cancelled context: %v", err)
	}
	_, err = workflow.Growth(ctx, neuron.Default(), workflow.GrowthOptions{Sweeps: []int{1}, Train: 100, HeldOut: 60})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("growth under a cancelled context: %v", err)
	}
}

// Assess with a saved comparison returns it in the result, Report writes
// it with its figure and the metrics; the same seed gives the same
// numbers.
func TestAssessSavedComparison(t *testing.T) {
	m, test := tinyModel(t)
	saved := filepath.Join("..", "comparison", "testdata", "compare_v1")
	opt := workflow.AssessOptions{Sims: 60, Draws: 50, Seed: 5, Comparison: workflow.ComparisonOptions{Saved: saved}, ModelFile: "tiny.laa"}
	a, err := workflow.Assess(context.Background(), m, test, opt)
	if err != nil {
		t.Fatal(err)
	}
	c := a.Comparison
	if c == nil || len(c.Rows) != 2 || c.Rows[0].C2ST != 0.9075 {
		t.Fatalf("saved comparison not in the result: %+v", c)
	}
	if a.Result.Sims != 60 || a.Result.Draws != 50 || len(a.Result.Params) != 5 || a.Info.Model != "tiny.laa" || a.Info.Data != "(in memory)" {
		t.Errorf("result: %d sims, %d draws, %d parameters, model %q, data %q", a.Result.Sims, a.Result.Draws, len(a.Result.Params), a.Info.Model, a.Info.Data)
	}
	dir := t.TempDir()
	if err := workflow.Report(a, dir); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(saved, "marginals.png"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "comparison_marginals.png")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the saved comparison's figure was not copied into the report: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "comparison")); !os.IsNotExist(err) {
		t.Errorf("a saved comparison was written again into the report: %v", err)
	}
	var metrics struct {
		Comparison struct {
			Rows []struct {
				C2ST float64 `json:"c2st"`
			} `json:"rows"`
		} `json:"comparison"`
		Params []struct {
			Name     string `json:"name"`
			Coverage struct {
				CalibrationError float64 `json:"calibration_error"`
			} `json:"coverage"`
		} `json:"params"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &metrics); err != nil || len(metrics.Comparison.Rows) != 2 || len(metrics.Params) != 5 {
		t.Fatalf("metrics.json: %v, %d comparison rows, %d parameters", err, len(metrics.Comparison.Rows), len(metrics.Params))
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !bytes.Contains(html, []byte("comparison_marginals.png")) || !bytes.Contains(html, []byte("model tiny.laa")) {
		t.Errorf("index.html lacks the comparison's figure or the model's name: %v", err)
	}
	again, err := workflow.Assess(context.Background(), m, test, opt)
	if err != nil {
		t.Fatal(err)
	}
	for j, p := range a.Result.Params {
		q := again.Result.Params[j]
		if p.Coverage.CalibrationError != q.Coverage.CalibrationError || p.Recovery.NRMSE != q.Recovery.NRMSE || p.Unconstrained.Contraction != q.Unconstrained.Contraction {
			t.Errorf("%s: a second assessment with the same seed differs: %+v vs %+v", p.Name, p.Recovery, q.Recovery)
		}
	}
}

// A switched-off comparison says why in the result, and the report writes
// that empty comparison into report/comparison/; a recording that cannot be
// read is an error naming it.
func TestAssessNoComparisonAndBadRecording(t *testing.T) {
	m, test := tinyModel(t)
	ctx := context.Background()
	a, err := workflow.Assess(ctx, m, test, workflow.AssessOptions{Draws: 20, Seed: 1, Comparison: workflow.ComparisonOptions{Off: "not wanted here"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := a.Comparison; c == nil || c.Absent != "not wanted here" || len(c.Rows) != 0 {
		t.Errorf("comparison %+v, want an absent one saying why", c)
	}
	dir := t.TempDir()
	if err := workflow.Report(a, dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "comparison", "compare.json"))
	if err != nil || !bytes.Contains(b, []byte("not wanted here")) {
		t.Errorf("report/comparison/compare.json: %v, %s", err, b)
	}
	missing := filepath.Join(t.TempDir(), "nothing.csv")
	_, err = workflow.Assess(ctx, m, test, workflow.AssessOptions{Draws: 20, Seed: 1, Recordings: []workflow.RecordingFile{{Path: missing}}})
	if err == nil || !strings.Contains(err.Error(), "nothing.csv") {
		t.Errorf("a missing recording: error %v, want one naming it", err)
	}
	if err := workflow.Report(nil, dir); err == nil {
		t.Error("Report wrote a nil assessment")
	}
}

// The growth experiment trains and assesses one model per length, tells
// Done about each, and writes what it promises; growth.json reads back.
func TestGrowthExperiment(t *testing.T) {
	dir := t.TempDir()
	var done []int
	exp, err := workflow.Growth(context.Background(), neuron.Default(), workflow.GrowthOptions{Sweeps: []int{2, 1}, Train: 300, HeldOut: 60, Draws: 30, Epochs: 1, Seed: 4, Dir: dir,
		Done: func(i int, run workflow.GrowthRun) { done = append(done, run.Sweeps) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || done[0] != 1 || done[1] != 2 {
		t.Errorf("Done told about sweeps %v, want [1 2]", done)
	}
	if len(exp.Runs) != 2 || exp.Runs[1].DurationMs != 1200 || exp.Runs[0].Statistics != 23 || exp.Runs[1].Statistics != 39 || exp.Runs[0].Epochs != 1 {
		t.Errorf("runs %+v", exp.Runs)
	}
	if len(exp.Result.Points) != 2 || len(exp.Result.Names) != 5 || exp.NTest != 60 || exp.Draws != 30 {
		t.Errorf("result %+v", exp.Result)
	}
	if err := exp.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range append([]string{"model_k1.laa", "model_k2.laa"}, workflow.GrowthFiles...) {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	var back workflow.GrowthExperiment
	b, err := os.ReadFile(filepath.Join(dir, "growth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Runs) != 2 || back.Result.Points[1].Contraction[0] != exp.Result.Points[1].Contraction[0] {
		t.Errorf("growth.json does not read back: %v", err)
	}
	for name, opt := range map[string]workflow.GrowthOptions{
		"repeated sweeps":  {Sweeps: []int{1, 1}, Train: 300, HeldOut: 60},
		"zero sweeps":      {Sweeps: []int{0, 1}, Train: 300, HeldOut: 60},
		"too few held out": {Sweeps: []int{1}, Train: 300, HeldOut: 50},
		"no training data": {Sweeps: []int{1}, HeldOut: 60},
	} {
		if _, err := workflow.Growth(context.Background(), neuron.Default(), opt); err == nil || !strings.HasPrefix(err.Error(), "workflow: growth: ") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// Another model goes through the same steps: simulated, trained, assessed
// (the LAA-only typicality cases skipped with a sentence) and reported
// under its own name.
func TestOtherModel(t *testing.T) {
	lg, err := gaussianlinear.New(3, 10, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	trainSet, err := workflow.SimulateModel(ctx, lg, workflow.SimulateOptions{N: 1500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	testSet, err := workflow.SimulateModel(ctx, lg, workflow.SimulateOptions{N: 80, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := workflow.Train(ctx, trainSet, workflow.TrainOptions{Preset: "mlp", Epochs: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, err := workflow.Assess(ctx, m, testSet, workflow.AssessOptions{Draws: 50, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Result.Params) != 3 || a.Result.Params[0].Name != "theta_1" || a.Info.Generative == nil {
		t.Fatalf("assessed %d parameters (%+v), generative model %v", len(a.Result.Params), a.Result.Names, a.Info.Generative)
	}
	dir := t.TempDir()
	if err := workflow.Report(a, dir); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !bytes.Contains(html, []byte("gaussian-linear")) || !bytes.Contains(html, []byte("Skipped diagnostics")) {
		t.Errorf("the report does not name the model or its skipped diagnostics: %v", err)
	}
}

// Infer takes another model's observations: the typicality reference
// comes from the model's own simulations, and the posterior of an
// observation is summarized for each of its parameters.
func TestInferOtherModel(t *testing.T) {
	lg, err := gaussianlinear.New(3, 10, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	trainSet, err := workflow.SimulateModel(ctx, lg, workflow.SimulateOptions{N: 1500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := workflow.Train(ctx, trainSet, workflow.TrainOptions{Preset: "mlp", Epochs: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, trainSet.T)
	for j, v := range trainSet.Traces[:trainSet.T] {
		x[j] = float64(v)
	}
	inf, err := workflow.Infer(ctx, m, []workflow.Trace{{Name: "x0", Voltage: x}}, workflow.InferOptions{Draws: 300, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := inf.Traces[0]
	t.Logf("route %s (%s), typicality p %.3g", r.Posterior.Route, r.Posterior.Reason, r.Typicality.PValue)
	if len(r.Summary) != 3 || len(r.Posterior.Draws) != 300 || !(r.Typicality.PValue > 0.01 && r.Typicality.PValue <= 1) {
		t.Errorf("%d summaries, %d draws, typicality p %v", len(r.Summary), len(r.Posterior.Draws), r.Typicality.PValue)
	}
	dir := t.TempDir()
	if err := inf.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range workflow.InferenceFiles("x0", r.Posterior.Route != "amortized") {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
