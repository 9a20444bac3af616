package idata

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// BenchmarkWriteReference writes a store the size of a default laa
// reference run: 64 chains x 2000 draws x 5 parameters (5 MB of draws) and
// a trace of 4000 samples.
func BenchmarkWriteReference(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := &Data{Names: []string{"C_m", "g_L", "E_L", "k", "V_thr"}, Stats: []Stat{{Name: "acceptance_rate", Values: []float64{0.3}}}}
	for range 64 {
		ch := make([][]float64, 2000)
		for k := range ch {
			ch[k] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		}
		d.Chains = append(d.Chains, ch)
	}
	v := make([]float64, 4000)
	d.Observed = &Observed{Name: "voltage", Values: v, StepMs: 0.05, Input: v, InputName: "current"}
	path := filepath.Join(b.TempDir(), "ref.idata.zarr")
	b.SetBytes(64 * 2000 * 5 * 8)
	for b.Loop() {
		if err := Write(path, d); err != nil {
			b.Fatal(err)
		}
	}
}
