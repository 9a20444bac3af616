package model_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/prior"
)

// line is the tests' model: x_j = a + b j + noise z_j for j < Length,
// with a and b under any priors.
type line struct {
	Priors []prior.Spec `json:"priors"`
	Names  []string     `json:"names"`
	Length int          `json:"length"`
	Noise  float64      `json:"noise"`
	Input  []float64    `json:"input,omitempty"`
}

const lineKind = "test-line"

var errBadLine = errors.New("a line takes two parameters")

func init() {
	model.Register(lineKind, func(spec []byte) (model.Model, error) {
		var m line
		if err := json.Unmarshal(spec, &m); err != nil {
			return nil, err
		}
		if len(m.Priors) != 2 || len(m.Names) != 2 {
			return nil, errBadLine
		}
		return m, nil
	})
}

func newLine() line {
	return line{
		Priors: []prior.Spec{prior.NewNormal(1, 0.5), prior.NewLogNormal(0.2, 0.3)},
		Names:  []string{"a", "b"},
		Length: 6,
		Noise:  0.1,
	}
}

func (line) Kind() string { return lineKind }

func (m line) Parameters() []model.Parameter {
	ps := make([]model.Parameter, len(m.Names))
	for i, name := range m.Names {
		ps[i] = model.Parameter{Name: name, Unit: "mV"}
		if i < len(m.Priors) {
			ps[i].Prior = m.Priors[i].Distribution()
		}
	}
	return ps
}

func (m line) Observation() model.Observation {
	return model.Observation{Length: m.Length, Series: true, StepMs: 0.5, Unit: "mV", Input: m.Input}
}

func (m line) Spec() ([]byte, error) { return json.Marshal(m) }

func (m line) Simulate(theta []float64, rngs []*rand.Rand, x []float64) error {
	for i, rng := range rngs {
		a, b := theta[2*i], theta[2*i+1]
		for j := 0; j < m.Length; j++ {
			x[i*m.Length+j] = a + b*float64(j) + m.Noise*rng.NormFloat64()
		}
	}
	return nil
}

var _ model.Simulator = line{}

func TestCheckAccepts(t *testing.T) {
	ok := []line{newLine()}
	m := newLine()
	m.Names = []string{"g_L.soma-1", strings.Repeat("x", 64)} // every allowed character, longest name
	ok = append(ok, m)
	m = newLine()
	m.Input = make([]float64, m.Length)
	ok = append(ok, m)
	m = newLine()
	m.Length = 1
	ok = append(ok, m)
	for _, m := range ok {
		if err := model.Check(m); err != nil {
			t.Errorf("%+v: %v", m, err)
		}
	}
}

// noParams has a prior-less parameter list of any length and an
// observation set freely: what line cannot express.
type noParams struct {
	ps  []model.Parameter
	obs model.Observation
}

func (noParams) Kind() string                     { return "test-free" }
func (m noParams) Parameters() []model.Parameter  { return m.ps }
func (m noParams) Observation() model.Observation { return m.obs }
func (noParams) Spec() ([]byte, error)            { return []byte("{}"), nil }

