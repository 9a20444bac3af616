package hh_test

import (
	"fmt"

	"github.com/laa-neuro/laa/hh"
	"github.com/laa-neuro/laa/neuron"
)

// The resting state of the classic squid axon.
func ExampleSteadyState() {
	s, err := hh.SteadyState(hh.Classic(), 0)
	if err != nil {
		panic(err)
	}
	fmt.Printf("rest %.1f mV, m %.3f, h %.3f, n %.3f\n", s.V, s.M, s.H, s.N)
	// Output: rest -65.0 mV, m 0.053, h 0.596, n 0.318
}

// The default staircase does not make the classic model spike; ten times
// stronger, it fires on the upper two steps.
func ExampleSimulate() {
	cur, err := neuron.DefaultStaircase().Compile()
	if err != nil {
		panic(err)
	}
	for _, scale := range []float64{1, 10} {
		tr, err := hh.Simulate(hh.Classic(), cur, hh.Settings{StimulusScale: scale}, nil)
		if err != nil {
			panic(err)
		}
		fmt.Printf("scale %2.0f: %d samples, %2d spikes, highest %.0f mV\n", scale, len(tr.V), len(tr.Spikes), tr.MaxV)
	}
	// Output:
	// scale  1: 600 samples,  0 spikes, highest -63 mV
	// scale 10: 600 samples, 23 spikes, highest 39 mV
}
