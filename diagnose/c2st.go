package diagnose

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/stat"
)

// C2ST defaults. The classifier follows sbi's choice (an MLP with 10 D
// hidden ReLU units, Adam at 1e-3, batches of 200, L2 penalty 1e-4) with a
// fixed number of epochs instead of early stopping.
const (
	DefaultC2STFolds     = 5
	DefaultC2STEpochs    = 50
	DefaultC2STThreshold = 0.6 // sbi's rule of thumb: above it the samples differ
)

// C2STConfig sets up C2ST. The zero value means defaults.
type C2STConfig struct {
	Folds     int     // cross-validation folds; 0: DefaultC2STFolds
	Hidden    int     // hidden units; 0: 10 D
	Epochs    int     // passes over the training folds; 0: DefaultC2STEpochs
	Rate      float64 // Adam step size; 0: 1e-3
	Threshold float64 // warn above this accuracy; 0: DefaultC2STThreshold
	Seed      uint64  // stream 0 assigns folds, stream k+1 trains fold k
}

// C2STResult is a classifier two-sample test (Lopez-Paz and Oquab 2017):
// a classifier learns to tell sample a from sample b; its cross-validated
// accuracy is 0.5 when they come from one distribution and 1 when they do
// not overlap. Accuracy is balanced: the mean of the accuracies on a's and
// on b's held-out rows, so that unequal sizes keep the 0.5 baseline.
type C2STResult struct {
	Accuracy     float64   `json:"accuracy"`
	FoldAccuracy []float64 `json:"fold_accuracy"` // plain accuracy per fold
	NA           int       `json:"n_a"`
	NB           int       `json:"n_b"`
	Warning      string    `json:"warning,omitempty"`
}

// C2ST compares samples a (N x D) and b (M x D). Both are standardized with
// the pooled per-dimension mean and sd, split into stratified folds, and a
// one-hidden-layer MLP (see mlp) is trained per fold, folds in parallel.
// An MLP rather than k-nearest neighbours: it finds a shift in one of many
// dimensions at nearly the Bayes accuracy, where distance-based neighbours
// are diluted by the noise dimensions.
func C2ST(a, b [][]float64, cfg C2STConfig) (C2STResult, error) {
	na, d, err := checkMatrix("a", a)
	if err != nil {
		return C2STResult{}, err
	}
	nb, db, err := checkMatrix("b", b)
	if err != nil {
		return C2STResult{}, err
	}
	cfg = cfg.withDefaults(d)
	switch {
	case db != d:
		return C2STResult{}, fmt.Errorf("diagnose: C2ST samples have %d and %d dimensions", d, db)
	case cfg.Folds < 2 || min(na, nb) < cfg.Folds:
		return C2STResult{}, fmt.Errorf("diagnose: C2ST with %d folds for %d and %d rows", cfg.Folds, na, nb)
	}
	x, y := pooledStandardized(a, b)
	fold := stratifiedFolds(y, cfg.Folds, rand.New(rand.NewPCG(cfg.Seed, 0)))
	mc := mlpConfig{hidden: cfg.Hidden, epochs: cfg.Epochs, batch: 200, rate: cfg.Rate, decay: 1e-4}
	hits := make([][2]int, cfg.Folds) // correct predictions on a's and b's rows
	r := C2STResult{NA: na, NB: nb, FoldAccuracy: make([]float64, cfg.Folds)}
	var wg sync.WaitGroup
	for k := range cfg.Folds {
		wg.Go(func() {
			var tx, vx []float64
			var ty, vy []bool
			for i, f := range fold {
				row := x[i*d : (i+1)*d]
				if f == k {
					vx, vy = append(vx, row...), append(vy, y[i])
				} else {
					tx, ty = append(tx, row...), append(ty, y[i])
				}
			}
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k+1)))
			net := newMLP(d, cfg.Hidden, rng)
			net.train(tx, ty, mc, rng)
			z := make([]float64, cfg.Hidden)
			for i, yi := range vy {
				if (net.logit(vx[i*d:(i+1)*d], z) > 0) == yi {
					hits[k][boolIndex(yi)]++
				}
			}
			r.FoldAccuracy[k] = float64(hits[k][0]+hits[k][1]) / float64(len(vy))
		})
	}
	wg.Wait()
	var ha, hb int
	for _, h := range hits {
		ha, hb = ha+h[0], hb+h[1]
	}
	r.Accuracy = (float64(ha)/float64(na) + float64(hb)/float64(nb)) / 2
	if r.Accuracy > cfg.Threshold {
		r.Warning = fmt.Sprintf("samples differ: C2ST accuracy %.3f > %g", r.Accuracy, cfg.Threshold)
	}
	return r, nil
}

func (c C2STConfig) withDefaults(d int) C2STConfig {
	if c.Folds == 0 {
		c.Folds = DefaultC2STFolds
	}
	if c.Hidden == 0 {
		c.Hidden = 10 * d
	}
	if c.Epochs == 0 {
		c.Epochs = DefaultC2STEpochs
	}
	if c.Rate == 0 {
		c.Rate = 1e-3
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultC2STThreshold
	}
	return c
}

// pooledStandardized stacks a (label false) over b (label true) as flat
// rows standardized by the pooled per-dimension mean and sd.
func pooledStandardized(a, b [][]float64) ([]float64, []bool) {
	rows := append(append([][]float64{}, a...), b...)
	d := len(a[0])
	x := flatten(rows)
	for j := range d {
		mean, sd := stat.MeanStdDev(column(rows, j), nil)
		if sd == 0 {
			sd = 1
		}
		for i := j; i < len(x); i += d {
			x[i] = (x[i] - mean) / sd
		}
	}
	y := make([]bool, len(rows))
	for i := len(a); i < len(y); i++ {
		y[i] = true
	}
	return x, y
}

// stratifiedFolds assigns each row a fold in 0..k-1, dealing each class's
// shuffled rows round-robin so that every fold holds both classes evenly.
func stratifiedFolds(y []bool, k int, rng *rand.Rand) []int {
	fold := make([]int, len(y))
	for _, class := range []bool{false, true} {
		var idx []int
		for i, yi := range y {
			if yi == class {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for pos, i := range idx {
			fold[i] = pos % k
		}
	}
	return fold
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}