func TestCheckRejects(t *testing.T) {
	with := func(f func(*line)) line {
		m := newLine()
		f(&m)
		return m
	}
	tooMany := make([]model.Parameter, model.MaxParameters+1)
	for i := range tooMany {
		tooMany[i] = model.Parameter{Name: "p" + strings.Repeat("x", i%60) + string(rune('a'+i%26)), Prior: prior.Normal{Mu: 0, Sigma: 1}}
	}
	tests := []struct {
		name string
		m    model.Model
		want []string
	}{
		{"duplicate name", with(func(m *line) { m.Names = []string{"a", "a"} }), []string{`"a"`, "twice"}},
		{"name starts with a digit", with(func(m *line) { m.Names[1] = "1b" }), []string{"parameter 1", `"1b"`}},
		{"empty name", with(func(m *line) { m.Names[0] = "" }), []string{"parameter 0", `""`}},
		{"space in name", with(func(m *line) { m.Names[0] = "g L" }), []string{`"g L"`}},
		{"slash in name", with(func(m *line) { m.Names[0] = "a/b" }), []string{`"a/b"`}},
		{"name too long", with(func(m *line) { m.Names[0] = strings.Repeat("x", 65) }), []string{"parameter 0", "must match"}},
		{"nil prior", with(func(m *line) { m.Priors = m.Priors[:1] }), []string{"parameter b", "no prior"}},
		{"zero length", with(func(m *line) { m.Length = 0 }), []string{"0 values"}},
		{"negative length", with(func(m *line) { m.Length = -3 }), []string{"-3 values"}},
		{"too long", with(func(m *line) { m.Length = model.MaxLength + 1 }), []string{"10000001 values"}},
		{"input shorter", with(func(m *line) { m.Input = make([]float64, 3) }), []string{"input of 3 values", "observations of 6"}},
		{"input longer", with(func(m *line) { m.Input = make([]float64, 7) }), []string{"input of 7 values"}},
		{"empty non-nil input", with(func(m *line) { m.Input = []float64{} }), []string{"input of 0 values"}},
		{"no parameters", noParams{obs: model.Observation{Length: 3}}, []string{"0 parameters"}},
		{"too many parameters", noParams{ps: tooMany, obs: model.Observation{Length: 3}}, []string{"257 parameters"}},
		{"negative step", noParams{ps: tooMany[:1], obs: model.Observation{Length: 3, StepMs: -1}}, []string{"sampling step"}},
		{"NaN step", noParams{ps: tooMany[:1], obs: model.Observation{Length: 3, StepMs: math.NaN()}}, []string{"sampling step"}},
		{"infinite step", noParams{ps: tooMany[:1], obs: model.Observation{Length: 3, StepMs: math.Inf(1)}}, []string{"sampling step"}},
	}
	for _, tc := range tests {
		err := model.Check(tc.m)
		if err == nil {
			t.Errorf("%s: Check accepted it", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.m.Kind()) {
			t.Errorf("%s: error %q does not name the model kind", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, w)
			}
		}
	}
	// the one-parameter control of the noParams cases is accepted
	if err := model.Check(noParams{ps: tooMany[:1], obs: model.Observation{Length: 3}}); err != nil {
		t.Errorf("control: %v", err)
	}
}

func TestStoreLoadRoundTrip(t *testing.T) {
	m := newLine()
	m.Input = []float64{0, 0, 1, 1, 0, 0}
	st, err := model.Store(m)
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind != lineKind {
		t.Errorf("Stored.Kind = %q", st.Kind)
	}
	// through a file's JSON
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back model.Stored
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	got, err := back.Load()
	if err != nil {
		t.Fatalf("Load %s: %v", b, err)
	}
	if !reflect.DeepEqual(got, model.Model(m)) {
		t.Errorf("loaded %+v, stored %+v", got, m)
	}
	if err := model.SameParameters(got, m); err != nil {
		t.Error(err)
	}
	if !reflect.DeepEqual(got.Observation(), m.Observation()) {
		t.Errorf("observation %+v, want %+v", got.Observation(), m.Observation())
	}
	// Decode directly, and a decoder's error comes back wrapped with the kind
	if _, err := model.Decode(lineKind, st.Spec); err != nil {
		t.Error(err)
	}
	_, err = model.Decode(lineKind, []byte(`{"priors":[],"names":[]}`))
	if !errors.Is(err, errBadLine) || !strings.Contains(err.Error(), lineKind) {
		t.Errorf("bad spec: error %v, want errBadLine naming %s", err, lineKind)
	}
	if _, err := model.Decode(lineKind, []byte(`{`)); err == nil {
		t.Error("malformed spec decoded")
	}
}

