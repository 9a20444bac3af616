package exact

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/laa-neuro/laa/diagnose"
)

// Space maps parameters to the real line and back, so that the adaptive
// stage can fit a Student-t where the posterior is closest to Gaussian
// (log for log-normal priors, logit for uniform ones). A nil Space is the
// identity.
type Space interface {
	// ToFree maps theta to free coordinates; ok is false outside the support.
	ToFree(theta []float64) (u []float64, ok bool)
	// FromFree maps u back and returns log |d theta / d u|.
	FromFree(u []float64) (theta []float64, logJac float64)
}

// Density is a Proposal whose density can be evaluated anywhere, which the
// adaptive stage needs to weight the combined draws.
type Density interface {
	Proposal
	LogProb(thetas [][]float64) ([]float64, error)
}

// Settings of the adaptive stage's Student-t.
const (
	adaptNu       = 5   // degrees of freedom: tails heavier than the posterior's
	adaptInflate  = 1.5 // sd multiplier on the weighted covariance
	adaptProposal = 0.1 // share of the first stage's proposal covariance added
)

// adapt is the adaptive stage, run when the first stage's weights are
// unreliable: a Student-t fitted to the weighted first-stage draws proposes
// as many draws again, and all draws are weighted against the equal
// mixture of both proposals (the deterministic-mixture weights of Owen and
// Zhou 2000, which stay bounded wherever either proposal covers the
// target). It returns all draws and their smoothed weights.
func adapt(target Target, prop Density, draws [][]float64, logp, logq, w []float64, opt Options) ([][]float64, diagnose.PSISResult, error) {
	t, err := fitStudentT(opt.Space, draws, w)
	if err != nil {
		return nil, diagnose.PSISResult{}, err
	}
	S := len(draws)
	more, lt2 := t.sample(S, rand.New(rand.NewPCG(opt.Seed, streamAdapt)))
	lq2, err := prop.LogProb(more)
	if err != nil {
		return nil, diagnose.PSISResult{}, fmt.Errorf("exact: proposal density: %w", err)
	}
	lp2 := make([]float64, S)
	target.Batch(more, lp2, opt.Workers)
	all := append(append([][]float64(nil), draws...), more...)
	allP := append(append([]float64(nil), logp...), lp2...)
	mix := make([]float64, 2*S)
	for i := range mix {
		var a, b float64
		if i < S {
			a, b = logq[i], t.logPdf(draws[i])
		} else {
			a, b = lq2[i-S], lt2[i-S]
		}
		mix[i] = logAddExp(a, b) - math.Ln2
	}
	ps, err := psis(allP, mix)
	return all, ps, err
}

// logAddExp returns log(exp(a) + exp(b)).
func logAddExp(a, b float64) float64 {
	m := math.Max(a, b)
	if math.IsInf(m, -1) {
		return m
	}
	return m + math.Log1p(math.Exp(-math.Abs(a-b)))
}

// studentT is a multivariate Student-t in the free coordinates of a Space,
// with its density in natural units.
type studentT struct {
	space Space
	mean  []float64
	l     *mat.TriDense // lower Cholesky factor of the scale matrix
	logC  float64       // log normalizing constant, with -log det L
}

