package npe

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
)

func smallModel(t *testing.T, kind string) (*Model, *dataset.Set) {
	t.Helper()
	sim, err := neuron.NewSimulator(neuron.Default())
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 3, N: 300})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{Summary: SummaryConfig{Kind: kind, Out: 4, Hidden: 8, Pool: 20}, Flow: FlowConfig{Layers: 2, Hidden: 8}}, d, 7)
	if err != nil {
		t.Fatal(err)
	}
	// One forward pass initializes ActNorm from data.
	obs := []Observation{FromSet(d, 0), FromSet(d, 1), FromSet(d, 2)}
	if _, err := m.Loss(obs, d.Theta[:3*d.P]); err != nil {
		t.Fatal(err)
	}
	return m, d
}

func TestSaveLoadGivesSameDraws(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{SummaryMLP, SummaryLSTM} {
		m, d := smallModel(t, kind)
		path := filepath.Join(t.TempDir(), "m.laa")
		if err := Save(path, m, Extra{}); err != nil {
			t.Fatal(err)
		}
		back, _, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		obs := []Observation{FromSet(d, 10)}
		a, err := m.Sample(obs, 50, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := back.Sample(obs, 50, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		for i := range a[0].Draws {
			for j := range a[0].Draws[i] {
				if a[0].Draws[i][j] != b[0].Draws[i][j] {
					t.Fatalf("%s: draw %d,%d differs after save and load", kind, i, j)
				}
			}
		}
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	t.Parallel()
	m, _ := smallModel(t, SummaryMLP)
	dir := t.TempDir()
	good := filepath.Join(dir, "m.laa")
	if err := Save(good, m, Extra{}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	flipped := append([]byte(nil), b...)
	flipped[len(b)/2] ^= 1
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"truncated": {b[:len(b)-100], "truncated or corrupt"},
		"corrupt":   {flipped, "truncated or corrupt"},
		"foreign":   {[]byte("PK\x03\x04 a zip file, not a model"), "not a laa model file"},
		"empty":     {nil, "not a laa model file"},
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, c.data, 0o644)
		if _, _, err := Load(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s file: %v, want an error mentioning %q", name, err, c.want)
		}
	}
}

func TestDrawsStayInSupportAndObserveChecksInput(t *testing.T) {
	t.Parallel()
	m, d := smallModel(t, SummaryMLP)
	posts, err := m.Sample([]Observation{FromSet(d, 0), FromSet(d, 1)}, 200, rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	_, priors := m.Experiment.Inferred()
	for _, p := range posts {
		if len(p.Draws) != 200 {
			t.Fatalf("%d draws", len(p.Draws))
		}
		for _, th := range p.Draws {
			for j, v := range th {
				if !priors[j].InSupport(v) {
					t.Fatalf("draw %v outside the support of %s", th, m.Names[j])
				}
			}
		}
	}
	tr := make([]float64, 600)
	for i := range tr {
		tr[i] = -65
	}
	tr[17] = 0 / zero()
	if _, err := m.Observe(tr); err == nil || !strings.Contains(err.Error(), "sample 17") {
		t.Fatalf("NaN trace: %v", err)
	}
	if _, err := m.Observe(tr[:500]); err == nil || !strings.Contains(err.Error(), "500 samples") {
		t.Fatalf("short trace: %v", err)
	}
}

func zero() float64 { return 0 }
