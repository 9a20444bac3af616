package reference

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/laa-neuro/laa/diagnose"
	"gonum.org/v1/gonum/mat"
)

// Monte Carlo tolerances: an estimate must lie within zTol standard errors
// (computed from the ESS) of the closed-form value.
const (
	zTol       = 4.0
	maxTestHat = 1.05 // R-hat the tests accept
)

// gaussianInit returns n draws of N(mean, sd^2 I) in d dimensions.
func gaussianInit(seed uint64, n, d int, mean, sd float64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	init := make([][]float64, n)
	for i := range init {
		init[i] = make([]float64, d)
		for j := range init[i] {
			init[i][j] = mean + sd*rng.NormFloat64()
		}
	}
	return init
}

// checkMoments compares the draws' mean and covariance with mu and sigma
// within zTol standard errors, using the smallest ESS over dimensions.
func checkMoments(t *testing.T, r *Result, mu []float64, sigma *mat.SymDense) {
	t.Helper()
	ess := slices.Min(r.ESS)
	m, c := r.Mean(), r.Cov()
	for i := range mu {
		sd := math.Sqrt(sigma.At(i, i))
		if se := sd / math.Sqrt(ess); math.Abs(m[i]-mu[i]) > zTol*se {
			t.Errorf("mean[%d] = %.4f, want %.4f +- %.4f (ESS %.0f)", i, m[i], mu[i], zTol*se, ess)
		}
		for j := range mu {
			sij, sii, sjj := sigma.At(i, j), sigma.At(i, i), sigma.At(j, j)
			// Var of a sample covariance of a Gaussian: (s_ii s_jj + s_ij^2) / n.
			if se := math.Sqrt((sii*sjj + sij*sij) / ess); math.Abs(c[i][j]-sij) > zTol*se {
				t.Errorf("cov[%d][%d] = %.4f, want %.4f +- %.4f (ESS %.0f)", i, j, c[i][j], sij, zTol*se, ess)
			}
		}
	}
	for j, rh := range r.RHat {
		if !(rh < maxTestHat) {
			t.Errorf("R-hat[%d] = %.4f", j, rh)
		}
	}
}

// TestLinearGaussian checks the sampler against the closed-form posterior of
// y = A theta + e, e ~ N(0, s^2 I), theta ~ N(m0, S0):
//
//	Sigma = (S0^-1 + A^T A / s^2)^-1,  mu = Sigma (S0^-1 m0 + A^T y / s^2).
func TestLinearGaussian(t *testing.T) {
	t.Parallel()
	a := mat.NewDense(4, 3, []float64{1, 0.5, 0, 0.2, 1, 0.3, 0, 0.4, 1, 1, 1, 1})
	y := mat.NewVecDense(4, []float64{1.2, -0.3, 0.8, 2.1})
	m0 := mat.NewVecDense(3, []float64{0, 1, -1})
	const s2, prior2 = 0.25, 4.0 // noise and prior variances
	var prec mat.SymDense
	prec.SymOuterK(1/s2, a.T())
	for i := range 3 {
		prec.SetSym(i, i, prec.At(i, i)+1/prior2)
	}
	var chol mat.Cholesky
	if !chol.Factorize(&prec) {
		t.Fatal("posterior precision not positive definite")
	}
	var sigma mat.SymDense
	if err := chol.InverseTo(&sigma); err != nil {
		t.Fatal(err)
	}
	var aty, mu mat.VecDense
	aty.MulVec(a.T(), y)
	rhs := mat.NewVecDense(3, nil)
	rhs.AddScaledVec(rhs, 1/prior2, m0)
	rhs.AddScaledVec(rhs, 1/s2, &aty)
	mu.MulVec(&sigma, rhs)

	logp := func(th []float64) float64 {
		var lp float64
		for i := range 4 {
			r := y.AtVec(i)
			for j := range 3 {
				r -= a.At(i, j) * th[j]
			}
			lp -= r * r / (2 * s2)
		}
		for j := range 3 {
			d := th[j] - m0.AtVec(j)
			lp -= d * d / (2 * prior2)
		}
		return lp
	}
	r, err := Sample(Parallel(logp, 1), Options{Seed: 1, Init: gaussianInit(2, 64, 3, 0, 2)})
	if err != nil {
		t.Fatal(err)
	}
	checkMoments(t, r, mu.RawVector().Data, &sigma)
	if len(r.Warnings) != 0 {
		t.Errorf("warnings: %v", r.Warnings)
	}
}

