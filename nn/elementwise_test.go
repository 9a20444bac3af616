package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestElementwiseMatchesGo checks the vectorized ReLU passes against the
// Go loops, bit for bit, on lengths around the vector width and values
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
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
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
		for _, r := range []bool{false, true} {
			bias := []float32{0.5, -0.25, 1, -1, 0, 2, -3, 1e-40}
			rows := n / 8 * 8
			copy(want, dy)
			addBiasRowsGo(want[:rows], bias, r)
			copy(got, dy)
			addBiasRows(got[:rows], bias, r)
			check(fmt.Sprintf("addBiasRows relu=%v", r), got, want)
		}
	}
	if v := func() float32 {
		y := make([]float32, 8)
		relu(y, []float32{-0.0, 0, 0, 0, 0, 0, 0, float32(math.Copysign(0, -1))})
		return y[7]
	}(); math.Signbit(float64(v)) {
		t.Fatalf("relu(-0) = -0, want +0")
	}
}

// TestAdamAVXMatchesGo checks the vectorized Adam step against adamGo bit
// for bit over several steps, lengths around the vector width included.
func TestAdamAVXMatchesGo(t *testing.T) {
	t.Parallel()
	rng := newRNG(32)
	c := adamConsts{b1: 0.9, c1: 1 - float32(0.9), b2: 0.999, c2: 1 - float32(0.999), step: 1e-3, eps: 1e-8, decay: 0.9999}
	for _, n := range []int{1, 8, 13, 100} {
		w := randMat(rng, 1, n, 1).Data
		m, v := make([]float32, n), make([]float32, n)
		w2, m2, v2 := append([]float32(nil), w...), make([]float32, n), make([]float32, n)
		for step := range 5 {
			g := randMat(rng, 1, n, 1).Data
			if step == 2 {
				g[0] = 0
			}
			adamUpdate(w, g, m, v, &c)
			adamGo(w2, g, m2, v2, &c)
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(w2[i]) || math.Float32bits(m[i]) != math.Float32bits(m2[i]) ||
					math.Float32bits(v[i]) != math.Float32bits(v2[i]) {
					t.Fatalf("n=%d step %d element %d: w, m, v = %g, %g, %g; want %g, %g, %g", n, step, i, w[i], m[i], v[i], w2[i], m2[i], v2[i])
				}
			}
		}
	}
}
