package neuron

import (
	"math"
	"strings"
	"testing"
)

func TestPriorWiden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want Prior
		factor   float64
	}{
		{LogNormal(1, 0.3), LogNormal(1, 0.9), 3},
		{Normal(-65, 3), Normal(-65, 6), 2},
		{Uniform(2, 4), Uniform(0, 6), 3},
		{Uniform(-1, 1), Uniform(-1, 1), 1},
		{LogNormal(6, 2), LogNormal(6, MaxPriorSigmaLog), 10}, // Validate's limit
		{Normal(0, 1e8), Normal(0, MaxMagnitude), 100},
		{Uniform(-1e8, 1e8), Uniform(-MaxMagnitude, MaxMagnitude), 100},
	} {
		got := tc.in.Widen(tc.factor)
		if !closePrior(got, tc.want) {
			t.Errorf("%v widened x%g = %v, want %v", tc.in, tc.factor, got, tc.want)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%v widened x%g: %v", tc.in, tc.factor, err)
		}
	}
	p := Normal(-65, 3)
	for _, f := range []float64{0.5, 0, -2, math.NaN(), math.Inf(1)} {
		if err := CheckWidenFactor(f); err == nil || !strings.Contains(err.Error(), "at least 1") {
			t.Errorf("factor %g: error %v", f, err)
		}
		if got := p.Widen(f); got != p {
			t.Errorf("factor %g changed the prior to %v", f, got)
		}
	}
	if err := CheckWidenFactor(2); err != nil {
		t.Fatal(err)
	}
}

func TestWidenPriors(t *testing.T) {
	t.Parallel()
	cfg := Default()
	gact, sigma, cm := Uniform(0.5, 3.5), Uniform(0.2, 1), Uniform(0.5, 1.5)
	cfg.Priors.Gact, cfg.Priors.SigmaObs, cfg.Priors.Cm = &gact, &sigma, &cm
	w := WidenPriors(cfg, 3)
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	want := map[string]Prior{
		NameCm: Uniform(0.5/3, 2.5), NameGL: LogNormal(0.1, 0.9), NameEL: Normal(-65, 9), NameK: LogNormal(6, 1.5),
		NameVthr: Normal(-50, 12), NameGact: Uniform(0, 6.5), NameSigmaObs: Uniform(0, 1.8),
	}
	names, priors := w.Inferred()
	if len(names) != len(want) {
		t.Fatalf("inferred %v", names)
	}
	for j, name := range names {
		g, x := priors[j], want[name]
		if !closePrior(g, x) {
			t.Errorf("%s: %v, want %v", name, g, x)
		}
	}
	if *cfg.Priors.EL != Normal(-65, 3) || *cfg.Priors.Cm != Uniform(0.5, 1.5) {
		t.Fatalf("the original configuration changed: %v %v", *cfg.Priors.EL, *cfg.Priors.Cm)
	}
	if same := WidenPriors(cfg, 0.5); *same.Priors.EL != Normal(-65, 3) {
		t.Fatalf("factor 0.5 changed E_L to %v", *same.Priors.EL)
	}
}

// closePrior compares two priors field by field to rounding.
func closePrior(a, b Prior) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-12*max(1, math.Abs(y)) }
	return a.Dist == b.Dist && near(a.Median, b.Median) && near(a.SigmaLog, b.SigmaLog) && near(a.Mean, b.Mean) &&
		near(a.SD, b.SD) && near(a.Low, b.Low) && near(a.High, b.High)
}
