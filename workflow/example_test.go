package workflow_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/workflow"
)

// The whole job in ten lines: simulate a training and a held-out set from
// the default experiment, train the quick preset, assess it and write the
// report. The sizes are tiny so that the example runs in seconds; 'laa
// demo' runs the same steps on 100,000 training simulations.
func Example() {
	ctx, cfg := context.Background(), neuron.Default()
	trainSet, err := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 1000, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	testSet, err := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 60, Seed: 2})
	if err != nil {
		log.Fatal(err)
	}
	m, hist, err := workflow.Train(ctx, trainSet, workflow.TrainOptions{Preset: "quick", Epochs: 2, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	a, err := workflow.Assess(ctx, m, testSet, workflow.AssessOptions{Seed: 1, Draws: 100, History: &hist})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "laa-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := workflow.Report(a, dir); err != nil {
		log.Fatal(err)
	}

	fmt.Printf("trained %d epochs on %d simulations of %d samples\n", len(hist.Val), trainSet.N, trainSet.T)
	fmt.Printf("assessed %v on %d held-out simulations, %d draws each\n", a.Result.Names, a.Result.Sims, a.Result.Draws)
	fmt.Println("comparison with the exact posterior:", a.Comparison.Absent)
	for _, f := range []string{"index.html", "metrics.json", "ranks.png", "loss.svg"} {
		_, err := os.Stat(filepath.Join(dir, f))
		fmt.Printf("%s written: %v\n", f, err == nil)
	}
	// Output:
	// trained 2 epochs on 1000 simulations of 600 samples
	// assessed [C_m g_L E_L k V_thr] on 60 held-out simulations, 100 draws each
	// comparison with the exact posterior: it was switched off
	// index.html written: true
	// metrics.json written: true
	// ranks.png written: true
	// loss.svg written: true
}

// Sweeps repeats a protocol back to back: the default staircase, recorded
// twice as long.
func ExampleSweeps() {
	two, err := workflow.Sweeps(neuron.Default(), 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(two.DurationMs, "ms")
	fmt.Println("steps at", two.Stimulus.Times, "ms")
	fmt.Println("levels  ", two.Stimulus.Levels, "uA/cm2")
	// Output:
	// 1200 ms
	// steps at [50 200 350 500 650 800 950 1100] ms
	// levels   [0.5 1 1.5 0 0.5 1 1.5 0] uA/cm2
}

// GrowthOf reads the metrics of models trained on longer and longer
// recordings, and warns where the posterior widens with more data.
func ExampleGrowthOf() {
	points := []workflow.GrowthPoint{
		{Sweeps: 1, DurationMs: 600, Contraction: []float64{0.50, 0.40}, NRMSE: []float64{0.7, 0.8}, CalibrationError: []float64{0.01, 0.02}},
		{Sweeps: 2, DurationMs: 1200, Contraction: []float64{0.70, 0.30}, NRMSE: []float64{0.5, 0.8}, CalibrationError: []float64{0.02, 0.01}},
	}
	res, err := workflow.GrowthOf([]string{"C_m", "g_L"}, points)
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range res.Warnings {
		fmt.Println(w)
	}
	// Output:
	// g_L: contraction falls from 0.400 at 1 sweeps (600 ms) to 0.300 at 2 sweeps (1200 ms)
}

// Infer gives the posterior of observed traces; here a held-out
// simulation stands in for a recording, and the correction to the exact
// posterior is off to keep the example fast.
func ExampleInfer() {
	ctx, cfg := context.Background(), neuron.Default()
	trainSet, err := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 500, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	m, _, err := workflow.Train(ctx, trainSet, workflow.TrainOptions{Preset: "mlp", Epochs: 1, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	one, err := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 1, Seed: 2})
	if err != nil {
		log.Fatal(err)
	}
	voltage := make([]float64, one.T)
	for t, v := range one.Traces {
		voltage[t] = float64(v)
	}
	inf, err := workflow.Infer(ctx, m, []workflow.Trace{{Name: "cell", Voltage: voltage}}, workflow.InferOptions{Draws: 500, Seed: 1, NoExact: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range inf.Traces {
		fmt.Printf("%s: %d draws of %v, route %s\n", t.Trace.Name, len(t.Posterior.Draws), inf.Names, t.Posterior.Route)
		fmt.Println("summarized:", len(t.Summary), "parameters")
	}
	// Output:
	// cell: 500 draws of [C_m g_L E_L k V_thr], route amortized
	// summarized: 5 parameters
}
