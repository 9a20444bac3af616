package npe

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
)

const (
	// convGradRelTol and convGradAbsTol bound finite differences of the conv
	// summary's parameters against Backward (float32 forward passes).
	convGradRelTol = 2e-2
	convGradAbsTol = 2e-3
	// trainSteps Adam steps on one batch must cut its loss by at least
	// minLossDrop nats.
	trainSteps  = 40
	minLossDrop = 0.5
)

func simulated(t *testing.T, n int) *dataset.Set { return simulatedB(t, n) }

func simulatedB(t testing.TB, n int) *dataset.Set {
	t.Helper()
	sim, err := neuron.NewSimulator(neuron.Default())
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 3, N: n})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// smallConv is a cheap cnn or hybrid model: 3 layers of 4, 8, 8 channels
// over the trace averaged in tens (60 steps).
func smallConv(t *testing.T, kind string, d *dataset.Set) *Model {
	t.Helper()
	cfg := Config{Summary: SummaryConfig{Kind: kind, Out: 4, Hidden: 16, Layers: 1, Pool: 10, Channels: []int{4, 8, 8}, Kernel: 5, Stride: 2},
		Flow: FlowConfig{Layers: 2, Hidden: 16}}
	m, err := New(cfg, d, 11)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func batchOf(d *dataset.Set, lo, hi int) ([]Observation, []float64) {
	var obs []Observation
	for i := lo; i < hi; i++ {
		obs = append(obs, FromSet(d, i))
	}
	return obs, d.Theta[lo*d.P : hi*d.P]
}

func TestConvSummaryTrainsSavesLoads(t *testing.T) {
	t.Parallel()
	d := simulated(t, 200)
	for _, kind := range []string{SummaryCNN, SummaryHybrid} {
		t.Run(kind, func(t *testing.T) {
			m := smallConv(t, kind, d)
			obs, theta := batchOf(d, 0, 64)
			opt := nn.NewAdam(m.Params(), 3e-3)
			var first, last float64
			for i := range trainSteps {
				nn.ZeroGrads(m.Params())
				loss, err := m.Loss(obs, theta)
				if err != nil {
					t.Fatal(err)
				}
				if math.IsNaN(loss) {
					t.Fatalf("step %d: loss NaN", i)
				}
				m.Backward()
				opt.Step()
				if i == 0 {
					first = loss
				}
				last = loss
			}
			if first-last < minLossDrop {
				t.Fatalf("loss %.3f -> %.3f after %d steps, want a drop of %g", first, last, trainSteps, minLossDrop)
			}

			path := filepath.Join(t.TempDir(), "m.laa")
			if err := Save(path, m, Extra{}); err != nil {
				t.Fatal(err)
			}
			back, _, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := back.Config.Summary; got.Kind != kind || len(got.Channels) != 3 || got.Kernel != 5 {
				t.Fatalf("loaded summary config %+v", got)
			}
			probe := FromSet(d, 150)
			draws := [][]float64{d.Theta[150*d.P : 151*d.P], d.Theta[151*d.P : 152*d.P]}
			a, err := m.LogProb(probe, draws)
			if err != nil {
				t.Fatal(err)
			}
			b, err := back.LogProb(probe, draws)
			if err != nil {
				t.Fatal(err)
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("log q %d: %g before saving, %g after loading", i, a[i], b[i])
				}
			}
			pa, err := m.Sample([]Observation{probe}, 20, rand.New(rand.NewPCG(4, 4)))
			if err != nil {
				t.Fatal(err)
			}
			pb, err := back.Sample([]Observation{probe}, 20, rand.New(rand.NewPCG(4, 4)))
			if err != nil {
				t.Fatal(err)
			}
			for i := range pa[0].Draws {
				for j := range pa[0].Draws[i] {
					if pa[0].Draws[i][j] != pb[0].Draws[i][j] {
						t.Fatalf("draw %d,%d differs after save and load", i, j)
					}
				}
			}
		})
	}
}

func TestConvReplicaSharesWeights(t *testing.T) {
	t.Parallel()
	d := simulated(t, 40)
	m := smallConv(t, SummaryHybrid, d)
	r, err := m.Replica()
	if err != nil {
		t.Fatal(err)
	}
	mp, rp := m.Params(), r.Params()
	for i := range mp {
		if mp[i].Value != rp[i].Value || mp[i].Grad == rp[i].Grad {
			t.Fatalf("param %s: shared value %v, shared gradient %v", mp[i].Name, mp[i].Value == rp[i].Value, mp[i].Grad == rp[i].Grad)
		}
	}
	obs, _ := batchOf(d, 0, 3)
	mp[0].Value.Data[0] += 0.5 // conv0.W, reached only through the convolutions
	a, errA := m.Summaries(obs)
	b, errB := r.Summaries(obs)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("summary %d: %g from the model, %g from its replica", i, a.Data[i], b.Data[i])
		}
	}
}

