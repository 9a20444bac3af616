package prior_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/laa-neuro/laa/prior"
)

// goodSpecs validate, one or more per family, including values on the limits.
var goodSpecs = []prior.Spec{
	prior.NewLogNormal(1, 0.3),
	prior.NewLogNormal(1/prior.MaxMagnitude, prior.MaxSigmaLog),
	prior.NewLogNormal(prior.MaxMagnitude, 0.01),
	prior.NewNormal(0, 1),
	prior.NewNormal(-65, 3),
	prior.NewNormal(-prior.MaxMagnitude, prior.MaxMagnitude),
	prior.NewUniform(-1, 1),
	prior.NewUniform(0, 100),
	prior.NewUniform(-prior.MaxMagnitude, prior.MaxMagnitude),
	prior.NewLogUniform(0.1, 10),
	prior.NewLogUniform(1/prior.MaxMagnitude, prior.MaxMagnitude),
}

func TestSpecValidateAccepts(t *testing.T) {
	for _, s := range goodSpecs {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestSpecValidateRejects(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		s    prior.Spec
		want []string // each must appear in the error
	}{
		{prior.Spec{Dist: "gamma", Low: 1, High: 2}, []string{"unknown dist", `"gamma"`, "lognormal", "loguniform"}},
		{prior.Spec{Median: 1, SigmaLog: 1}, []string{"unknown dist", `""`}},
		{prior.Spec{Dist: "Normal", Mean: 0, SD: 1}, []string{"unknown dist", `"Normal"`}},
		// a field of another family
		{prior.Spec{Dist: "lognormal", Median: 1, SigmaLog: 1, Mean: 2}, []string{"median and sigma_log only", "mean is set"}},
		{prior.Spec{Dist: "normal", Mean: 0, SD: 1, Low: -1}, []string{"mean and sd only", "low is set"}},
		{prior.Spec{Dist: "uniform", Low: 0, High: 1, SigmaLog: 0.5}, []string{"low and high only", "sigma_log is set"}},
		{prior.Spec{Dist: "loguniform", Low: 1, High: 2, Median: 1.5}, []string{"low and high only", "median is set"}},
		// out of range
		{prior.NewLogNormal(1, prior.MaxSigmaLog+0.5), []string{"sigma_log 5.5", "MaxSigmaLog"}},
		{prior.NewLogNormal(1, 0), []string{"sigma_log > 0"}},
		{prior.NewLogNormal(0, 1), []string{"median > 0"}},
		{prior.NewLogNormal(-1, 1), []string{"median > 0"}},
		{prior.NewLogNormal(1e-10, 1), []string{"median", "below 1/MaxMagnitude"}},
		{prior.NewNormal(0, 0), []string{"sd > 0"}},
		{prior.NewNormal(0, -1), []string{"sd > 0"}},
		{prior.NewNormal(2e9, 1), []string{"mean", "MaxMagnitude"}},
		{prior.NewUniform(0, 2e9), []string{"high", "MaxMagnitude"}},
		// not finite
		{prior.NewLogNormal(nan, 1), []string{"non-finite median"}},
		{prior.NewNormal(0, inf), []string{"non-finite sd"}},
		{prior.NewUniform(-inf, 0), []string{"non-finite low"}},
		{prior.NewLogUniform(1, nan), []string{"non-finite high"}},
		// bounds
		{prior.NewUniform(2, 2), []string{"low < high", "2, 2"}},
		{prior.NewUniform(3, 1), []string{"low < high"}},
		{prior.NewLogUniform(5, 5), []string{"low < high"}},
		{prior.NewLogUniform(0, 1), []string{"loguniform", "low >="}},
		{prior.NewLogUniform(-1, 1), []string{"loguniform", "low >="}},
		{prior.NewLogUniform(1e-12, 1), []string{"loguniform", "low >="}},
	}
	for _, tc := range tests {
		err := tc.s.Validate()
		if err == nil {
			t.Errorf("%+v: Validate accepted it", tc.s)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q does not say %q", tc.s, err, w)
			}
		}
	}
}

