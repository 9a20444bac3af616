package serve

import (
	"log/slog"
	"runtime"
	"time"
)

// Config sets the server's limits. Its zero value means the defaults
// given with each field.
type Config struct {
	// MaxBodyBytes is the largest request body read [64 MiB, the CSV
	// reader's own limit]; a larger one is answered 413.
	MaxBodyBytes int64
	// MaxDraws is the most posterior draws one request may ask for
	// [100,000]; more is answered 400 too_many_draws.
	MaxDraws int
	// DefaultDraws is the number of draws when a request names none [2000,
	// as laa infer].
	DefaultDraws int
	// MaxPredictive is the most simulations of a posterior predictive
	// check one request may ask for [1000].
	MaxPredictive int
	// Timeout bounds one request's wait for a replica and its inference
	// [60 s]; past it the answer is 503 timeout. (An exact correction that
	// has fallen back to MCMC cannot be interrupted: it finishes in the
	// background and then frees its replica.)
	Timeout time.Duration
	// Replicas is the number of replicas of each model, so the number of
	// requests one model serves at once [GOMAXPROCS].
	Replicas int
	// Amortized makes the amortized posterior the default route; by
	// default (false) the posterior is corrected to the exact one where
	// the likelihood is tractable, as laa infer does. A request's "exact"
	// parameter overrides it.
	Amortized bool
	// SpoolDir is where uploaded files are spooled while they are read
	// (each in its own private folder, removed when the request ends)
	// [the system's temporary folder].
	SpoolDir string
	// Examples is the number of example traces simulated for each model
	// that can simulate [3]; negative means none.
	Examples int
	// Logger receives one structured line per request [slog.Default()].
	Logger *slog.Logger
}

// Default limits.
const (
	DefaultMaxBodyBytes  = 64 << 20
	DefaultMaxDraws      = 100_000
	DefaultDraws         = 2000
	DefaultMaxPredictive = 1000
	DefaultTimeout       = 60 * time.Second
	DefaultExamples      = 3
)

// withDefaults fills in the zero fields.
func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxDraws <= 0 {
		c.MaxDraws = DefaultMaxDraws
	}
	if c.DefaultDraws <= 0 {
		c.DefaultDraws = DefaultDraws
	}
	c.DefaultDraws = min(c.DefaultDraws, c.MaxDraws) // a default above the limit would refuse every request that names none
	if c.MaxPredictive <= 0 {
		c.MaxPredictive = DefaultMaxPredictive
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Replicas <= 0 {
		c.Replicas = runtime.GOMAXPROCS(0)
	}
	if c.Examples == 0 {
		c.Examples = DefaultExamples
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
