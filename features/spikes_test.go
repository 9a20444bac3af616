package features

import (
	"math"
	"testing"
)

const isiTol = 1e-12

func TestSpikeTimes(t *testing.T) {
	t.Parallel()
	// Spike-and-reset: depolarize by 5 mV per ms from -65 mV; V resets as it
	// reaches the peak, so the recorded samples rarely show it. One spike is
	// sampled at its peak (0 mV), then reset.
	v := []float64{-65, -60, -55, -50, -45, -40, -65, -60, -55, -50, -45, -40, -35, -65, -60, 0, -65, -60}
	d := SpikeDetector{Peak: 0, Drop: DefaultSpikeDrop}
	got := d.SpikeTimes(v, 0.5)
	want := []float64{3, 6.5, 7.5}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	// 1 mV noise makes no spikes.
	if got := d.SpikeTimes([]float64{-65, -64, -66, -63, -67}, 1); len(got) != 0 {
		t.Errorf("noise: got spikes %v", got)
	}
}

func TestISIStats(t *testing.T) {
	t.Parallel()
	// Intervals 10, 20, 30: mean 20, population sd sqrt(200/3).
	mean, cv := ISIStats([]float64{5, 15, 35, 65}, 600)
	if math.Abs(mean-20) > isiTol || math.Abs(cv-math.Sqrt(200.0/3)/20) > isiTol {
		t.Errorf("got mean %v cv %v", mean, cv)
	}
	// A regular train has CV 0.
	if mean, cv := ISIStats([]float64{1, 11, 21, 31}, 600); math.Abs(mean-10) > isiTol || math.Abs(cv) > isiTol {
		t.Errorf("regular: got mean %v cv %v", mean, cv)
	}
	for _, times := range [][]float64{nil, {12}} {
		if mean, cv := ISIStats(times, 600); mean != 600 || cv != 0 {
			t.Errorf("%d spikes: got mean %v cv %v, want fallbacks 600 and 0", len(times), mean, cv)
		}
	}
	if mean, cv := ISIStats([]float64{12, 30}, 600); mean != 18 || cv != 0 {
		t.Errorf("2 spikes: got mean %v cv %v, want 18 and 0", mean, cv)
	}
}
