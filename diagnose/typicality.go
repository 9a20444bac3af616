package diagnose

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat"
)

// Typicality defaults.
const (
	DefaultTypicalityAlpha = 0.05
	DefaultBootstrap       = 1000
)

// TypicalityConfig sets up CheckTypicality. The zero value means defaults.
type TypicalityConfig struct {
	Alpha     float64 // warn when PValue < Alpha; 0: DefaultTypicalityAlpha
	Bootstrap int     // null replicates; 0: DefaultBootstrap
	Bandwidth float64 // kernel bandwidth after standardizing; 0: median heuristic
	Raw       bool    // skip standardizing each dimension by the reference mean and sd
	Seed      uint64  // replicate b draws from stream rand.NewPCG(Seed, b)
}

// Typicality tests whether observed summaries (n x D) could come from the
// distribution of reference summaries (m x D), such as the training set's.
// The statistic is MMD2 between reference and observed. Its null
// distribution comes from the reference alone: each replicate draws n rows
// of the reference without replacement and computes MMD2 between them and
// the other m - n rows. With B replicates,
//
//	PValue = (1 + #{null_b >= MMD2}) / (B + 1).
//
// For a single observed row (n = 1) MMD2 lacks its y-y term, so it is
// shifted by an unknown constant and can be negative; the null has the same
// shift, so the test stays valid.
type Typicality struct {
	MMD2       float64   `json:"mmd2"`
	PValue     float64   `json:"p_value"`
	Alpha      float64   `json:"alpha"`
	Bandwidth  float64   `json:"bandwidth"`
	NReference int       `json:"n_reference"`
	NObserved  int       `json:"n_observed"`
	Null       []float64 `json:"null"`
	Warning    string    `json:"warning,omitempty"`
}

// CheckTypicality runs the MMD test of observed against reference; it is
// NewReference followed by Reference.Check.
func CheckTypicality(reference, observed [][]float64, cfg TypicalityConfig) (Typicality, error) {
	r, err := NewReference(reference, cfg)
	if err != nil {
		return Typicality{}, err
	}
	return r.Check(observed)
}

// Reference holds the standardization, bandwidth and kernel sums of a
// reference sample, computed once in O(m^2 D), to test many observations.
// Each Check costs O(B (n^2 + n m) D), so n should be much smaller than m.
type Reference struct {
	cfg       TypicalityConfig
	x         []float64 // standardized flat rows
	m, d      int
	mean, sd  []float64
	kern      gaussKernel
	rows      []float64 // sum_{j != i} k(x_i, x_j)
	total     float64
	bandwidth float64
}

// NewReference prepares reference (m x D) for typicality tests.
func NewReference(reference [][]float64, cfg TypicalityConfig) (*Reference, error) {
	m, d, err := checkMatrix("reference", reference)
	if err != nil {
		return nil, err
	}
	if m < 3 {
		return nil, fmt.Errorf("diagnose: typicality reference of %d rows", m)
	}
	if cfg.Alpha == 0 {
		cfg.Alpha = DefaultTypicalityAlpha
	}
	if cfg.Bootstrap == 0 {
		cfg.Bootstrap = DefaultBootstrap
	}
	r := &Reference{cfg: cfg, x: flatten(reference), m: m, d: d, mean: make([]float64, d), sd: make([]float64, d)}
	for j := range d {
		r.mean[j], r.sd[j] = 0, 1
		if !cfg.Raw {
			r.mean[j], r.sd[j] = stat.MeanStdDev(column(reference, j), nil)
			if r.sd[j] == 0 {
				r.sd[j] = 1
			}
		}
	}
	r.standardize(r.x)
	r.bandwidth = cfg.Bandwidth
	if r.bandwidth <= 0 {
		r.bandwidth = medianBandwidth(r.x, d)
	}
	r.kern = gaussKernel{d: d, c: -1 / (2 * r.bandwidth * r.bandwidth)}
	r.rows, r.total = r.kern.rowSums(r.x)
	return r, nil
}

// standardize maps flat rows in place to (x - mean) / sd per dimension.
func (r *Reference) standardize(x []float64) {
	for i := range x {
		j := i % r.d
		x[i] = (x[i] - r.mean[j]) / r.sd[j]
	}
}

// Check tests observed (n x D, n <= m - 2) against the reference.
func (r *Reference) Check(observed [][]float64) (Typicality, error) {
	n, d, err := checkMatrix("observed", observed)
	if err != nil {
		return Typicality{}, err
	}
	if d != r.d {
		return Typicality{}, fmt.Errorf("diagnose: reference has %d dimensions, observed %d", r.d, d)
	}
	if r.m-n < 2 {
		return Typicality{}, fmt.Errorf("diagnose: %d reference rows are too few for %d observed", r.m, n)
	}
	ys := flatten(observed)
	r.standardize(ys)
	g, cfg := r.kern, r.cfg
	_, kyy := g.rowSums(ys)
	t := Typicality{
		MMD2: g.mmd2(r.total, r.m, kyy, n, g.cross(r.x, ys)), Alpha: cfg.Alpha, Bandwidth: r.bandwidth,
		NReference: r.m, NObserved: n, Null: make([]float64, cfg.Bootstrap),
	}
	exceed := 0
	sel := make([]int, n)
	for b := range t.Null {
		sampleIndices(rand.New(rand.NewPCG(cfg.Seed, uint64(b))), r.m, sel)
		var kss, ksr float64 // within the selection; selection to all rows
		for a, i := range sel {
			ksr += r.rows[i]
			for _, j := range sel[a+1:] {
				kss += 2 * g.at(g.row(r.x, i), g.row(r.x, j))
			}
		}
		kts := ksr - kss // selection to the rest
		ktt := r.total - 2*kts - kss
		t.Null[b] = g.mmd2(ktt, r.m-n, kss, n, kts)
		if t.Null[b] >= t.MMD2 {
			exceed++
		}
	}
	t.PValue = float64(1+exceed) / float64(1+cfg.Bootstrap)
	if t.PValue < cfg.Alpha {
		t.Warning = fmt.Sprintf("observed data atypical for the reference: MMD p = %.3g < %g", t.PValue, cfg.Alpha)
	}
	return t, nil
}

// sampleIndices fills sel with distinct indices in [0, m) by Floyd's algorithm.
func sampleIndices(rng *rand.Rand, m int, sel []int) {
	seen := make(map[int]bool, len(sel))
	k := 0
	for j := m - len(sel); j < m; j++ {
		i := rng.IntN(j + 1)
		if seen[i] {
			i = j
		}
		seen[i] = true
		sel[k] = i
		k++
	}
}
