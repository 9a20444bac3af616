package cli

import (
	"fmt"
	"math"
)

// Limits on the counts the command line takes, where they drive what is
// allocated. Each is refused with a message naming it.
const (
	// MaxTraceValues bounds simulations x samples per trace in one data
	// set (simulate, and each set demo and growth simulate): 2^31 values,
	// 24 GiB while simulating (a float64 and a float32 copy). Larger runs
	// are split with --shard.
	MaxTraceValues = 1 << 31
	// MaxPosteriorValues bounds the posterior draws held at once: draws x
	// parameters x posteriors (infer: traces; diagnose and growth:
	// held-out simulations; compare: one observation; reference: chains x
	// iterations, sampling extended up to 4 x). 2^25 values, 256 MiB as
	// float64; the exact correction holds a few times that.
	MaxPosteriorValues = 1 << 25
	// MaxPlotTraces bounds prior-predictive -n: traces drawn in one figure.
	MaxPlotTraces = 1000
	// MaxWorkers bounds --workers (a goroutine and buffers each).
	MaxWorkers = 1024
	// MaxChains bounds reference --chains.
	MaxChains = 1 << 14
)

// positive refuses a count below 1.
func positive(cmd, flag string, v int) error {
	if v < 1 {
		return fmt.Errorf("%s: %s must be positive, got %d", cmd, flag, v)
	}
	return nil
}

// zeroOrMore refuses a negative count; zero says what 0 means.
func zeroOrMore(cmd, flag string, v int, zero string) error {
	if v < 0 {
		return fmt.Errorf("%s: %s must not be negative, got %d (0: %s)", cmd, flag, v, zero)
	}
	return nil
}

// atMost refuses a count above limit.
func atMost(cmd, flag string, v, limit int, name string) error {
	if v > limit {
		return fmt.Errorf("%s: %s %d exceeds the limit of %d (%s)", cmd, flag, v, limit, name)
	}
	return nil
}

// product refuses a product of counts above limit (named name); what
// describes the product ("-n 5000000 x 600 samples"), unit its values.
func product(cmd, what, unit string, limit int, name string, factors ...int) error {
	p := 1.0
	for _, f := range factors {
		p *= float64(max(f, 0))
	}
	if p > float64(limit) || p > math.MaxInt64/2 {
		return fmt.Errorf("%s: %s = %.4g %s exceeds the limit of %d (%s)", cmd, what, p, unit, limit, name)
	}
	return nil
}

// checks returns the first error of errs.
func checks(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
