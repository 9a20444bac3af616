package nn

import (
	"math"
	"testing"
)

// scheduleTol is the tolerance for learning rates.
const scheduleTol = 1e-15

func TestSchedules(t *testing.T) {
	t.Parallel()
	cos := Cosine{Base: 1e-3, Floor: 1e-5, Steps: 100}
	exp := Exponential{Base: 1e-3, Rate: 0.5, Every: 10}
	for _, tc := range []struct {
		name string
		s    Schedule
		step int
		want float64
	}{
		{"constant", Constant(3e-4), 12345, 3e-4},
		{"cosine start", cos, 0, 1e-3},
		{"cosine middle", cos, 50, 1e-5 + (1e-3-1e-5)/2},
		{"cosine quarter", cos, 25, 1e-5 + (1e-3-1e-5)*(1+math.Sqrt2/2)/2},
		{"cosine end", cos, 100, 1e-5},
		{"cosine after end", cos, 250, 1e-5},
		{"exp start", exp, 0, 1e-3},
		{"exp one period", exp, 10, 5e-4},
		{"exp two periods", exp, 20, 2.5e-4},
		{"exp half period", exp, 5, 1e-3 / math.Sqrt2},
		{"exp every 0", Exponential{Base: 1, Rate: 0.9}, 2, 0.81},
	} {
		if got := tc.s.LR(tc.step); math.Abs(got-tc.want) > scheduleTol {
			t.Errorf("%s: LR(%d) = %.17g, want %.17g", tc.name, tc.step, got, tc.want)
		}
	}
}
