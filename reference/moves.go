package reference

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// propose writes chain c's proposal, its log Hastings correction and the log
// uniform of its acceptance test. It draws only from chain c's stream and
// writes only chain c's slots, so chains propose in parallel.
func (s *sampler) propose(c int) {
	rng, x, p := s.rngs[c], s.x[c], s.prop[c]
	z := s.archive[s.zLo:]
	r1, r2, r3 := distinct3(rng, len(z))
	s.corr[c], s.scaled[c], s.kdeMove[c] = 0, false, false
	if s.kde != nil && rng.Float64() < kdeProb {
		// Independence move: log r = log pi(p) - log pi(x) + log q(x) - log q(p).
		if !s.qxOK[c] {
			s.qx[c], s.qxOK[c] = s.kde.logQ(x, s.scratch[c]), true
		}
		s.kde.sample(rng, p, s.scratch[c])
		s.qp[c] = s.kde.logQ(p, s.scratch[c])
		s.corr[c], s.kdeMove[c] = s.qx[c]-s.qp[c], true
	} else if s.d > 1 && rng.Float64() < snookerProb {
		// Snooker: move along the line through x and z[r3] by the
		// projected difference of z[r1] and z[r2].
		var norm2 float64
		for j := range p {
			p[j] = x[j] - z[r3][j]
			norm2 += p[j] * p[j]
		}
		if norm2 == 0 {
			copy(p, x) // degenerate line: propose staying put
		} else {
			var dot float64
			for j := range p {
				dot += (z[r1][j] - z[r2][j]) * p[j]
			}
			g := snookerLow + (snookerHigh-snookerLow)*rng.Float64()
			f := g * dot / norm2
			var newNorm2 float64
			for j := range p {
				p[j] = x[j] + f*p[j]
				dz := p[j] - z[r3][j]
				newNorm2 += dz * dz
			}
			s.corr[c] = float64(s.d-1) / 2 * (math.Log(newNorm2) - math.Log(norm2))
		}
	} else {
		g := 1.0
		if rng.Float64() >= jumpProb {
			g = s.lambda * 2.38 / math.Sqrt(2*float64(s.d)) * math.Exp(stepSpread*rng.NormFloat64())
			s.scaled[c] = true
		}
		for j := range p {
			p[j] = x[j] + g*(z[r1][j]-z[r2][j]) + s.noise[j]*rng.NormFloat64()
		}
	}
	s.logU[c] = math.Log(rng.Float64())
}

// distinct3 draws three distinct indices below n (n >= 3).
func distinct3(rng *rand.Rand, n int) (a, b, c int) {
	a = rng.IntN(n)
	for b = rng.IntN(n); b == a; b = rng.IntN(n) {
	}
	for c = rng.IntN(n); c == a || c == b; c = rng.IntN(n) {
	}
	return a, b, c
}

// grow appends the chains' states to the archive. During burn-in the
// archive in use slides to the most recent half of the history.
func (s *sampler) grow(burn bool) {
	for c := range s.n {
		s.archive = append(s.archive, slices.Clone(s.x[c]))
	}
	if burn {
		s.zLo = len(s.archive) / 2
		if len(s.archive)-s.zLo < 3 {
			s.zLo = len(s.archive) - 3
		}
	}
	s.updateNoise()
}

// updateNoise sets the sd of e to noiseRel times the archive's sd per
// dimension (or noiseRel where the archive does not vary).
func (s *sampler) updateNoise() {
	z := s.archive[s.zLo:]
	if s.noise == nil {
		s.noise = make([]float64, s.d)
	}
	for j := range s.noise {
		var m, m2 float64
		for _, row := range z {
			m += row[j]
		}
		m /= float64(len(z))
		for _, row := range z {
			m2 += (row[j] - m) * (row[j] - m)
		}
		sd := math.Sqrt(m2 / float64(len(z)-1))
		if !(sd > 0) || math.IsInf(sd, 0) {
			sd = 1
		}
		s.noise[j] = noiseRel * sd
	}
}

// resetOutliers restarts the chains whose mean log density (sum/count) lies
// below Q1 - outlierIQR * IQR of all chains' means at the current state of
// the chain with the highest log density. It returns how many it restarted.
func (s *sampler) resetOutliers(sum []float64, count int) int {
	means := make([]float64, s.n)
	for c := range means {
		means[c] = sum[c] / float64(count)
	}
	sorted := slices.Clone(means)
	sort.Float64s(sorted)
	q1, q3 := quantile(sorted, 0.25), quantile(sorted, 0.75)
	limit := q1 - outlierIQR*(q3-q1)
	best := 0
	for c := range s.n {
		if s.lp[c] > s.lp[best] {
			best = c
		}
	}
	n := 0
	for c, m := range means {
		if m < limit || math.IsNaN(m) {
			copy(s.x[c], s.x[best])
			s.lp[c], s.qx[c], s.qxOK[c] = s.lp[best], s.qx[best], s.qxOK[best]
			n++
		}
	}
	return n
}

// quantile returns the linearly interpolated p-quantile of sorted values.
func quantile(sorted []float64, p float64) float64 {
	h := p * float64(len(sorted)-1)
	i := int(h)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}
