package model_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/prior"
)

// location is a Gaussian location model: one parameter mu, and an
// observation of D = 5 values, each mu plus independent Normal(0, Noise^2)
// noise. Its exported fields are its spec, all a saved file needs to
// rebuild it.
type location struct {
	Prior prior.Spec `json:"prior"` // prior of mu
	Noise float64    `json:"noise"` // noise standard deviation
}

// locationD is the number of values in one observation.
const locationD = 5

// Kind names the model in files; decodeLocation is registered under it.
func (location) Kind() string { return "location" }

// Parameters lists mu with its prior.
func (m location) Parameters() []model.Parameter {
	return []model.Parameter{{Name: "mu", Unit: "mV", Prior: m.Prior.Distribution()}}
}

// Observation says that x is a vector of D values in mV.
func (location) Observation() model.Observation {
	return model.Observation{Length: locationD, Unit: "mV"}
}

// Spec writes the model as JSON.
func (m location) Spec() ([]byte, error) { return json.Marshal(m) }

// Simulate makes location a model.Simulator. theta holds one row of P = 1
// value per simulation; row i's noise comes from rngs[i] alone.
func (m location) Simulate(theta []float64, rngs []*rand.Rand, x []float64) error {
	for i, rng := range rngs {
		for j := range locationD {
			x[i*locationD+j] = theta[i] + m.Noise*rng.NormFloat64()
		}
	}
	return nil
}

// LogLikelihood makes location a model.Likelihood: log p(x | mu).
func (m location) LogLikelihood(theta, x []float64) (float64, error) {
	if len(theta) != 1 || len(x) != locationD {
		return 0, fmt.Errorf("location: %d parameters and %d values, want 1 and %d", len(theta), len(x), locationD)
	}
	noise := prior.Normal{Mu: theta[0], Sigma: m.Noise}
	ll := 0.0
	for _, v := range x {
		ll += noise.LogDensity(v)
	}
	return ll, nil
}

// decodeLocation rebuilds a location from its Spec, checking what a file
// may have got wrong.
func decodeLocation(spec []byte) (model.Model, error) {
	var m location
	if err := json.Unmarshal(spec, &m); err != nil {
		return nil, fmt.Errorf("location spec: %w", err)
	}
	if err := m.Prior.Validate(); err != nil {
		return nil, err
	}
	if !(m.Noise > 0) || math.IsInf(m.Noise, 1) {
		return nil, fmt.Errorf("location: noise %g, want a positive number", m.Noise)
	}
	return m, nil
}

// A Go program brings its own model by implementing model.Model (here with
// the optional Simulator and Likelihood abilities) and registering a
// decoder for its kind, so that files naming the kind load it again.
func Example() {
	// Register once, before any file is read (an init function is the
	// usual place).
	model.Register("location", decodeLocation)

	var m model.Model = location{Prior: prior.NewNormal(0, 2), Noise: 0.5}
	if err := model.Check(m); err != nil {
		fmt.Println(err)
		return
	}

	// Files keep a model as its kind and spec; Load rebuilds it.
	stored, err := model.Store(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("kind %s, spec %s\n", stored.Kind, stored.Spec)
	if m, err = stored.Load(); err != nil {
		fmt.Println(err)
		return
	}

	// Simulation i of a run draws its parameters, then its noise, from
	// model.Stream(seed, i): any shard of a run reproduces the same rows.
	sim, ok := m.(model.Simulator)
	if !ok {
		fmt.Println("location cannot simulate")
		return
	}
	const seed = 2026
	theta := make([]float64, len(m.Parameters()))
	x := make([]float64, m.Observation().Length)
	for i := range 3 {
		rng := model.Stream(seed, uint64(i))
		model.SamplePrior(m, rng, theta)
		if err := sim.Simulate(theta, []*rand.Rand{rng}, x); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("row %d: %s = %6.3f, x = %6.3f\n", i, model.Names(m)[0], theta[0], x)
	}

	// Diagnostics use a tractable likelihood when the model has one.
	if l, ok := m.(model.Likelihood); ok {
		ll, err := l.LogLikelihood(theta, x)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("row 2: log prior %.3f, log likelihood %.3f\n", model.LogPrior(m, theta), ll)
	}

	// Output:
	// kind location, spec {"prior":{"dist":"normal","sd":2},"noise":0.5}
	// row 0: mu =  3.339, x = [ 2.309  3.278  3.319  3.525  3.558]
	// row 1: mu =  0.174, x = [ 0.159  0.506  0.691  0.553  0.919]
	// row 2: mu =  0.937, x = [ 0.732  0.090  1.149  1.557  0.826]
	// row 2: log prior -1.722, log likelihood -3.534
}
