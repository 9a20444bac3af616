package validation_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagreport"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/model/gaussianlinear"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
	"github.com/laa-neuro/laa/validation"
)

// noSimulator hides a model's simulator, as a model brought as simulations
// alone would be.
type noSimulator struct{ model.Model }

// TestAssessOtherModel assesses a posterior of a model that is not LAA
// (the linear Gaussian, P = 3, D = 10): calibration, recovery and TARP are
// computed as for LAA, the predictive check simulates from the model, the
// LAA-only typicality cases are skipped with a sentence, and the report
// says so. Without a simulator the predictive check is skipped too, with
// its reason, and the report (package diagreport) still writes.
func TestAssessOtherModel(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	t.Parallel()
	lg, err := gaussianlinear.New(3, 10, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	trainSet, err := dataset.SimulateModel(lg, dataset.SimulateOptions{Seed: 1, N: 6000})
	if err != nil {
		t.Fatal(err)
	}
	testSet, err := dataset.SimulateModel(lg, dataset.SimulateOptions{Seed: 2, N: 200})
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := train.Preset(train.PresetMLP)
	opt.Epochs, opt.Model.Flow = 12, npe.FlowConfig{Layers: 4, Hidden: 32}
	m, _, err := train.Run(trainSet, opt, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := validation.Assess(m, testSet, validation.Options{Seed: 3, Draws: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Params) != 3 || res.Params[0].Name != "theta_1" {
		t.Fatalf("params %+v", res.Params)
	}
	_, cov, err := lg.Posterior(make([]float64, 10)) // the covariance does not depend on x
	if err != nil {
		t.Fatal(err)
	}
	for j, p := range res.Params {
		if exact := 1 - cov.At(j, j); math.Abs(p.Recovery.Contraction-exact) > 0.1 {
			t.Errorf("%s: contraction %.2f, the exact posterior's is %.2f", p.Name, p.Recovery.Contraction, exact)
		}
	}
	if res.Example.PPC.Draws == 0 || len(res.Example.PPC.Q50) != 10 {
		t.Errorf("predictive check not computed: %+v", res.Example.PPC)
	}
	if len(res.Skipped) != 1 || !strings.HasPrefix(res.Skipped[0], "typicality") {
		t.Errorf("skipped %q, want the typicality cases alone", res.Skipped)
	}
	dir := t.TempDir()
	if err := diagreport.Write(diagreport.Results{Assessment: res}, diagreport.Info{Model: "memory", Data: "memory", Generative: lg}, dir); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Skipped diagnostics", "gaussian-linear", "ppc.png"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}

	m.Generative = noSimulator{lg}
	res, err = validation.Assess(m, testSet, validation.Options{Seed: 3, Draws: 100, Sims: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 2 || !strings.Contains(res.Skipped[0], "posterior predictive check: model gaussian-linear cannot simulate") {
		t.Errorf("skipped %q, want the predictive check and typicality", res.Skipped)
	}
	if err := diagreport.Write(diagreport.Results{Assessment: res}, diagreport.Info{Model: "memory", Data: "memory", Generative: m.Generative}, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}
