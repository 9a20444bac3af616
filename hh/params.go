// Package hh simulates the Hodgkin-Huxley (1952) squid-axon model, a
// conductance-based neuron, under the same stimulus protocols as package
// neuron. Its traces are biologically plausible test data for LAA inference:
// they come from a different, richer model, so fitting LAA to them shows what
// the posterior, the posterior predictive check and the typicality check say
// about data the LAA model did not generate.
//
// The model, in the modern sign convention (V in mV, t in ms, rest near -65 mV):
//
//	C_m dV/dt = -g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L) + I_ext(t)
//	dx/dt     = alpha_x(V) (1 - x) - beta_x(V) x,  x in {m, h, n}
//
// with the standard rate functions at 6.3 °C (listed in rates.go). Everything is per
// cm2: C_m in uF/cm2, conductances in mS/cm2, currents in uA/cm2, the units of
// package neuron.
package hh

import (
	"fmt"
	"math"
)

// Params are the membrane parameters of the Hodgkin-Huxley model. The values
// of Classic are those of Hodgkin and Huxley (1952), shifted so that rest is
// near -65 mV.
type Params struct {
	Cm  float64 // membrane capacitance, uF/cm2 (classic 1)
	GNa float64 // maximal sodium conductance, mS/cm2 (classic 120)
	GK  float64 // maximal delayed-rectifier potassium conductance, mS/cm2 (classic 36)
	GL  float64 // leak conductance, mS/cm2 (classic 0.3)
	ENa float64 // sodium reversal potential, mV (classic 50)
	EK  float64 // potassium reversal potential, mV (classic -77)
	EL  float64 // leak reversal potential, mV (classic -54.387)
}

// Classic returns the parameters of Hodgkin and Huxley (1952) in the modern
// convention: C_m = 1, g_Na = 120, g_K = 36, g_L = 0.3, E_Na = 50, E_K = -77,
// E_L = -54.387. Rest is -65.0 mV. A step from rest fires one spike from
// about 2.3 uA/cm2 and fires repetitively from about 6.3 uA/cm2 (68 Hz at
// 10 uA/cm2), so the default staircase (at most 1.5 uA/cm2) gives only small
// damped oscillations; scaled by 4 or more (Settings.StimulusScale) it spikes.
func Classic() Params {
	return Params{Cm: 1, GNa: 120, GK: 36, GL: 0.3, ENa: 50, EK: -77, EL: -54.387}
}

// Subthreshold returns a non-spiking variant: the classic channels at a
// lower density, as in a small, weakly excitable cell. g_K = 1.8 and
// g_L = 0.015 are the classic values divided by 20, g_Na = 3 the classic
// value divided by 40; E_L = -52.368 puts rest at -65.0 mV. Its input
// conductance at rest (about 0.07 mS/cm2) and membrane time constant (about
// 7 ms) lie in the range of LAA's default priors: the default staircase
// depolarizes it by about 4.8, 7.5 and 9.5 mV, with a slight sag as the
// potassium current activates. Its highest potential under the default
// staircase is about -54.7 mV, and it does not spike even with the staircase
// scaled by 4 (highest -43.7 mV).
func Subthreshold() Params {
	return Params{Cm: 1, GNa: 3, GK: 1.8, GL: 0.015, ENa: 50, EK: -77, EL: -52.368}
}

// Validate reports the first parameter that is not usable: a non-positive
// capacitance, a negative conductance or a non-finite value.
func (p Params) Validate() error {
	fields := []struct {
		name string
		v    float64
	}{{"C_m", p.Cm}, {"g_Na", p.GNa}, {"g_K", p.GK}, {"g_L", p.GL}, {"E_Na", p.ENa}, {"E_K", p.EK}, {"E_L", p.EL}}
	for _, f := range fields {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("hh: %s is %v, want a finite value", f.name, f.v)
		}
	}
	if p.Cm <= 0 {
		return fmt.Errorf("hh: C_m = %g, want > 0", p.Cm)
	}
	for _, f := range fields[1:4] {
		if f.v < 0 {
			return fmt.Errorf("hh: %s = %g, want >= 0", f.name, f.v)
		}
	}
	return nil
}
