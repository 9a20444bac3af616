package features_test

import (
	"fmt"
	"math"

	"github.com/laa-neuro/laa/features"
)

func Example() {
	// The default staircase of docs/model.md, sampled every 1 ms for 600 ms.
	const dt = 1.0
	stim := make([]float64, 600)
	for i := range stim {
		switch t := float64(i) * dt; {
		case t >= 500:
		case t >= 350:
			stim[i] = 1.5
		case t >= 200:
			stim[i] = 1.0
		case t >= 50:
			stim[i] = 0.5
		}
	}
	layout, err := features.NewLayout(stim, dt, features.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}

	// A passive membrane: rest -65 mV, 10 mV per uA/cm2, tau 10 ms.
	v := make([]float64, len(stim))
	x, decay := -65.0, math.Exp(-dt/10)
	for i := range v {
		v[i] = x
		target := -65 + 10*stim[i]
		x = target + (x-target)*decay
	}

	out := make([]float64, layout.Len())
	if err := layout.Compute(v, out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(layout.Len(), "features")
	for i, name := range layout.Names() {
		if i < 6 || name == "post_level" {
			fmt.Printf("%-14s %7.2f\n", name, out[i])
		}
	}
	// Output:
	// 23 features
	// rest_mean       -65.00
	// rest_sd           0.00
	// step1_steady    -60.00
	// step1_tau        10.00
	// step1_ncross      0.00
	// step1_latency   150.00
	// post_level        1.58
}