func TestSpecOfRoundTrip(t *testing.T) {
	for _, s := range goodSpecs {
		d := s.Distribution()
		if d.Family() != s.Dist {
			t.Errorf("%+v: Distribution is a %s", s, d.Family())
		}
		if got := prior.SpecOf(d); got != s {
			t.Errorf("SpecOf(%+v.Distribution()) = %+v", s, got)
		}
	}
	for _, d := range cases {
		if got := prior.SpecOf(d).Distribution(); got != d {
			t.Errorf("SpecOf(%v).Distribution() = %v", d, got)
		}
		if err := prior.SpecOf(d).Validate(); err != nil {
			t.Errorf("SpecOf(%v): %v", d, err)
		}
	}
	// the fields land in the family's own parameters
	if d := prior.NewNormal(-65, 3).Distribution(); d != (prior.Normal{Mu: -65, Sigma: 3}) {
		t.Errorf("NewNormal(-65, 3).Distribution() = %#v", d)
	}
	if d := prior.NewLogNormal(0.7, 0.4).Distribution(); d != (prior.LogNormal{Median: 0.7, SigmaLog: 0.4}) {
		t.Errorf("NewLogNormal(0.7, 0.4).Distribution() = %#v", d)
	}
}

// TestSpecMethodsDelegate checks that a Spec's methods are its distribution's.
func TestSpecMethodsDelegate(t *testing.T) {
	for _, s := range goodSpecs[:10] {
		d := s.Distribution()
		r1, r2 := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
		if a, b := s.Sample(r1), d.Sample(r2); a != b {
			t.Errorf("%v: Spec.Sample %g, Distribution.Sample %g", s, a, b)
		}
		x := d.Centre()
		if s.LogPdf(x) != d.LogDensity(x) || !s.InSupport(x) || s.MeanValue() != d.Mean() ||
			s.Variance() != d.Variance() || s.String() != d.String() {
			t.Errorf("%v: Spec methods differ from its distribution's", s)
		}
	}
	bad := prior.Spec{Dist: "gamma"}
	d := bad.Distribution()
	if d.Family() != "gamma" || !math.IsNaN(bad.LogPdf(1)) || bad.InSupport(1) ||
		!math.IsNaN(bad.Sample(rand.New(rand.NewPCG(1, 2)))) || !math.IsNaN(bad.MeanValue()) {
		t.Errorf("a Spec of unknown family gives %v: density %g, in support %v", d, bad.LogPdf(1), bad.InSupport(1))
	}
	if _, err := d.Unconstrain(1); err == nil || !strings.Contains(err.Error(), "gamma") {
		t.Errorf("unknown family: Unconstrain error %v", err)
	}
	if got := prior.SpecOf(d); got.Validate() == nil {
		t.Errorf("SpecOf(unknown family) = %+v validates", got)
	}
}

func TestSpecJSONRoundTrip(t *testing.T) {
	for _, s := range goodSpecs {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var got prior.Spec
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if got != s {
			t.Errorf("JSON %s decodes to %+v, want %+v", b, got, s)
		}
	}
	// the written form: family fields only, named as the docs name them
	for s, want := range map[prior.Spec]string{
		prior.NewLogNormal(1, 0.3):  `{"dist":"lognormal","median":1,"sigma_log":0.3}`,
		prior.NewNormal(-65, 3):     `{"dist":"normal","mean":-65,"sd":3}`,
		prior.NewUniform(-1, 2):     `{"dist":"uniform","low":-1,"high":2}`,
		prior.NewLogUniform(0.1, 9): `{"dist":"loguniform","low":0.1,"high":9}`,
	} {
		if b, _ := json.Marshal(s); string(b) != want {
			t.Errorf("json.Marshal(%v) = %s, want %s", s, b, want)
		}
	}
}

// decodeYAML decodes src strictly, as laa reads configuration files.
func decodeYAML(src string, v any) error {
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	return dec.Decode(v)
}