// fitStudentT fits the adaptive stage's t to draws weighted by w:
// location the weighted mean, scale adaptInflate^2 times the weighted
// covariance plus adaptProposal times the draws' unweighted covariance (a
// floor that keeps it positive definite when few weights dominate), in the
// free coordinates.
func fitStudentT(space Space, draws [][]float64, w []float64) (*studentT, error) {
	var us [][]float64
	var ws []float64
	for i, th := range draws {
		u, ok := toFree(space, th)
		if !ok {
			continue
		}
		us, ws = append(us, u), append(ws, w[i])
	}
	if len(us) < 2 {
		return nil, errors.New("exact: too few proposals inside the support to adapt")
	}
	d := len(us[0])
	wm, wc := weightedMoments(us, ws)
	flat := make([]float64, len(us))
	for i := range flat {
		flat[i] = 1 / float64(len(us))
	}
	_, uc := weightedMoments(us, flat)
	cov := mat.NewSymDense(d, nil)
	for a := range d {
		for b := a; b < d; b++ {
			cov.SetSym(a, b, adaptInflate*adaptInflate*wc[a][b]+adaptProposal*uc[a][b])
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		return nil, errors.New("exact: the weighted covariance is not positive definite")
	}
	t := &studentT{space: space, mean: wm, l: mat.NewTriDense(d, mat.Lower, nil)}
	ch.LTo(t.l)
	fd := float64(d)
	lg1, _ := math.Lgamma((adaptNu + fd) / 2)
	lg2, _ := math.Lgamma(adaptNu / 2)
	t.logC = lg1 - lg2 - fd/2*math.Log(adaptNu*math.Pi)
	for j := range d {
		t.logC -= math.Log(t.l.At(j, j))
	}
	return t, nil
}

// sample draws n parameter vectors (natural units) with their log densities.
func (t *studentT) sample(n int, rng *rand.Rand) ([][]float64, []float64) {
	d := len(t.mean)
	draws, lq := make([][]float64, n), make([]float64, n)
	z := mat.NewVecDense(d, nil)
	x := mat.NewVecDense(d, nil)
	for i := range draws {
		var chi2 float64
		for range adaptNu {
			g := rng.NormFloat64()
			chi2 += g * g
		}
		s := math.Sqrt(adaptNu / chi2)
		for j := range d {
			z.SetVec(j, rng.NormFloat64()*s)
		}
		x.MulVec(t.l, z)
		u := make([]float64, d)
		for j := range d {
			u[j] = t.mean[j] + x.AtVec(j)
		}
		var lj float64
		draws[i], lj = fromFree(t.space, u)
		lq[i] = t.logPdfFree(u) - lj
	}
	return draws, lq
}

// logPdf returns the log density of theta in natural units.
func (t *studentT) logPdf(theta []float64) float64 {
	u, ok := toFree(t.space, theta)
	if !ok {
		return math.Inf(-1)
	}
	_, lj := fromFree(t.space, u)
	return t.logPdfFree(u) - lj
}

// logPdfFree returns the log density of u in free coordinates.
func (t *studentT) logPdfFree(u []float64) float64 {
	d := len(u)
	r := mat.NewVecDense(d, nil)
	for j := range d {
		r.SetVec(j, u[j]-t.mean[j])
	}
	var y mat.VecDense
	if err := y.SolveVec(t.l, r); err != nil {
		return math.Inf(-1)
	}
	m2 := mat.Dot(&y, &y)
	return t.logC - (adaptNu+float64(d))/2*math.Log1p(m2/adaptNu)
}

// weightedMoments returns the mean and covariance of rows xs under weights
// w (normalized here).
func weightedMoments(xs [][]float64, w []float64) (mean []float64, cov [][]float64) {
	d := len(xs[0])
	var sum float64
	for _, v := range w {
		sum += v
	}
	mean = make([]float64, d)
	for i, x := range xs {
		for j, v := range x {
			mean[j] += w[i] / sum * v
		}
	}
	cov = make([][]float64, d)
	for a := range cov {
		cov[a] = make([]float64, d)
	}
	for i, x := range xs {
		for a := range d {
			for b := range d {
				cov[a][b] += w[i] / sum * (x[a] - mean[a]) * (x[b] - mean[b])
			}
		}
	}
	return mean, cov
}

func toFree(s Space, theta []float64) ([]float64, bool) {
	if s == nil {
		for _, v := range theta {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, false
			}
		}
		return theta, true
	}
	return s.ToFree(theta)
}

func fromFree(s Space, u []float64) ([]float64, float64) {
	if s == nil {
		return u, 0
	}
	return s.FromFree(u)
}
