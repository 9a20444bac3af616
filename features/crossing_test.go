package features

import (
	"math"
	"math/rand/v2"
	"testing"
)

const latencyTol = 1e-12 // ms

func TestCrossingsSquareWave(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	const dt = 0.5
	for k := range 6 {
		// Low (-60 mV) for 20 samples, then k cycles of 10 high (-30 mV) and
		// 10 low, with 1 mV noise.
		v := make([]float64, 20+20*k+10)
		for i := range v {
			v[i] = -60 + rng.NormFloat64()
			if i >= 20 && (i-20)%20 < 10 && i < 20+20*k {
				v[i] += 30
			}
		}
		count, lat := Crossings(v, dt, DefaultThreshold, DefaultHysteresis)
		if count != k {
			t.Errorf("k=%d: count %d", k, count)
		}
		want := float64(len(v)) * dt // fallback
		if k > 0 {
			frac := (DefaultThreshold - v[19]) / (v[20] - v[19])
			want = (19 + frac) * dt
		}
		if math.Abs(lat-want) > latencyTol {
			t.Errorf("k=%d: latency %v, want %v", k, lat, want)
		}
	}
}

func TestCrossingsHysteresis(t *testing.T) {
	t.Parallel()
	// 1 mV noise sitting 1 mV below the threshold after one clean crossing.
	rng := rand.New(rand.NewPCG(11, 12))
	v := make([]float64, 600)
	for i := range v {
		v[i] = DefaultThreshold - 1 + rng.NormFloat64()
		if i < 10 {
			v[i] = -65
		}
	}
	if count, _ := Crossings(v, 1, DefaultThreshold, DefaultHysteresis); count != 1 {
		t.Errorf("with hysteresis: count %d, want 1", count)
	}
	if count, _ := Crossings(v, 1, DefaultThreshold, 0); count < 50 {
		t.Errorf("without hysteresis: count %d, want many", count)
	}
	// A trace that starts above the threshold is not armed.
	if count, lat := Crossings([]float64{-40, -42, -30}, 1, DefaultThreshold, DefaultHysteresis); count != 0 || lat != 3 {
		t.Errorf("starts high: count %d latency %v, want 0 and 3", count, lat)
	}
	if count, lat := Crossings([]float64{-50, -40}, 1, DefaultThreshold, DefaultHysteresis); count != 1 || lat != 0.5 {
		t.Errorf("interpolation: count %d latency %v, want 1 and 0.5", count, lat)
	}
}
