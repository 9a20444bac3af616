package recording_test

import (
	"fmt"
	"log"

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
