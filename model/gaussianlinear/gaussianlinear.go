// Package gaussianlinear is a linear Gaussian model whose posterior is
// known in closed form: theta ~ Normal(0, PriorSD^2 I) in P dimensions,
// x = A theta + Normal(0, NoiseSD^2 I) in D dimensions, with A fixed. It
// is the yardstick of amortized inference (sbibm's "gaussian_linear" is of
// this family): a posterior learned from simulations is compared with
// Posterior's exact one.
package gaussianlinear

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/prior"
)

// Kind is the model's name in files.
const Kind = "gaussian-linear"

func init() {
	model.Register(Kind, func(spec []byte) (model.Model, error) {
		var m Model
		if err := json.Unmarshal(spec, &m); err != nil {
			return nil, err
		}
		return m, m.Validate()
	})
}

// Model is the linear Gaussian model; A is D x P, row-major.
type Model struct {
	P       int       `json:"p"`
	D       int       `json:"d"`
	A       []float64 `json:"a"`
	PriorSD float64   `json:"prior_sd"`
	NoiseSD float64   `json:"noise_sd"`
}

// New returns the model with A's entries drawn from Normal(0, 1/P) under
// seed, so that each x has about unit signal variance at PriorSD 1.
func New(p, d int, priorSD, noiseSD float64, seed uint64) (Model, error) {
	rng := rand.New(rand.NewPCG(seed, 0x676c))
	a := make([]float64, d*p)
	for i := range a {
		a[i] = rng.NormFloat64() / math.Sqrt(float64(p))
	}
	m := Model{P: p, D: d, A: a, PriorSD: priorSD, NoiseSD: noiseSD}
	return m, m.Validate()
}

// Validate checks the sizes and that both sds are positive and finite.
func (m Model) Validate() error {
	switch {
	case m.P < 1 || m.D < 1 || m.P > model.MaxParameters || m.D > model.MaxLength:
		return fmt.Errorf("gaussianlinear: P = %d, D = %d", m.P, m.D)
	case len(m.A) != m.P*m.D:
		return fmt.Errorf("gaussianlinear: A has %d values, want %d x %d", len(m.A), m.D, m.P)
	case !(m.PriorSD > 0) || !(m.NoiseSD > 0) || math.IsInf(m.PriorSD, 0) || math.IsInf(m.NoiseSD, 0):
		return fmt.Errorf("gaussianlinear: prior sd %g and noise sd %g must be positive", m.PriorSD, m.NoiseSD)
	}
	for _, v := range m.A {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("gaussianlinear: A holds %g", v)
		}
	}
	return nil
}

// Kind returns "gaussian-linear".
func (Model) Kind() string { return Kind }

// Parameters are theta_1 .. theta_P, each Normal(0, PriorSD^2).
func (m Model) Parameters() []model.Parameter {
	ps := make([]model.Parameter, m.P)
	for j := range ps {
		ps[j] = model.Parameter{Name: fmt.Sprintf("theta_%d", j+1), Prior: prior.Normal{Mu: 0, Sigma: m.PriorSD}}
	}
	return ps
}

// Observation is a vector of D values.
func (m Model) Observation() model.Observation { return model.Observation{Length: m.D} }

// Spec returns the model as JSON.
func (m Model) Spec() ([]byte, error) { return json.Marshal(m) }

// Simulate fills x (n x D) with A theta plus noise, row i's noise from rngs[i].
func (m Model) Simulate(theta []float64, rngs []*rand.Rand, x []float64) error {
	n := len(rngs)
	if len(theta) != n*m.P || len(x) != n*m.D {
		return fmt.Errorf("gaussianlinear: %d parameter values, %d streams and %d outputs for P = %d, D = %d", len(theta), n, len(x), m.P, m.D)
	}
	for i := range n {
		th := theta[i*m.P : (i+1)*m.P]
		for d := range m.D {
			v := 0.0
			for j := range m.P {
				v += m.A[d*m.P+j] * th[j]
			}
			x[i*m.D+d] = v + m.NoiseSD*rngs[i].NormFloat64()
		}
	}
	return nil
}

// LogLikelihood returns log Normal(x; A theta, NoiseSD^2 I).
func (m Model) LogLikelihood(theta, x []float64) (float64, error) {
	if len(theta) != m.P || len(x) != m.D {
		return 0, fmt.Errorf("gaussianlinear: %d parameters and %d values, want %d and %d", len(theta), len(x), m.P, m.D)
	}
	ll := 0.0
	for d := range m.D {
		r := x[d]
		for j := range m.P {
			r -= m.A[d*m.P+j] * theta[j]
		}
		z := r / m.NoiseSD
		ll += -0.5*z*z - math.Log(m.NoiseSD) - 0.5*math.Log(2*math.Pi)
	}
	return ll, nil
}

// Posterior returns the exact posterior's mean and covariance given x:
// Sigma = (I / PriorSD^2 + A'A / NoiseSD^2)^-1, mean = Sigma A'x / NoiseSD^2.
func (m Model) Posterior(x []float64) (mean []float64, cov *mat.SymDense, err error) {
	if len(x) != m.D {
		return nil, nil, fmt.Errorf("gaussianlinear: observation of %d values, want %d", len(x), m.D)
	}
	a := mat.NewDense(m.D, m.P, m.A)
	var prec mat.SymDense
	prec.SymOuterK(1/(m.NoiseSD*m.NoiseSD), a.T())
	for j := range m.P {
		prec.SetSym(j, j, prec.At(j, j)+1/(m.PriorSD*m.PriorSD))
	}
	var chol mat.Cholesky
	if !chol.Factorize(&prec) {
		return nil, nil, fmt.Errorf("gaussianlinear: posterior precision is not positive definite")
	}
	cov = mat.NewSymDense(m.P, nil)
	if err := chol.InverseTo(cov); err != nil {
		return nil, nil, fmt.Errorf("gaussianlinear: %w", err)
	}
	var atx mat.VecDense
	atx.MulVec(a.T(), mat.NewVecDense(m.D, append([]float64(nil), x...)))
	atx.ScaleVec(1/(m.NoiseSD*m.NoiseSD), &atx)
	var mu mat.VecDense
	mu.MulVec(cov, &atx)
	return mat.Col(nil, 0, &mu), cov, nil
}

// SamplePosterior draws n exact posterior draws given x.
func (m Model) SamplePosterior(x []float64, n int, rng *rand.Rand) ([][]float64, error) {
	mean, cov, err := m.Posterior(x)
	if err != nil {
		return nil, err
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, fmt.Errorf("gaussianlinear: posterior covariance is not positive definite")
	}
	var l mat.TriDense
	chol.LTo(&l)
	out := make([][]float64, n)
	z := make([]float64, m.P)
	for i := range out {
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		row := make([]float64, m.P)
		for r := range m.P {
			v := mean[r]
			for c := 0; c <= r; c++ {
				v += l.At(r, c) * z[c]
			}
			row[r] = v
		}
		out[i] = row
	}
	return out, nil
}