// TestConvSummaryGrad checks the conv summary's parameter gradients,
// through the split into sequence and statistics and the concatenation,
// against central differences of L = Σ w ⊙ summary.
func TestConvSummaryGrad(t *testing.T) {
	t.Parallel()
	d := simulated(t, 20)
	for _, kind := range []string{SummaryCNN, SummaryHybrid} {
		m := smallConv(t, kind, d)
		obs, _ := batchOf(d, 0, 3)
		x := m.input(obs)
		net := m.summary
		rng := rand.New(rand.NewPCG(5, 5))
		// Random inputs of the model's shape: a real trace repeats values
		// (the rest before the stimulus), so its units sit on a ReLU kink
		// together.
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64())
		}
		for _, p := range net.Params() { // zero biases put ReLU kinks at units with all-zero inputs
			if strings.HasSuffix(p.Name, ".b") {
				for i := range p.Value.Data {
					p.Value.Data[i] = float32(0.1 * rng.NormFloat64())
				}
			}
		}
		y := net.Forward(x)
		w := nn.NewMat(y.Rows, y.Cols)
		for i := range w.Data {
			w.Data[i] = float32(rng.NormFloat64())
		}
		loss := func() float64 {
			var s float64
			for i, v := range net.Forward(x).Data {
				s += float64(v) * float64(w.Data[i])
			}
			return s
		}
		nn.ZeroGrads(net.Params())
		net.Forward(x)
		net.Backward(w)
		for _, p := range net.Params() {
			for k := 0; k < len(p.Value.Data); k += 1 + len(p.Value.Data)/7 { // a spread of entries
				ana := float64(p.Grad.Data[k])
				var num float64
				ok := false
				// A ReLU kink within eps spoils a difference and shrinks with
				// eps, float32 noise grows as eps shrinks; a wrong gradient
				// disagrees at every step.
				for _, eps := range []float32{1e-3, 3e-4, 1e-4} {
					old := p.Value.Data[k]
					p.Value.Data[k] = old + eps
					lp := loss()
					p.Value.Data[k] = old - eps
					lm := loss()
					p.Value.Data[k] = old
					num = (lp - lm) / (2 * float64(eps))
					if math.Abs(num-ana) <= convGradRelTol*math.Abs(num)+convGradAbsTol {
						ok = true
						break
					}
				}
				if !ok {
					t.Errorf("%s %s[%d]: analytic %.5g, numeric %.5g", kind, p.Name, k, ana, num)
				}
			}
		}
	}
}

// The two files in testdata were written by laa at commit 9fb9255, before
// the conv kinds existed: npe.New with summary {mlp or lstm, out 4, hidden
// 8, pool 20} and flow {layers 2, hidden 8}, seed 7, on dataset.Simulate
// (default experiment, seed 3, 300 pairs), after one Loss on rows 0-2.
// oldSummaries is what that laa printed for m.Summaries of row 10.
var oldSummaries = map[string][]float32{
	"mlp":  {0.09918648, -0.51073384, 0.33215728, -0.20990771},
	"lstm": {-0.029174639, -0.04104585, -0.022919403, -0.08635802},
}

func TestOldModelFilesLoad(t *testing.T) {
	t.Parallel()
	d := simulated(t, 300)
	for kind, want := range oldSummaries {
		m, _, err := Load(filepath.Join("testdata", "v1-"+kind+".laa"))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		got, err := m.Summaries([]Observation{FromSet(d, 10)})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		for i, w := range want {
			if got.Data[i] != w {
				t.Fatalf("%s: summary %v, the old laa gave %v", kind, got.Data, want)
			}
		}
		if _, err := m.Sample([]Observation{FromSet(d, 10)}, 10, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
}

func TestMalformedObservationsAreErrors(t *testing.T) {
	t.Parallel()
	d := simulated(t, 20)
	m := smallConv(t, SummaryHybrid, d)
	good := FromSet(d, 0)
	rng := rand.New(rand.NewPCG(1, 1))
	for name, o := range map[string]Observation{
		"no statistics": {Trace: good.Trace},
		"short trace":   {Trace: good.Trace[:100], Stats: good.Stats},
	} {
		if _, err := m.Sample([]Observation{good, o}, 5, rng); err == nil {
			t.Errorf("%s: Sample gave no error", name)
		}
		if _, err := m.Loss([]Observation{o}, d.Theta[:d.P]); err == nil {
			t.Errorf("%s: Loss gave no error", name)
		}
		if _, err := m.LogProb(o, [][]float64{d.Theta[:d.P]}); err == nil {
			t.Errorf("%s: LogProb gave no error", name)
		}
		if _, err := m.SampleScaled(o, 5, 2, rng); err == nil {
			t.Errorf("%s: SampleScaled gave no error", name)
		}
	}
}
