package hh

import (
	"math"
	"testing"
)

// Tolerances of the rate function tests.
const (
	rateRelTol = 1e-14 // against the plain formula where it has no cancellation
	limitTol   = 1e-15 // against the Taylor expansion at the singular points
	jumpTol    = 1e-14 // across exprel's switch to its series
)

// TestRatesMatchFormula compares alpha_m and alpha_n with their textbook
// formulas far from the singular points, where those are accurate.
func TestRatesMatchFormula(t *testing.T) {
	t.Parallel()
	for _, v := range []float64{-100, -80, -65, -50, -30, 0, 40} {
		am := 0.1 * (v + 40) / (1 - math.Exp(-(v+40)/10))
		an := 0.01 * (v + 55) / (1 - math.Exp(-(v+55)/10))
		if got := alphaM(v); math.Abs(got-am) > rateRelTol*am {
			t.Errorf("alpha_m(%g) = %.17g, formula %.17g", v, got, am)
		}
		if got := alphaN(v); math.Abs(got-an) > rateRelTol*an {
			t.Errorf("alpha_n(%g) = %.17g, formula %.17g", v, got, an)
		}
	}
}

// TestRatesContinuousAtSingularities checks alpha_m and alpha_n at and near
// -40 and -55 mV against their Taylor expansions a (1 + u/2 + u^2/12 - u^4/720),
// u = (V - V0)/10, whose limit at V0 is a (1 at -40 mV for alpha_m, 0.1 at
// -55 mV for alpha_n).
func TestRatesContinuousAtSingularities(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		f     func(float64) float64
		v0, a float64
	}{{"alpha_m", alphaM, -40, 1}, {"alpha_n", alphaN, -55, 0.1}}
	for _, c := range cases {
		if got := c.f(c.v0); got != c.a {
			t.Errorf("%s(%g) = %v, want the limit %v", c.name, c.v0, got, c.a)
		}
		for _, d := range []float64{1e-12, 1e-9, 1e-6, 1e-4, 1e-3, 2e-3, 1e-2} {
			for _, dv := range []float64{-d, d} {
				u := dv / 10
				want := c.a * (1 + u/2 + u*u/12 - u*u*u*u/720)
				if got := c.f(c.v0 + dv); math.Abs(got-want) > limitTol*c.a {
					t.Errorf("%s(%g%+g) = %.17g, Taylor %.17g", c.name, c.v0, dv, got, want)
				}
			}
		}
		// Either side of the switch to the series (|u| = exprelSeries), the
		// change over 2 delta must be the slope a/20 times 2 delta.
		const delta = 1e-9
		for _, s := range []float64{-1, 1} {
			edge := c.v0 + s*10*exprelSeries
			lo, hi := c.f(edge-delta), c.f(edge+delta)
			if math.Abs(hi-lo-c.a/20*2*delta) > jumpTol*c.a {
				t.Errorf("%s jumps by %g at the series switch %g mV", c.name, hi-lo, edge)
			}
		}
	}
}

// TestGatesInRange checks that the steady-state gates lie in (0, 1) and are
// monotone as in the textbook: m and n rise with V, h falls.
func TestGatesInRange(t *testing.T) {
	t.Parallel()
	pm, ph, pn := gates(-120)
	for v := -119.5; v <= 60; v += 0.5 {
		m, h, n := gates(v)
		for _, x := range []float64{m, h, n} {
			if !(x > 0 && x < 1) {
				t.Fatalf("gates(%g) = %g, %g, %g, want in (0, 1)", v, m, h, n)
			}
		}
		if m <= pm || h >= ph || n <= pn {
			t.Fatalf("gates not monotone at %g mV", v)
		}
		pm, ph, pn = m, h, n
	}
}
