package reference

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Kernel-density independence proposal, refitted to the archive every
// tenth of burn-in from its middle on, and every kdeRefitEvery iterations
// while sampling.
const (
	kdeProb       = 0.5  // probability of a kernel-density proposal (sampling, and burn-in from kdeFromCheck on)
	kdeRefitEvery = 500  // sampling iterations between refits
	kdeMaxPoints  = 512  // kernel centers at most (an even subsample of the archive)
	kdeNeighbours = 4    // a kernel's covariance comes from its kdeNeighbours * d nearest centers
	kdeRidge      = 1e-4 // added to a local covariance's diagonal, in archive variances
	kdeDefensive  = 0.1  // weight of the broad defensive component
	kdeDefScale   = 2.0  // its sd, in archive sd
	logNegligible = 37   // exp(-37) < 2^-53: a kernel that far below the largest is skipped
)

// kde is the proposal density
//
//	q(x) = (1 - eps) / M sum_m N(w; c_m, S_m) + eps N(w; 0, s^2 I),  w = L^-1 (x - mean),
//
// a mixture of Gaussians on M archive points c_m, in coordinates whitened by
// the archive's mean and covariance L L^T. Kernel m's covariance S_m is the
// scatter of its nearest centers about c_m, so the kernels follow the local
// shape of the archive: thin along a curved ridge, broad in sparse tails.
// The defensive component keeps q above zero wherever the target is. A
// fixed q makes an independence Metropolis-Hastings move, which jumps
// across the whole region the archive has seen (along ridges, between
// modes) in one step.
type kde struct {
	d       int
	mean    []float64
	l       [][]float64   // lower Cholesky factor of the archive covariance
	centers [][]float64   // whitened archive points
	chol    [][][]float64 // lower Cholesky factor of S_m
	logDet  []float64     // log det of chol[m] (half the log det of S_m)
}

// fitKDE fits q to points; it returns nil when the points are too few or
// their covariance is singular.
func fitKDE(points [][]float64) *kde {
	d := len(points[0])
	if len(points) > kdeMaxPoints {
		sub := make([][]float64, kdeMaxPoints)
		for i := range sub {
			sub[i] = points[i*len(points)/kdeMaxPoints]
		}
		points = sub
	}
	m := len(points)
	nb := kdeNeighbours * d
	if m <= nb {
		return nil
	}
	k := &kde{d: d, mean: make([]float64, d)}
	for _, x := range points {
		for j, v := range x {
			k.mean[j] += v / float64(m)
		}
	}
	cov := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			var s float64
			for _, x := range points {
				s += (x[i] - k.mean[i]) * (x[j] - k.mean[j])
			}
			cov.SetSym(i, j, s/float64(m-1))
		}
	}
	var l [][]float64
	if l = cholesky(cov); l == nil {
		return nil
	}
	k.l = l
	k.centers = make([][]float64, m)
	for i, x := range points {
		k.centers[i] = make([]float64, d)
		k.whiten(x, k.centers[i])
	}
	k.chol, k.logDet = make([][][]float64, m), make([]float64, m)
	dist := make([]float64, m)
	idx := make([]int, m)
	local := mat.NewSymDense(d, nil)
	for i, c := range k.centers {
		for j, e := range k.centers {
			dist[j], idx[j] = sqDist(c, e), j
		}
		slices.SortFunc(idx, func(a, b int) int { return cmpFloat(dist[a], dist[b]) })
		for a := range d {
			for b := a; b < d; b++ {
				var s float64
				for _, j := range idx[1 : nb+1] {
					s += (k.centers[j][a] - c[a]) * (k.centers[j][b] - c[b])
				}
				s /= float64(nb)
				if a == b {
					s += kdeRidge
				}
				local.SetSym(a, b, s)
			}
		}
		if k.chol[i] = cholesky(local); k.chol[i] == nil {
			return nil
		}
		for a := range d {
			k.logDet[i] += math.Log(k.chol[i][a][a])
		}
	}
	return k
}

// cholesky returns the lower Cholesky factor of a as rows, or nil if a is
// not positive definite.
func cholesky(a *mat.SymDense) [][]float64 {
	var ch mat.Cholesky
	if !ch.Factorize(a) {
		return nil
	}
	var t mat.TriDense
	ch.LTo(&t)
	d := a.SymmetricDim()
	l := make([][]float64, d)
	for i := range d {
		l[i] = make([]float64, i+1)
		for j := range i + 1 {
			l[i][j] = t.At(i, j)
		}
	}
	return l
}

// solveLower writes l^-1 v into w (l lower triangular, as rows).
func solveLower(l [][]float64, v, w []float64) {
	for i := range l {
		s := v[i]
		for j := range i {
			s -= l[i][j] * w[j]
		}
		w[i] = s / l[i][i]
	}
}

// whiten writes L^-1 (x - mean) into w.
func (k *kde) whiten(x, w []float64) {
	for i := range k.d {
		w[i] = x[i] - k.mean[i]
	}
	solveLower(k.l, w, w)
}

// sample draws x from q; w is scratch of length scratchLen.
func (k *kde) sample(rng *rand.Rand, x, w []float64) {
	w, e := w[:k.d], w[k.d:2*k.d]
	for j := range e {
		e[j] = rng.NormFloat64()
	}
	if rng.Float64() < kdeDefensive {
		for j := range w {
			w[j] = kdeDefScale * e[j]
		}
	} else {
		m := rng.IntN(len(k.centers))
		for i, row := range k.chol[m] {
			s := k.centers[m][i]
			for j, v := range row {
				s += v * e[j]
			}
			w[i] = s
		}
	}
	for i, row := range k.l {
		s := k.mean[i]
		for j, v := range row {
			s += v * w[j]
		}
		x[i] = s
	}
}

// logQ returns log q(x) up to a constant that cancels in ratios; w is
// scratch of length scratchLen.
func (k *kde) logQ(x, w []float64) float64 {
	w, z, a := w[:k.d], w[k.d:2*k.d], w[2*k.d:2*k.d+len(k.centers)]
	k.whiten(x, w)
	best := math.Inf(-1)
	for m, c := range k.centers {
		for j := range z {
			z[j] = w[j] - c[j]
		}
		solveLower(k.chol[m], z, z)
		a[m] = -0.5*sqNorm(z) - k.logDet[m]
		best = max(best, a[m])
	}
	var sum float64
	for _, v := range a {
		if v > best-logNegligible { // the others add less than machine epsilon
			sum += math.Exp(v - best)
		}
	}
	d := float64(k.d)
	logKern := best + math.Log(sum) - math.Log(float64(len(k.centers))) + math.Log1p(-kdeDefensive)
	logDef := -sqNorm(w)/(2*kdeDefScale*kdeDefScale) - d*math.Log(kdeDefScale) + math.Log(kdeDefensive)
	return logAddExp(logKern, logDef)
}

// scratchLen is the scratch length sample and logQ need in d dimensions.
func scratchLen(d int) int { return 2*d + kdeMaxPoints }

func sqNorm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return s
}

func sqDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		t := a[i] - b[i]
		s += t * t
	}
	return s
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// logAddExp returns log(exp(a) + exp(b)).
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
