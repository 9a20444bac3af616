package hh

import (
	"math"
	"testing"
)

// Tolerances of the steady-state tests.
const (
	fixedPointTol = 1e-10 // |dV/dt| (mV/ms) and |dx/dt| (1/ms) at a fixed point
	restTol       = 0.01  // mV, distance of rest from -65 mV
)

// TestSteadyStateIsFixedPoint checks that every derivative vanishes at the
// steady state and that rest lies near -65 mV for both presets.
func TestSteadyStateIsFixedPoint(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    Params
		i    float64
		rest bool
	}{{"classic", Classic(), 0, true}, {"subthreshold", Subthreshold(), 0, true},
		{"classic I=1", Classic(), 1, false}, {"subthreshold I=1.5", Subthreshold(), 1.5, false}}
	for _, c := range cases {
		s, err := SteadyState(c.p, c.i)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		d := c.p.deriv(s, c.i)
		for _, x := range []float64{d.V, d.M, d.H, d.N} {
			if math.Abs(x) > fixedPointTol {
				t.Errorf("%s: derivative %+v at steady state %+v", c.name, d, s)
				break
			}
		}
		if c.rest && math.Abs(s.V+65) > restTol {
			t.Errorf("%s: rest %g mV, want -65 +- %g", c.name, s.V, restTol)
		}
	}
}

// TestSteadyStateErrors checks bad parameters and currents.
func TestSteadyStateErrors(t *testing.T) {
	t.Parallel()
	bad := []Params{{}, {Cm: 1, GNa: -1, GK: 36, GL: 0.3}, {Cm: 1, GL: math.NaN()}, {Cm: math.Inf(1), GL: 1}}
	for _, p := range bad {
		if _, err := SteadyState(p, 0); err == nil {
			t.Errorf("SteadyState(%+v) gave no error", p)
		}
	}
	if _, err := SteadyState(Classic(), math.NaN()); err == nil {
		t.Error("SteadyState with a NaN current gave no error")
	}
	// A passive cell with no conductance has no fixed point under a current.
	if _, err := SteadyState(Params{Cm: 1}, 1); err == nil {
		t.Error("SteadyState of a cell without conductances gave no error")
	}
}
