package diagnose

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/stat"

	"github.com/laa-neuro/laa/nn"
)

// C2ST defaults: the classifier of sbi's and sbibm's c2st, scikit-learn's
// MLPClassifier(hidden_layer_sizes=(10 D, 10 D), activation="relu",
// solver="adam", max_iter=1000, early_stopping=True, n_iter_no_change=50)
// with sklearn's other defaults, scored by 5-fold cross-validation.
const (
	DefaultC2STFolds     = 5
	DefaultC2STLayers    = 2    // hidden layers
	DefaultC2STEpochs    = 1000 // sklearn's max_iter
	DefaultC2STPatience  = 50   // sklearn's n_iter_no_change
	DefaultC2STBatch     = 200  // sklearn's batch_size "auto": min(200, N)
	DefaultC2STRate      = 1e-3 // sklearn's learning_rate_init
	DefaultC2STL2        = 1e-4 // sklearn's alpha
	DefaultC2STHoldout   = 0.1  // sklearn's validation_fraction
	DefaultC2STTol       = 1e-4 // sklearn's tol
	DefaultC2STThreshold = 0.6  // sbi's rule of thumb: above it the samples differ
)

// C2STConfig sets up C2ST. The zero value means defaults: sbi's classifier.
type C2STConfig struct {
	Folds     int     // cross-validation folds; 0: DefaultC2STFolds
	Hidden    int     // ReLU units per hidden layer; 0: 10 D
	Layers    int     // hidden layers; 0: DefaultC2STLayers
	Epochs    int     // passes over the training rows at most; 0: DefaultC2STEpochs
	Patience  int     // early stopping: epochs without gain before stopping; 0: DefaultC2STPatience
	Rate      float64 // Adam step size; 0: DefaultC2STRate
	Threshold float64 // warn above this accuracy; 0: DefaultC2STThreshold
	Seed      uint64  // stream 0 assigns folds, stream k+1 trains fold k
}

// C2STResult is a classifier two-sample test (Lopez-Paz and Oquab 2017):
// a classifier learns to tell sample a from sample b; its cross-validated
// accuracy is 0.5 when they come from one distribution and 1 when they do
// not overlap.
type C2STResult struct {
	// Accuracy is the mean over folds of the held-out accuracy, as sbi and
	// sbibm report it. Its floor is the larger sample's share, 0.5 for
	// samples of equal size.
	Accuracy float64 `json:"accuracy"`
	// Balanced is the mean of the accuracies on a's and on b's rows over
	// all folds; its floor is 0.5 whatever the sizes. For samples of equal
	// size it agrees with Accuracy to within the fold imbalance (~0.005).
	Balanced     float64   `json:"balanced_accuracy"`
	FoldAccuracy []float64 `json:"fold_accuracy"` // plain accuracy per fold
	Epochs       []int     `json:"epochs"`        // epochs trained per fold
	NA           int       `json:"n_a"`
	NB           int       `json:"n_b"`
	Warning      string    `json:"warning,omitempty"`
}