func TestDecodeUnknownKind(t *testing.T) {
	for _, kind := range []string{"test-zz", "test-aa", "test-mm"} {
		model.Register(kind, func([]byte) (model.Model, error) { return newLine(), nil })
	}
	_, err := model.Decode("no-such-model", []byte("{}"))
	if err == nil {
		t.Fatal("unknown kind decoded")
	}
	for _, w := range []string{`"no-such-model"`, "known:", lineKind, "model.Register"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	// the known kinds are listed in sorted order, so the message is stable
	_, list, _ := strings.Cut(err.Error(), "known: ")
	list, _, _ = strings.Cut(list, ")")
	if kinds := strings.Split(list, ", "); len(kinds) < 2 || !slices.IsSorted(kinds) {
		t.Errorf("known kinds %q: want at least two, sorted", kinds)
	}
	if _, err := (model.Stored{Kind: "no-such-model", Spec: []byte("{}")}).Load(); err == nil {
		t.Error("Load of an unknown kind succeeded")
	}
}

func TestRegisterReplaces(t *testing.T) {
	const kind = "test-replaced"
	model.Register(kind, func([]byte) (model.Model, error) { return nil, errors.New("first") })
	model.Register(kind, func([]byte) (model.Model, error) { return newLine(), nil })
	if m, err := model.Decode(kind, nil); err != nil || m.Kind() != lineKind {
		t.Errorf("after re-registering: %v, %v", m, err)
	}
}

func TestNamesAndPriors(t *testing.T) {
	m := newLine()
	if got := model.Names(m); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Names = %v", got)
	}
	want := []prior.Distribution{prior.Normal{Mu: 1, Sigma: 0.5}, prior.LogNormal{Median: 0.2, SigmaLog: 0.3}}
	if got := model.Priors(m); !reflect.DeepEqual(got, want) {
		t.Errorf("Priors = %v", got)
	}
}

func TestSameParameters(t *testing.T) {
	a, b := newLine(), newLine()
	b.Length, b.Noise = 99, 3 // the observation does not matter
	if err := model.SameParameters(a, b); err != nil {
		t.Errorf("same parameters: %v", err)
	}
	b.Priors = []prior.Spec{prior.NewNormal(1, 0.5), prior.NewLogNormal(0.2, 0.31)}
	if err := model.SameParameters(a, b); err == nil || !strings.Contains(err.Error(), "parameter b") {
		t.Errorf("different prior of b: %v", err)
	}
	b = newLine()
	b.Names = []string{"a", "c"}
	if err := model.SameParameters(a, b); err == nil {
		t.Error("different names: no error")
	}
}

// TestSamplePrior: one draw per parameter in column order, each from the
// parameter's own prior, sharing the one stream.
func TestSamplePrior(t *testing.T) {
	m := newLine()
	rng, ref := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
	theta := make([]float64, 2)
	for i := 0; i < 100; i++ {
		model.SamplePrior(m, rng, theta)
		a := 1 + 0.5*ref.NormFloat64()
		b := 0.2 * math.Exp(0.3*ref.NormFloat64())
		if theta[0] != a || theta[1] != b {
			t.Fatalf("draw %d = %v, want [%v %v]", i, theta, a, b)
		}
	}
}

func TestLogPrior(t *testing.T) {
	m := newLine()
	theta := []float64{1.3, 0.25}
	want := prior.Normal{Mu: 1, Sigma: 0.5}.LogDensity(1.3) + prior.LogNormal{Median: 0.2, SigmaLog: 0.3}.LogDensity(0.25)
	if got := model.LogPrior(m, theta); got != want {
		t.Errorf("LogPrior = %.17g, want %.17g", got, want)
	}
	// by hand: normal -0.18 - log(0.5 sqrt(2 pi)); lognormal z = log(1.25)/0.3
	z := math.Log(1.25) / 0.3
	hand := -0.5*0.36 - math.Log(0.5*math.Sqrt(2*math.Pi)) - 0.5*z*z - math.Log(0.3*math.Sqrt(2*math.Pi)) - math.Log(0.25)
	if got := model.LogPrior(m, theta); math.Abs(got-hand) > 1e-12 {
		t.Errorf("LogPrior = %.17g, by hand %.17g", got, hand)
	}
	if got := model.LogPrior(m, []float64{1.3, -0.25}); !math.IsInf(got, -1) {
		t.Errorf("LogPrior outside the support = %g, want -Inf", got)
	}
}

