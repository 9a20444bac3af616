package features

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
)

const (
	momentTol  = 1e-10 // relative, against gonum
	outlierTol = 1e-8  // relative, when x[0] is far from the mean
)

func TestMomentsAgainstGonum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{4, 5, 17, 600} {
		x := make([]float64, n)
		for i := range x {
			x[i] = -65 + 3*rng.ExpFloat64() // skewed, heavy right tail
		}
		got := MomentsOf(x)
		mean, sd := stat.MeanStdDev(x, nil)
		want := Moments{mean, sd, stat.Skew(x, nil), stat.ExKurtosis(x, nil)}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"mean", got.Mean, want.Mean}, {"sd", got.SD, want.SD},
			{"skew", got.Skew, want.Skew}, {"kurt", got.ExKurt, want.ExKurt},
		} {
			if math.Abs(c.got-c.want) > momentTol*max(1, math.Abs(c.want)) {
				t.Errorf("n=%d %s: got %v, want %v", n, c.name, c.got, c.want)
			}
		}
	}
}

func TestMomentsHardCases(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(25, 26))
	x := make([]float64, 600)
	for i := range x {
		x[i] = -65 + rng.NormFloat64()
	}
	// An outlier first sample, 65 sd from the mean, costs the one-pass sums
	// a few digits.
	x[0] = 0
	got := MomentsOf(x)
	want := []float64{stat.Mean(x, nil), stat.StdDev(x, nil), stat.Skew(x, nil), stat.ExKurtosis(x, nil)}
	for i, g := range []float64{got.Mean, got.SD, got.Skew, got.ExKurt} {
		if math.Abs(g-want[i]) > outlierTol*max(1, math.Abs(want[i])) {
			t.Errorf("outlier moment %d: got %v, want %v", i, g, want[i])
		}
	}
	// Values whose fourth powers overflow take the scaled two-pass path.
	const big = 1e100
	y := make([]float64, len(x))
	for i := range x {
		y[i] = big * x[i]
	}
	gotBig := MomentsOf(y)
	for i, g := range []float64{gotBig.Mean / big, gotBig.SD / big, gotBig.Skew, gotBig.ExKurt} {
		if math.Abs(g-want[i]) > momentTol*max(1, math.Abs(want[i])) {
			t.Errorf("scaled moment %d: got %v, want %v", i, g, want[i])
		}
	}
}

func TestMomentsKnown(t *testing.T) {
	t.Parallel()
	// x = 1, 2, 3, 4: mean 2.5, sd sqrt(5/3), symmetric so skew 0,
	// excess kurtosis -1.2 by the sample formula.
	m := MomentsOf([]float64{1, 2, 3, 4})
	if math.Abs(m.Mean-2.5) > momentTol || math.Abs(m.SD-math.Sqrt(5.0/3)) > momentTol ||
		math.Abs(m.Skew) > momentTol || math.Abs(m.ExKurt+1.2) > momentTol {
		t.Errorf("got %+v", m)
	}
}

func TestMomentsFallbacks(t *testing.T) {
	t.Parallel()
	c := make([]float64, 600)
	for i := range c {
		c[i] = -65.3
	}
	for name, x := range map[string][]float64{
		"constant": c, "empty": nil, "one": {1}, "two": {1, 2}, "three": {1, 2, 4},
	} {
		m := MomentsOf(x)
		for _, v := range []float64{m.Mean, m.SD, m.Skew, m.ExKurt} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: non-finite moments %+v", name, m)
			}
		}
	}
	if m := MomentsOf(c); m != (Moments{Mean: -65.3}) {
		t.Errorf("constant: got %+v, want mean -65.3 and zeros", m)
	}
	if m := MomentsOf([]float64{1, 2, 4}); m.ExKurt != 0 || m.Skew == 0 {
		t.Errorf("three values: got %+v, want a skew and kurtosis 0", m)
	}
	if _, sd := MeanSD([]float64{3}); sd != 0 {
		t.Errorf("MeanSD of one value: sd %v, want 0", sd)
	}
}

func TestMeanSDNoise(t *testing.T) {
	t.Parallel()
	// The noise estimate (rest_sd) of unit Gaussian noise over a 50-sample
	// rest: each estimate has sd 0.1, their mean over 100 rests sd 0.01.
	const (
		reps = 100
		tol  = 0.03
	)
	rng := rand.New(rand.NewPCG(5, 6))
	var sum float64
	for range reps {
		x := make([]float64, 50)
		for i := range x {
			x[i] = -65 + rng.NormFloat64()
		}
		_, sd := MeanSD(x)
		sum += sd
	}
	if got := sum / reps; math.Abs(got-1) > tol {
		t.Errorf("mean sd estimate of unit noise over %d runs: %v, want 1 +- %v", reps, got, tol)
	}
}

func BenchmarkMomentsOf(b *testing.B) {
	rng := rand.New(rand.NewPCG(23, 24))
	x := make([]float64, 600)
	for i := range x {
		x[i] = -65 + rng.NormFloat64()
	}
	for b.Loop() {
		MomentsOf(x)
	}
}