func TestSpecYAMLRoundTrip(t *testing.T) {
	for _, s := range goodSpecs {
		b, err := yaml.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var got prior.Spec
		if err := decodeYAML(string(b), &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if got != s {
			t.Errorf("YAML %q decodes to %+v, want %+v", b, got, s)
		}
	}
	// the hand-written forms of a configuration file
	for src, want := range map[string]prior.Spec{
		"{dist: lognormal, median: 1.5, sigma_log: 0.25}": prior.NewLogNormal(1.5, 0.25),
		"{dist: normal, mean: 0, sd: 1}":                  prior.NewNormal(0, 1),
		"dist: uniform\nlow: -3\nhigh: 4\n":               prior.NewUniform(-3, 4),
		"{dist: loguniform, low: 1e-3, high: 1}":          prior.NewLogUniform(1e-3, 1),
	} {
		var got prior.Spec
		if err := decodeYAML(src, &got); err != nil || got != want {
			t.Errorf("%q decodes to %+v, %v; want %+v", src, got, err, want)
		}
	}
}

func TestSpecYAMLUnknownKey(t *testing.T) {
	src := "{dist: normal, mean: 0, sd: 1, sigma: 2}"
	var s prior.Spec
	err := decodeYAML(src, &s)
	if err == nil || !strings.Contains(err.Error(), `"sigma"`) {
		t.Errorf("%s: error %v, want one naming sigma", src, err)
	}
	// inside a larger document, where a custom unmarshaler does not
	// inherit the decoder's KnownFields
	var doc struct {
		Priors map[string]prior.Spec `yaml:"priors"`
	}
	err = decodeYAML("priors:\n  g_L: {dist: lognormal, median: 1, sigma_log: 0.3, sigmalog: 1}\n", &doc)
	if err == nil || !strings.Contains(err.Error(), `"sigmalog"`) {
		t.Errorf("nested unknown key: error %v, want one naming sigmalog", err)
	}
	// a duplicate key is an error too, not a silent override
	if err := decodeYAML("{dist: normal, mean: 0, sd: 1, sd: 2}", &s); err == nil {
		t.Errorf("duplicate key accepted: %+v", s)
	}
}

func TestWiden(t *testing.T) {
	const f = 2.5
	for _, s := range goodSpecs[:10] {
		if s == prior.NewLogNormal(1/prior.MaxMagnitude, prior.MaxSigmaLog) || s == prior.NewNormal(-prior.MaxMagnitude, prior.MaxMagnitude) ||
			s == prior.NewUniform(-prior.MaxMagnitude, prior.MaxMagnitude) || s == prior.NewLogNormal(prior.MaxMagnitude, 0.01) {
			continue // on a limit; clipping is tested below
		}
		w := s.Widen(f)
		if err := w.Validate(); err != nil {
			t.Errorf("%v widened: %v", s, err)
		}
		c, cw := s.Distribution().Centre(), w.Distribution().Centre()
		if math.Abs(cw-c) > 1e-12*math.Max(1, math.Abs(c)) {
			t.Errorf("%v widened to %v: centre %g moved to %g", s, w, c, cw)
		}
		var width, widthW float64
		switch s.Dist {
		case prior.FamilyLogNormal:
			width, widthW = s.SigmaLog, w.SigmaLog
		case prior.FamilyNormal:
			width, widthW = s.SD, w.SD
		case prior.FamilyUniform:
			width, widthW = s.High-s.Low, w.High-w.Low
		case prior.FamilyLogUniform:
			width, widthW = math.Log(s.High/s.Low), math.Log(w.High/w.Low)
		}
		if math.Abs(widthW-f*width) > 1e-12*f*width {
			t.Errorf("%v widened by %g to %v: width %g, want %g", s, f, w, widthW, f*width)
		}
	}
	// clipped at Validate's limits
	clips := []struct{ s, want prior.Spec }{
		{prior.NewLogNormal(1, 3), prior.NewLogNormal(1, prior.MaxSigmaLog)},
		{prior.NewNormal(0, 6e8), prior.NewNormal(0, prior.MaxMagnitude)},
		{prior.NewUniform(0, 8e8), prior.NewUniform(-prior.MaxMagnitude, prior.MaxMagnitude)},
		{prior.NewLogUniform(1e-8, 1e8), prior.NewLogUniform(1/prior.MaxMagnitude, prior.MaxMagnitude)},
	}
	for _, tc := range clips {
		got := tc.s.Widen(4)
		if err := got.Validate(); err != nil {
			t.Errorf("%v widened: %v", tc.s, err)
		}
		if got.Dist != tc.want.Dist || math.Abs(got.SigmaLog-tc.want.SigmaLog) > 1e-12 || got.SD != tc.want.SD ||
			math.Abs(got.Low-tc.want.Low) > 1e-12*math.Abs(tc.want.Low) || math.Abs(got.High-tc.want.High) > 1e-12*tc.want.High {
			t.Errorf("%v.Widen(4) = %+v, want %+v", tc.s, got, tc.want)
		}
	}
	// a factor below 1, or not a number, changes nothing
	s := prior.NewUniform(-1, 3)
	for _, f := range []float64{0.5, 0, -2, math.NaN(), math.Inf(1)} {
		if got := s.Widen(f); got != s {
			t.Errorf("Widen(%g) = %+v, want %+v unchanged", f, got, s)
		}
	}
}
