package diagnose

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestQuantileSorted(t *testing.T) {
	t.Parallel()
	x := []float64{0, 10, 20, 30, 40}
	for _, c := range []struct{ p, want float64 }{{0, 0}, {0.5, 20}, {0.1, 4}, {1, 40}, {0.875, 35}} {
		if got := QuantileSorted(x, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Q(%v) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestSummarizeNormal(t *testing.T) {
	t.Parallel()
	const (
		mu, sigma = 2.0, 3.0
		tol       = 0.05 // in units of sigma, for 20000 draws
	)
	rng := rand.New(rand.NewPCG(9, 0))
	draws := make([][]float64, 20000)
	for i := range draws {
		draws[i] = []float64{mu + sigma*rng.NormFloat64()}
	}
	s, err := Summarize(draws, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	const z95, z75 = 1.6448536269514722, 0.6744897501960817
	got := []float64{s[0].Mean, s[0].SD, s[0].Median, s[0].Q05, s[0].Q95, s[0].Lower, s[0].Upper}
	want := []float64{mu, sigma, mu, mu - z95*sigma, mu + z95*sigma, mu - z75*sigma, mu + z75*sigma}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*sigma {
			t.Errorf("summary field %d = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := Summarize(draws, 1.5); err == nil {
		t.Error("no error for level 1.5")
	}
}