// C2ST compares samples a (N x D) and b (M x D) as sbibm's c2st does: both
// are standardized with the per-dimension mean and sd of a, rows are dealt
// into shuffled folds (not stratified, as sklearn's KFold), and per fold
// an MLP (see mlp) is trained on the other folds with early stopping and
// scored on the held-out one. Folds train in parallel, each from its own
// random stream, so the result depends on the seed only.
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
	case cfg.Folds < 2 || na+nb < 2*cfg.Folds:
		return C2STResult{}, fmt.Errorf("diagnose: C2ST with %d folds for %d and %d rows", cfg.Folds, na, nb)
	case cfg.Layers < 1 || cfg.Hidden < 1 || cfg.Epochs < 1 || cfg.Patience < 0 || !(cfg.Rate > 0):
		return C2STResult{}, fmt.Errorf("diagnose: C2ST classifier with %d layers of %d units, %d epochs, patience %d, rate %g",
			cfg.Layers, cfg.Hidden, cfg.Epochs, cfg.Patience, cfg.Rate)
	}
	x, y := standardizedBy(a, b)
	fold := shuffledFolds(len(y), cfg.Folds, rand.New(rand.NewPCG(cfg.Seed, 0)))
	mc := mlpConfig{
		hidden: cfg.Hidden, layers: cfg.Layers, maxEpochs: cfg.Epochs, patience: cfg.Patience,
		batch: DefaultC2STBatch, rate: cfg.Rate, alpha: DefaultC2STL2,
		valFraction: DefaultC2STHoldout, tol: DefaultC2STTol,
	}
	hits := make([][2]int, cfg.Folds) // correct predictions on a's and b's rows
	r := C2STResult{NA: na, NB: nb, FoldAccuracy: make([]float64, cfg.Folds), Epochs: make([]int, cfg.Folds)}
	var wg sync.WaitGroup
	next := make(chan int, cfg.Folds)
	for k := range cfg.Folds {
		next <- k
	}
	close(next)
	fit := func(k int) {
		var train, test []int
		for i, f := range fold {
			if f == k {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		tx, ty := gatherRows(x, y, train)
		vx, vy := gatherRows(x, y, test)
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k+1)))
		net := newMLP(d, mc, rng)
		net.train(tx, ty, mc, rng)
		z := net.logits(vx)
		for i, yi := range vy {
			if (z.Data[i] > 0) == yi {
				hits[k][boolIndex(yi)]++
			}
		}
		r.FoldAccuracy[k] = float64(hits[k][0]+hits[k][1]) / float64(len(vy))
		r.Epochs[k] = net.epochs
	}
	for range min(cfg.Folds, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for k := range next {
				fit(k)
			}
		})
	}
	wg.Wait()
	var ha, hb int
	for k, h := range hits {
		ha, hb = ha+h[0], hb+h[1]
		r.Accuracy += r.FoldAccuracy[k] / float64(cfg.Folds)
	}
	r.Balanced = (float64(ha)/float64(na) + float64(hb)/float64(nb)) / 2
	if r.Balanced > cfg.Threshold {
		r.Warning = fmt.Sprintf("samples differ: C2ST balanced accuracy %.3f > %g", r.Balanced, cfg.Threshold)
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
	if c.Layers == 0 {
		c.Layers = DefaultC2STLayers
	}
	if c.Epochs == 0 {
		c.Epochs = DefaultC2STEpochs
	}
	if c.Patience == 0 {
		c.Patience = DefaultC2STPatience
	}
	if c.Rate == 0 {
		c.Rate = DefaultC2STRate
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultC2STThreshold
	}
	return c
}

// minC2STScale is the sd below which a dimension is left unscaled, as sbi
// does for constant columns.
const minC2STScale = 1e-14

// standardizedBy stacks a (label false) over b (label true) as float32 rows
// standardized by a's per-dimension mean and sample sd (sbibm's z-score).
func standardizedBy(a, b [][]float64) (*nn.Mat, []bool) {
	d := len(a[0])
	x := nn.NewMat(len(a)+len(b), d)
	y := make([]bool, len(a)+len(b))
	for j := range d {
		mean, sd := stat.MeanStdDev(column(a, j), nil)
		if !(sd > minC2STScale) || math.IsInf(sd, 0) {
			sd = 1
		}
		for i, row := range a {
			x.Data[i*d+j] = float32((row[j] - mean) / sd)
		}
		for i, row := range b {
			x.Data[(len(a)+i)*d+j] = float32((row[j] - mean) / sd)
		}
	}
	for i := len(a); i < len(y); i++ {
		y[i] = true
	}
	return x, y
}

// shuffledFolds assigns n shuffled rows to k folds as sklearn's KFold with
// shuffle does: consecutive blocks of the permutation, the first n mod k
// folds one row larger.
func shuffledFolds(n, k int, rng *rand.Rand) []int {
	fold := make([]int, n)
	perm := rng.Perm(n)
	start := 0
	for f := range k {
		size := n / k
		if f < n%k {
			size++
		}
		for _, i := range perm[start : start+size] {
			fold[i] = f
		}
		start += size
	}
	return fold
}
