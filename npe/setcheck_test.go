package npe_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// TestDataSetsAreCheckedAgainstTheModel gives a model data sets that do
// not fit it: another protocol, a shape whose product overflows, other
// names, another stimulus, a row that is not there.
func TestDataSetsAreCheckedAgainstTheModel(t *testing.T) {
	t.Parallel()
	m, d := testmodel.Untrained(t, neuron.Default())
	short := neuron.Default()
	short.DurationMs = 300
	m300, d300 := testmodel.Untrained(t, short)
	if err := m.CheckSet(d); err != nil {
		t.Fatalf("the model's own data: %v", err)
	}

	overflow := *d
	overflow.N, overflow.Traces = 1<<62, d.Traces[:480] // 2^62 x 600 overflows to 0 mod 2^64
	renamed := *d
	renamed.Meta.StatNames = append([]string{"v_max"}, d.Meta.StatNames[1:]...)
	otherStim := *d
	otherStim.Stimulus = append([]float64(nil), d.Stimulus...)
	otherStim.Stimulus[100] += 0.25
	for _, c := range []struct {
		name    string
		model   *npe.Model
		data    *dataset.Set
		row     int
		want    string
		fromSet bool // FromSet sees it
		check   bool // CheckSet sees it
	}{
		{"longer protocol", m300, d, 0, "model trained on 300 samples per trace, data set has 600", true, true},
		{"shorter protocol", m, d300, 0, "model trained on 600 samples per trace, data set has 300", true, true},
		{"overflowing shape", m, &overflow, 0, "has 1000 values, not 4611686018427387904 rows of 5", true, true},
		{"other statistics", m, &renamed, 0, `statistic 1 is "v_max", the model's is "rest_mean"`, true, true},
		{"row past the end", m, d, d.N, "row 200 of a data set of 200", true, false},
		{"negative row", m, d, -1, "row -1", true, false},
		{"other stimulus", m, &otherStim, 0, "stimulus differs", false, true},
	} {
		if _, err := c.model.FromSet(c.data, c.row); c.fromSet && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: FromSet: %v, want an error mentioning %q", c.name, err, c.want)
		}
		if err := c.model.CheckSet(c.data); c.check && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: CheckSet: %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
	// The unchecked FromSet gives an empty observation, which the model
	// refuses.
	bad := npe.FromSet(&overflow, 0)
	if len(bad.Trace) != 0 || len(bad.Stats) != 0 {
		t.Errorf("FromSet of an overflowing shape: %d samples, %d statistics", len(bad.Trace), len(bad.Stats))
	}
	if _, err := m.Sample([]npe.Observation{bad}, 3, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("Sample took an empty observation")
	}
}

// TestMalformedBatchesAreErrors gives every entry point taking
// observations, parameters or counts a batch that does not fit.
func TestMalformedBatchesAreErrors(t *testing.T) {
	t.Parallel()
	m, d := testmodel.Untrained(t, neuron.Default())
	o, err := m.FromSet(d, 0)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	short := npe.Observation{Trace: o.Trace, Stats: o.Stats[:3]}
	for name, c := range map[string]struct {
		err  error
		want string
	}{
		"Loss without observations":     {second(m.Loss(nil, nil)), "no observation"},
		"Loss with too few parameters":  {second(m.Loss([]npe.Observation{o, o}, d.Theta[:7])), "7 parameter values for 2 observations of 5"},
		"Loss with too many":            {second(m.Loss([]npe.Observation{o}, d.Theta[:10])), "10 parameter values"},
		"Sample without observations":   {second(m.Sample(nil, 5, rng)), "no observation"},
		"Sample of too many draws":      {second(m.Sample([]npe.Observation{o, o}, npe.MaxDraws, rng)), "MaxDraws"},
		"Sample of short statistics":    {second(m.Sample([]npe.Observation{short}, 5, rng)), "3 statistics"},
		"Summaries of short statistics": {second(m.Summaries([]npe.Observation{o, short})), "observation 1 has 3 statistics"},
		"Summaries of nothing":          {second(m.Summaries(nil)), "no observation"},
		"LogProb of short statistics":   {second(m.LogProb(short, [][]float64{d.Theta[:5]})), "3 statistics"},
		"LogProb of a short vector":     {second(m.LogProb(o, [][]float64{d.Theta[:4]})), "4 values, want 5"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", name, c.err, c.want)
		}
	}
}

// second returns the error of a two-valued call.
func second[T any](_ T, err error) error { return err }
