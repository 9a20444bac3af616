package features

import (
	"math"
	"math/rand/v2"
	"testing"
)

const (
	tauExactTol = 0.02 // relative, noise-free
	tauNoiseRMS = 0.10 // relative RMS error with 1 mV noise on a 10 mV step
	tauNoiseBia = 0.03 // relative bias of the same
)

// expStep returns v = a + b (1 - exp(-t/tau)) at t = i*dt, i < n, plus
// noise of sd sigma when rng is not nil.
func expStep(n int, dt, a, b, tau, sigma float64, rng *rand.Rand) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = a + b*(1-math.Exp(-float64(i)*dt/tau))
		if rng != nil {
			v[i] += sigma * rng.NormFloat64()
		}
	}
	return v
}

func TestSteady(t *testing.T) {
	t.Parallel()
	v := []float64{0, 0, 0, 0, 0, 0, 0, 1, 2, 3}
	if got := Steady(v, 0.3); got != 2 {
		t.Errorf("Steady 30%%: got %v, want 2", got)
	}
	if got := Steady(v, 0); got != 3 {
		t.Errorf("Steady 0: got %v, want the last sample 3", got)
	}
	if got := Steady(v, 1); got != 0.6 {
		t.Errorf("Steady 1: got %v, want the mean 0.6", got)
	}
}

func TestTimeConstantExact(t *testing.T) {
	t.Parallel()
	for _, dt := range []float64{1, 0.25} {
		for _, tau := range []float64{0.5, 2, 5, 10, 20} { // 150 ms >= 7.5 tau
			for _, b := range []float64{10, -7, 0.5} {
				v := expStep(int(150/dt), dt, -65, b, tau, 0, nil)
				got := TimeConstant(v, dt, -65, Steady(v, 0.3), 0.1)
				if math.Abs(got/tau-1) > tauExactTol {
					t.Errorf("dt=%v tau=%v b=%v: got %v", dt, tau, b, got)
				}
			}
		}
	}
}

func TestTimeConstantNoise(t *testing.T) {
	t.Parallel()
	const (
		tau  = 10.0
		reps = 400
	)
	rng := rand.New(rand.NewPCG(7, 8))
	var sum, sumSq float64
	for range reps {
		// The start level is estimated from a 50-sample rest, as Compute does.
		rest := expStep(50, 1, -65, 0, 1, 1, rng)
		v := expStep(150, 1, -65, 10, tau, 1, rng)
		got := TimeConstant(v, 1, Steady(rest, 0.3), Steady(v, 0.3), DefaultMinChange)
		e := got/tau - 1
		sum += e
		sumSq += e * e
	}
	bias, rms := sum/reps, math.Sqrt(sumSq/reps)
	t.Logf("tau=%v with 1 mV noise: relative bias %.3f, rms %.3f", tau, bias, rms)
	if rms > tauNoiseRMS || math.Abs(bias) > tauNoiseBia {
		t.Errorf("relative bias %.3f (limit %v), rms %.3f (limit %v)", bias, tauNoiseBia, rms, tauNoiseRMS)
	}
}

func TestTimeConstantFallbacks(t *testing.T) {
	t.Parallel()
	v := expStep(150, 1, -65, 1, 10, 0, nil)
	if got := TimeConstant(v, 1, -65, Steady(v, 0.3), 2); got != 0 {
		t.Errorf("1 mV change with minChange 2: got %v, want fallback 0", got)
	}
	if got := TimeConstant(v[:1], 1, -65, -60, 2); got != 0 {
		t.Errorf("one sample: got %v, want 0", got)
	}
	// An instant jump clamps to dt/10; a straight line that never settles
	// clamps to the window length.
	jump := make([]float64, 100)
	for i := 1; i < len(jump); i++ {
		jump[i] = 10
	}
	if got := TimeConstant(jump, 1, 0, 10, 2); got != 0.1 {
		t.Errorf("jump: got %v, want 0.1", got)
	}
	line := make([]float64, 100)
	for i := range line {
		line[i] = -float64(i) / 1000 // away from the target
	}
	if got := TimeConstant(line, 1, 0, 10, 2); got != 100 {
		t.Errorf("line: got %v, want 100", got)
	}
}

func BenchmarkTimeConstant(b *testing.B) {
	rng := rand.New(rand.NewPCG(21, 22))
	v := expStep(150, 1, -65, 10, 10, 1, rng)
	steady := Steady(v, 0.3)
	for b.Loop() {
		TimeConstant(v, 1, -65, steady, DefaultMinChange)
	}
}
