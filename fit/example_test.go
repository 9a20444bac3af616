package fit_test

import (
	"fmt"

	"github.com/laa-neuro/laa/fit"
)

// Baseline noise estimates of sweeps of one cell scatter by a few per
// cent; rounded to the E24 series they mostly give one model noise, and
// so one cached model.
func ExampleQuantizeNoise() {
	for _, sd := range []float64{0.0424, 0.0431, 0.0436, 0.0467} {
		fmt.Printf("%.4f mV -> %g mV\n", sd, fit.QuantizeNoise(sd))
	}
	// Output:
	// 0.0424 mV -> 0.043 mV
	// 0.0431 mV -> 0.043 mV
	// 0.0436 mV -> 0.043 mV
	// 0.0467 mV -> 0.047 mV
}
