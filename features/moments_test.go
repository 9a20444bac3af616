package features

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
)

const momentTol = 1e-10 // relative, against gonum

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
	const tol = 0.1 // sd of the sd estimate from 50 samples is 0.1
	rng := rand.New(rand.NewPCG(5, 6))
	var sum float64
	const reps = 100
	for range reps {
		x := make([]float64, 50)
		for i := range x {
			x[i] = -65 + rng.NormFloat64()
		}
		_, sd := MeanSD(x)
		sum += sd
	}
	if got := sum / reps; math.Abs(got-1) > tol/5 {
		t.Errorf("mean sd estimate of unit noise over %d runs: %v, want 1", reps, got)
	}
}
