package diagnose

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSubsampleRows(t *testing.T) {
	t.Parallel()
	rows := make([][]float64, 10)
	for i := range rows {
		rows[i] = []float64{float64(i)}
	}
	rng := rand.New(rand.NewPCG(30, 0))
	for _, n := range []int{-1, 0, 3, 10, 15} {
		got := SubsampleRows(rows, n, rng)
		if want := min(max(n, 0), len(rows)); len(got) != want {
			t.Fatalf("n %d: %d rows, want %d", n, len(got), want)
		}
		seen := map[float64]bool{}
		for _, r := range got {
			if seen[r[0]] {
				t.Fatalf("n %d: row %v drawn twice", n, r[0])
			}
			seen[r[0]] = true
		}
	}
	a := SubsampleRows(rows, 4, rand.New(rand.NewPCG(31, 0)))
	b := SubsampleRows(rows, 4, rand.New(rand.NewPCG(31, 0)))
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("one seed gave %v and %v", a, b)
	}
}

// TestSubsampleRowsUniform checks that every row is kept with probability
// n/N, in particular the last rows of a chain as often as the first (which
// taking the first n never does).
func TestSubsampleRowsUniform(t *testing.T) {
	t.Parallel()
	const (
		total, n, trials = 20, 5, 20000
		zMax             = 4.5 // |z| of a binomial count; exceeded with probability ~1e-4 over all rows
	)
	rows := make([][]float64, total)
	for i := range rows {
		rows[i] = []float64{float64(i)}
	}
	rng := rand.New(rand.NewPCG(32, 0))
	var count [total]int
	for range trials {
		for _, r := range SubsampleRows(rows, n, rng) {
			count[int(r[0])]++
		}
	}
	p := float64(n) / total
	sd := math.Sqrt(trials * p * (1 - p))
	for i, c := range count {
		if z := (float64(c) - trials*p) / sd; math.Abs(z) > zMax {
			t.Errorf("row %d kept %d times, want %.0f +- %.0f", i, c, trials*p, sd)
		}
	}
}