// TestCorrelatedGaussian: rho = 0.95 with scales 1 and 10, started far off.
func TestCorrelatedGaussian(t *testing.T) {
	t.Parallel()
	const rho, s1, s2 = 0.95, 1.0, 10.0
	sigma := mat.NewSymDense(2, []float64{s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2})
	var chol mat.Cholesky
	chol.Factorize(sigma)
	var prec mat.SymDense
	if err := chol.InverseTo(&prec); err != nil {
		t.Fatal(err)
	}
	mu := []float64{3, -20}
	logp := func(x []float64) float64 {
		d0, d1 := x[0]-mu[0], x[1]-mu[1]
		return -0.5 * (prec.At(0, 0)*d0*d0 + 2*prec.At(0, 1)*d0*d1 + prec.At(1, 1)*d1*d1)
	}
	r, err := Sample(Parallel(logp, 0), Options{Seed: 3, Init: gaussianInit(4, 64, 2, 0, 30)})
	if err != nil {
		t.Fatal(err)
	}
	checkMoments(t, r, mu, sigma)
}

// TestBimodal: 0.3 N(-(4, 4), I) + 0.7 N((4, 4), I). The chains must cross
// between the modes (separated by 11 sd) and weigh them right.
func TestBimodal(t *testing.T) {
	t.Parallel()
	const w = 0.7
	logp := func(x []float64) float64 {
		a := -0.5 * ((x[0]+4)*(x[0]+4) + (x[1]+4)*(x[1]+4))
		b := -0.5 * ((x[0]-4)*(x[0]-4) + (x[1]-4)*(x[1]-4))
		return logAddExp(math.Log(1-w)+a, math.Log(w)+b)
	}
	r, err := Sample(Parallel(logp, 0), Options{Seed: 5, Init: gaussianInit(6, 128, 2, 0, 5)})
	if err != nil {
		t.Fatal(err)
	}
	ind := make([][]float64, len(r.Chains))
	crossed := 0
	for c, ch := range r.Chains {
		ind[c] = make([]float64, len(ch))
		for k, x := range ch {
			if x[0] > 0 {
				ind[c][k] = 1
			}
			if k > 0 && ind[c][k] != ind[c][k-1] {
				crossed++
			}
		}
	}
	ess, err := diagnose.ESS(ind)
	if err != nil {
		t.Fatal(err)
	}
	var frac float64
	for _, x := range r.Draws {
		if x[0] > 0 {
			frac++
		}
	}
	frac /= float64(len(r.Draws))
	if se := math.Sqrt(w * (1 - w) / ess); math.Abs(frac-w) > zTol*se {
		t.Errorf("weight of the upper mode %.4f, want %.2f +- %.4f (ESS %.0f)", frac, w, zTol*se, ess)
	}
	if crossed < 100 {
		t.Errorf("chains crossed between the modes %d times", crossed)
	}
	t.Logf("upper mode weight %.4f (ESS %.0f), %d crossings, R-hat %.4v, accept %.3f", frac, ess, crossed, r.RHat, r.AcceptRate)
}

// TestOptions covers thinning, the progress callback, extension rounds,
// cancellation and bad options on a cheap target.
func TestOptions(t *testing.T) {
	t.Parallel()
	logp := Parallel(func(x []float64) float64 { return -0.5 * x[0] * x[0] }, 1)
	init := gaussianInit(1, 20, 1, 0, 3)
	var calls, last int
	r, err := Sample(logp, Options{Chains: 4, Burnin: 100, Iterations: 200, MaxIterations: 600, Thin: 5, Init: init,
		Progress: func(p Progress) { calls++; last = p.Iteration }})
	if err != nil {
		t.Fatal(err)
	}
	n := len(r.Chains[0])
	if n%40 != 0 || n == 0 || n > 120 {
		t.Errorf("%d draws per chain, want a multiple of 200/5 up to 600/5", n)
	}
	if calls == 0 || last != 100+5*n {
		t.Errorf("progress: %d calls, last at %d, want %d", calls, last, 100+5*n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Sample(logp, Options{Chains: 4, Init: init, Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	for _, o := range []Options{
		{Chains: 2, Init: init},
		{Chains: 3, Init: init[:2]},
		{Chains: 3, Iterations: 10, MaxIterations: 5, Init: init},
		{Chains: 3, Iterations: 10, Thin: 5, Init: init},
		{Chains: 3, Init: [][]float64{{1}, {2}, {math.NaN()}}},
		{Chains: 3, Init: [][]float64{{1}, {2}, {3, 4}}},
		{Chains: 30, Init: init}, // more chains than initial rows
	} {
		if _, err := Sample(logp, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}
