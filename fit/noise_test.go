package fit

import "testing"

func TestQuantizeNoise(t *testing.T) {
	// Nearest in log scale: 0.96 is 4 % below 1 and 5 % above 0.91.
	for _, c := range []struct{ in, want float64 }{
		{0.1, 0.1}, {0.0989, 0.1}, {0.1034, 0.1}, {0.0447, 0.043}, {0.046, 0.047},
		{1, 1}, {0.96, 1}, {0.98, 1}, {2.4, 2.4}, {0.05, 0.051},
	} {
		if got := QuantizeNoise(c.in); got != c.want {
			t.Errorf("QuantizeNoise(%g) = %v; want %v", c.in, got, c.want)
		}
	}
	for _, bad := range []float64{0, -1} {
		if got := QuantizeNoise(bad); got != bad {
			t.Errorf("QuantizeNoise(%g) = %v; want it unchanged", bad, got)
		}
	}
}
