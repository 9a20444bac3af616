package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
)

// quickParams counts the trainable values of train.Preset("quick") by hand,
// the figure the Python twins print (PyTorch's must equal it): the hybrid
// summary network (four Conv1D layers of kernel 3 taking 150 pooled steps
// to 10, a dense head over the 10 x 32 features and 23 statistics) and six
// ActNorm + affine coupling blocks for 5 parameters.
func quickParams() int {
	n, in := 0, 2
	for _, out := range []int{16, 32, 32, 32} {
		n += 3*in*out + out
		in = out
	}
	dense := func(a, b int) int { return a*b + b }
	n += dense(10*32+23, 128) + dense(128, 128) + dense(128, 32)
	const dim, half, ctx = 5, 2, 32
	for range 6 {
		n += 2*dim + dense(half+ctx, 128) + dense(128, 128) + dense(128, 2*(dim-half))
	}
	return n
}

func TestRunReportsTheQuickPreset(t *testing.T) {
	sim, err := neuron.NewSimulator(neuron.Default())
	if err != nil {
		t.Fatal(err)
	}
	data, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 1, N: 1024})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "train.npz")
	if err := data.Write(path); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if err := run([]string{"-data", path, "-epochs", "2", "-reps", "3"}, &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not a report: %v\n%s", err, out.String())
	}
	if want := quickParams(); rep.Params != want {
		t.Errorf("params = %d, want %d", rep.Params, want)
	}
	// 1,024 rows less the 5 % held out for validation make 3 batches of 256;
	// the first step of the last epoch is not timed.
	if rep.N != 1024 || rep.Epochs != 2 || rep.Steps != 2 || rep.Reps != 3 {
		t.Errorf("report %+v: want n 1024, 2 epochs, 2 timed steps, 3 reps", rep)
	}
	if !(rep.StepMs > 0 && rep.SamplesPS > 0 && rep.EpochS > 0 && rep.Sample1kMs > 0 && rep.LoadS > 0) {
		t.Errorf("report %+v: every time must be positive", rep)
	}
	if d := rep.SamplesPS*rep.StepMs/1e3 - 256; d*d > 1e-6 {
		t.Errorf("samples/s %g and step %g ms disagree with batch 256", rep.SamplesPS, rep.StepMs)
	}
	if err := run([]string{"-epochs", "1"}, &out, &errs); err == nil {
		t.Error("run without -data gave no error")
	}
}
