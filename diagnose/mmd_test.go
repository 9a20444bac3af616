package diagnose

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func gaussianSample(rng *rand.Rand, n, d int, shift float64) [][]float64 {
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, d)
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
		}
		x[i][0] += shift
	}
	return x
}

// directMMD2 computes MMD^2_u from its definition, term by term.
func directMMD2(x, y [][]float64, h float64) float64 {
	k := func(a, b []float64) float64 { return math.Exp(-sqDist(a, b) / (2 * h * h)) }
	var xx, yy, xy float64
	for i := range x {
		for j := range x {
			if i != j {
				xx += k(x[i], x[j])
			}
		}
		for j := range y {
			xy += k(x[i], y[j])
		}
	}
	for i := range y {
		for j := range y {
			if i != j {
				yy += k(y[i], y[j])
			}
		}
	}
	m, n := float64(len(x)), float64(len(y))
	return xx/(m*(m-1)) + yy/(n*(n-1)) - 2*xy/(m*n)
}

func TestMMD2Direct(t *testing.T) {
	t.Parallel()
	const tol = 1e-12
	rng := rand.New(rand.NewPCG(10, 0))
	x, y := gaussianSample(rng, 40, 3, 0), gaussianSample(rng, 7, 3, 1)
	got, err := MMD2(x, y, 1.3)
	if err != nil {
		t.Fatal(err)
	}
	if want := directMMD2(x, y, 1.3); math.Abs(got-want) > tol {
		t.Errorf("MMD2 = %v, want %v", got, want)
	}
}

// TestTypicalityNullSums checks the null replicate's kernel-sum shortcut
// against MMD2 computed directly between the selection and the rest.
func TestTypicalityNullSums(t *testing.T) {
	t.Parallel()
	const tol = 1e-12
	rng := rand.New(rand.NewPCG(11, 0))
	ref, obs := gaussianSample(rng, 50, 2, 0), gaussianSample(rng, 3, 2, 0)
	cfg := TypicalityConfig{Bootstrap: 1, Bandwidth: 0.9, Raw: true, Seed: 12}
	typ, err := CheckTypicality(ref, obs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sel := make([]int, 3)
	sampleIndices(rand.New(rand.NewPCG(cfg.Seed, 0)), len(ref), sel)
	var s, rest [][]float64
	for i, row := range ref {
		if i == sel[0] || i == sel[1] || i == sel[2] {
			s = append(s, row)
		} else {
			rest = append(rest, row)
		}
	}
	if want := directMMD2(rest, s, 0.9); math.Abs(typ.Null[0]-want) > tol {
		t.Errorf("null replicate %v, want %v", typ.Null[0], want)
	}
	if want := directMMD2(ref, obs, 0.9); math.Abs(typ.MMD2-want) > tol {
		t.Errorf("observed MMD2 %v, want %v", typ.MMD2, want)
	}
}

// TestTypicality checks the MMD test's false alarm rate on typical data and
// its power on shifted data, over repeated observations.
func TestTypicality(t *testing.T) {
	t.Parallel()
	const (
		m, d, reps   = 1000, 16, 40
		alpha        = 0.05
		maxFalseRate = 0.15 // 40 draws at rate 0.05: 0.15 is 2.9 sd above
		minPower     = 0.95 // a shift in 1 of 16 dimensions must be large to stand out
	)
	rng := rand.New(rand.NewPCG(13, 0))
	ref, err := NewReference(gaussianSample(rng, m, d, 0), TypicalityConfig{Alpha: alpha, Bootstrap: 200, Seed: 14})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		n     int
		shift float64 // in the first dimension, in sds
	}{
		{"one typical", 1, 0},
		{"ten typical", 10, 0},
		{"one shifted", 1, 8},
		{"ten shifted", 10, 2.5},
	} {
		alarms := 0
		for range reps {
			typ, err := ref.Check(gaussianSample(rng, c.n, d, c.shift))
			if err != nil {
				t.Fatal(err)
			}
			if (typ.PValue < alpha) != (typ.Warning != "") {
				t.Fatalf("%s: p = %v but warning %q", c.name, typ.PValue, typ.Warning)
			}
			if typ.PValue < alpha {
				alarms++
			}
		}
		rate := float64(alarms) / reps
		t.Logf("%s: alarm rate %.3f", c.name, rate)
		if c.shift == 0 && rate > maxFalseRate {
			t.Errorf("%s: false alarm rate %v > %v", c.name, rate, maxFalseRate)
		}
		if c.shift != 0 && rate < minPower {
			t.Errorf("%s: detected %v of shifted observations, want >= %v", c.name, rate, minPower)
		}
	}
}

func TestTypicalitySpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 0))
	ref, obs := gaussianSample(rng, 2000, 64, 0), gaussianSample(rng, 10, 64, 0)
	start := time.Now()
	typ, err := CheckTypicality(ref, obs, TypicalityConfig{Seed: 16})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2000 x 64 reference, 10 observed, 1000 replicates: %v (p = %.3f)", time.Since(start), typ.PValue)
	// the timing is for reading; what can fail is the test itself: all
	// replicates made, and a sample of the reference's own law not flagged
	if len(typ.Null) != DefaultBootstrap || typ.NReference != 2000 || typ.NObserved != 10 {
		t.Errorf("%d replicates of %d x %d, want %d of 2000 x 10", len(typ.Null), typ.NReference, typ.NObserved, DefaultBootstrap)
	}
	if typ.PValue < DefaultTypicalityAlpha || typ.Warning != "" {
		t.Errorf("typical observations flagged: p = %.3g, warning %q", typ.PValue, typ.Warning)
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 0))
	for _, n := range []int{1, 2, 3, 10, 11, 1000, 1001} {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(20)) // with ties
		}
		s := slices.Clone(x)
		slices.Sort(s)
		if got, want := median(x), QuantileSorted(s, 0.5); got != want {
			t.Errorf("n = %d: median %v, want %v", n, got, want)
		}
	}
}
