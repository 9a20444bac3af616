package nn

import (
	"math"
	"testing"
)

// TestElementwiseMatchesGo checks the vectorized ReLU passes against the
// Go loops, bit for bit (any NaN for a NaN: the sign of a NaN is not kept
// alike), on lengths around the vector width and values
// that include NaN, both zeros, infinities and subnormals.
func TestElementwiseMatchesGo(t *testing.T) {
	t.Parallel()
	rng := newRNG(31)
	special := []float32{float32(math.NaN()), -float32(math.NaN()), 0, float32(math.Copysign(0, -1)),
		float32(math.Inf(1)), float32(math.Inf(-1)), 1e-40, -1e-40, 3, -3}
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 100} {
		x, dy, y := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
			dy[i] = float32(rng.NormFloat64())
			if rng.IntN(3) == 0 {
				x[i] = special[rng.IntN(len(special))]
			}
		}
		reluGo(y, x)
		check := func(name string, got, want []float32) {
			t.Helper()
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(isNaN32(got[i]) && isNaN32(want[i])) {
					t.Fatalf("%s n=%d: element %d (x %g) is %g, want %g", name, n, i, x[i], got[i], want[i])
				}
			}
		}
		got := make([]float32, n)
		relu(got, x)
		check("relu", got, y)
		want := make([]float32, n)
		reluGradGo(want, dy, x) // x, not y: NaN and -0 inputs exercise the compare
		reluGrad(got, dy, x)
		check("reluGrad", got, want)
		keepPositiveGo(want, dy, x)
		keepPositive(got, dy, x)
		check("keepPositive", got, want)
		copy(want, dy)
		addToGo(want, x)
		copy(got, dy)
		addTo(got, x)
		check("addTo", got, want)
	}
	if v := func() float32 {
		y := make([]float32, 8)
		relu(y, []float32{-0.0, 0, 0, 0, 0, 0, 0, float32(math.Copysign(0, -1))})
		return y[7]
	}(); math.Signbit(float64(v)) {
		t.Fatalf("relu(-0) = -0, want +0")
	}
}

func isNaN32(v float32) bool { return v != v }
