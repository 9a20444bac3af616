package nn

import (
	"math"
	"testing"
)

// fastMathTol is the relative error allowed for the float32 approximations
// (float32 rounding is 6e-8).
const fastMathTol = 5e-7

func TestFastMath(t *testing.T) {
	t.Parallel()
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	softplus := func(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }
	for _, tc := range []struct {
		name   string
		f      func(float32) float32
		want   func(float64) float64
		lo, hi float64
	}{
		{"exp", expf, math.Exp, -80, 80},
		{"sigmoid", sigmoidf, sigmoid, -80, 80},
		{"tanh", tanhf, math.Tanh, -20, 20},
		{"softplus", softplusf, softplus, -80, 80},
		{"log", logf, math.Log, 1e-30, 1e30},
	} {
		const n = 200001
		worst := 0.0
		for i := range n {
			x := tc.lo + (tc.hi-tc.lo)*float64(i)/(n-1)
			if tc.name == "log" {
				x = math.Exp(math.Log(tc.lo) + (math.Log(tc.hi)-math.Log(tc.lo))*float64(i)/(n-1))
			}
			x32 := float32(x)
			got, want := float64(tc.f(x32)), tc.want(float64(x32))
			if want != 0 {
				worst = max(worst, math.Abs(got-want)/math.Abs(want))
			}
		}
		if worst > fastMathTol {
			t.Errorf("%s: worst relative error %.3g > %g", tc.name, worst, fastMathTol)
		}
	}
	if e := expf(-1000); !(e > 1e-38) {
		t.Errorf("expf(-1000) = %g, want the smallest normal range", e)
	}
	if e := expf(1000); math.IsInf(float64(e), 0) {
		t.Errorf("expf(1000) = %g, want finite", e)
	}
	if s := sigmoidf(-1000); s < 0 || s > 1e-37 {
		t.Errorf("sigmoidf(-1000) = %g", s)
	}
	if s := tanhf(1000); s != 1 {
		t.Errorf("tanhf(1000) = %g", s)
	}
}
