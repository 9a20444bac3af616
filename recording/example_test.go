package recording_test

import (
	"fmt"
	"log"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
)

// Read a recording, put it on a model grid of 10 samples at 1 ms and turn
// its current into a staircase stimulus for the simulator (RK4 step 0.5 ms).
func Example() {
	rec, err := recording.Read("testdata/step_density.csv", recording.Options{})
	if err != nil {
		log.Fatal(err)
	}
	p, err := recording.Prepare(rec, recording.PrepareOptions{DurationMs: 10, RecordStepMs: 1})
	if err != nil {
		log.Fatal(err)
	}
	stim, err := recording.StimulusFromRecording(p, 0.5, 0.01)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.SampleRateHz, "Hz,", len(p.VoltageMV), "samples")
	fmt.Println("V:", p.VoltageMV[:4])
	fmt.Println(stim.Kind, stim.Times, stim.Levels)
	// Output:
	// 1000 Hz, 10 samples
	// V: [-65 -65 -64.5 -64]
	// staircase [0 2 6] [0 0.5 0]
}

// List an NWB file's current-clamp sweeps with their protocols in words.
func ExampleListSweeps() {
	sweeps, err := recording.ListSweeps("testdata/nwb2_sweeps.nwb", recording.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sweeps {
		fmt.Printf("%s (sweep %d): %g ms at %g Hz: %s\n", s.Name, s.Number, s.DurationMs, s.RateHz, s.Steps)
	}
	// Output:
	// data_00001_AD0 (sweep 1): 650 ms at 10000 Hz: 0 -> 50 pA at 100 ms, 0 at 400 ms
	// data_00002_AD0 (sweep 2): 700 ms at 5000 Hz: 0 -> -20 pA at 200 ms, 0 at 500 ms
	// data_00004_AD0 (sweep 4): 10 ms at 10000 Hz: no current recorded
}

// Take the experiment (grid, duration, stimulus) from a recording and
// estimate its noise on that grid.
func ExampleProtocolConfig() {
	rec, err := recording.Read("testdata/pair.csv", recording.Options{Membrane: recording.Membrane{CapacitancePF: 100}})
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := recording.ProtocolConfig(neuron.Default(), rec, recording.ProtocolOptions{})
	if err != nil {
		log.Fatal(err)
	}
	p, err := recording.Prepare(rec, recording.GridOf(cfg, 0))
	if err != nil {
		log.Fatal(err)
	}
	noise, err := recording.EstimateNoise(p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.DurationMs, "ms every", cfg.RecordStepMs, "ms, dt", cfg.DtMs, "ms")
	fmt.Println(cfg.Stimulus.Kind, cfg.Stimulus.Times, cfg.Stimulus.Levels)
	fmt.Printf("noise %.2f mV from %d samples (%g to %g ms)\n", noise.SD, noise.Samples, noise.FromMs, noise.ToMs)
	// Output:
	// 150 ms every 0.1 ms, dt 0.1 ms
	// staircase [0 20 120] [0 1 0]
	// noise 0.05 mV from 200 samples (0 to 20 ms)
}