// streamGolden are the first three words of neuron.Stream(seed, i) as it
// stood before model.Stream replaced it (commit f760ea6, neuron/generate.go).
// Every seeded data set laa has written depends on these streams, so
// model.Stream must reproduce them bit for bit.
var streamGolden = []struct {
	seed, i uint64
	words   [3]uint64
}{
	{0, 0, [3]uint64{0xb0882ab2a78a901a, 0x54653fa89a6eafed, 0x751306bd02158b89}},
	{1, 0, [3]uint64{0x4d71d70344dc7fa, 0xe434f994eb6a4c45, 0xf07fb40f5d5394e0}},
	{1, 1, [3]uint64{0xc2447a23920fdcce, 0xfd3eb0ab25547a93, 0xb3e920db96acad5c}},
	{42, 7, [3]uint64{0xa6e691962a56ca62, 0x626dd34a61a7f777, 0xac99da5bd39eb491}},
	{20260101, 123456, [3]uint64{0xb2317397774d9795, 0xd7754ac8492c67ff, 0x5c82a1ca0347cd0a}},
	{math.MaxUint64, math.MaxUint64, [3]uint64{0x3c9b318d1910752f, 0x7c19bdb4698ef250, 0x230c6f7e61a3940}},
}

func TestStreamMatchesNeuronStream(t *testing.T) {
	for _, g := range streamGolden {
		r := model.Stream(g.seed, g.i)
		got := [3]uint64{r.Uint64(), r.Uint64(), r.Uint64()}
		if got != g.words {
			t.Errorf("Stream(%d, %d) starts %#x, want %#x", g.seed, g.i, got, g.words)
		}
	}
}

func TestStreamReproducibleAndDistinct(t *testing.T) {
	first := func(r *rand.Rand) [4]uint64 { return [4]uint64{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()} }
	seen := map[[4]uint64][2]uint64{}
	for _, seed := range []uint64{0, 1, 2, 1 << 32, math.MaxUint64} {
		for _, i := range []uint64{0, 1, 2, 3, 1000, math.MaxUint64} {
			a, b := first(model.Stream(seed, i)), first(model.Stream(seed, i))
			if a != b {
				t.Fatalf("Stream(%d, %d) differs between calls", seed, i)
			}
			if prev, dup := seen[a]; dup {
				t.Errorf("Stream(%d, %d) equals Stream(%d, %d)", seed, i, prev[0], prev[1])
			}
			seen[a] = [2]uint64{seed, i}
		}
	}
}

// TestShardsEqualTheWholeRun follows the generic simulate path (row i:
// stream i, prior draw, then simulation on the same stream): rows
// simulated one at a time equal the rows of one batch.
func TestShardsEqualTheWholeRun(t *testing.T) {
	m := newLine()
	const n, seed = 8, 11
	P, D := len(m.Parameters()), m.Observation().Length
	theta := make([]float64, n*P)
	rngs := make([]*rand.Rand, n)
	for i := range rngs {
		rngs[i] = model.Stream(seed, uint64(i))
		model.SamplePrior(m, rngs[i], theta[i*P:(i+1)*P])
	}
	whole := make([]float64, n*D)
	if err := m.Simulate(theta, rngs, whole); err != nil {
		t.Fatal(err)
	}
	for i := n - 1; i >= 0; i-- { // in reverse, so order cannot matter
		rng := model.Stream(seed, uint64(i))
		th := make([]float64, P)
		model.SamplePrior(m, rng, th)
		x := make([]float64, D)
		if err := m.Simulate(th, []*rand.Rand{rng}, x); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(th, theta[i*P:(i+1)*P]) || !reflect.DeepEqual(x, whole[i*D:(i+1)*D]) {
			t.Errorf("row %d alone: theta %v x %v; in the batch: %v %v", i, th, x, theta[i*P:(i+1)*P], whole[i*D:(i+1)*D])
		}
	}
}
