// Package neuron defines the LAA (Leaky Adaptive Activation) neuron: its
// parameters, priors, stimulus protocols, configuration, a fast batched RK4
// simulator and the random streams that make simulations reproducible.
//
// The model, as docs/model.md defines it:
//
//	C_m dV/dt = -g_L (V - E_L) + G_act * s((V - V_thr) / k) + I_ext(t),  s(x) = 1/(1+exp(-x))
package neuron

import (
	"fmt"
	"math"
)

// Params is one full parameter set of the model, inferred or fixed.
type Params struct {
	Cm       float64 // membrane capacitance, uF/cm2
	GL       float64 // leak conductance, mS/cm2
	EL       float64 // leak reversal (resting) potential, mV
	K        float64 // activation slope factor, mV
	Vthr     float64 // activation threshold, mV
	Gact     float64 // maximal activation current, uA/cm2
	SigmaObs float64 // observation noise sd, mV
}

// Parameter names in canonical order. The first five are always inferred;
// G_act and sigma_obs are inferred only when the configuration gives them a prior.
const (
	NameCm       = "C_m"
	NameGL       = "g_L"
	NameEL       = "E_L"
	NameK        = "k"
	NameVthr     = "V_thr"
	NameGact     = "G_act"
	NameSigmaObs = "sigma_obs"
)

// CanonicalNames lists every parameter name in canonical column order.
var CanonicalNames = []string{NameCm, NameGL, NameEL, NameK, NameVthr, NameGact, NameSigmaObs}

// Units maps a parameter name to its unit.
var Units = map[string]string{
	NameCm: "uF/cm2", NameGL: "mS/cm2", NameEL: "mV", NameK: "mV",
	NameVthr: "mV", NameGact: "uA/cm2", NameSigmaObs: "mV",
}

// field returns a pointer to the named field of p.
func (p *Params) field(name string) (*float64, error) {
	switch name {
	case NameCm:
		return &p.Cm, nil
	case NameGL:
		return &p.GL, nil
	case NameEL:
		return &p.EL, nil
	case NameK:
		return &p.K, nil
	case NameVthr:
		return &p.Vthr, nil
	case NameGact:
		return &p.Gact, nil
	case NameSigmaObs:
		return &p.SigmaObs, nil
	}
	return nil, fmt.Errorf("neuron: unknown parameter %q (known: %v)", name, CanonicalNames)
}

// Get returns the named parameter.
func (p Params) Get(name string) (float64, error) {
	f, err := p.field(name)
	if err != nil {
		return 0, err
	}
	return *f, nil
}

// Set sets the named parameter.
func (p *Params) Set(name string, v float64) error {
	f, err := p.field(name)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Validate reports the first parameter that is not finite or outside its
// physical support (C_m, g_L, k > 0; G_act, sigma_obs >= 0).
func (p Params) Validate() error {
	for _, name := range CanonicalNames {
		v, _ := p.Get(name)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("neuron: parameter %s is %v", name, v)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{NameCm, p.Cm}, {NameGL, p.GL}, {NameK, p.K}} {
		if c.v <= 0 {
			return fmt.Errorf("neuron: parameter %s = %g must be > 0", c.name, c.v)
		}
	}
	if p.Gact < 0 {
		return fmt.Errorf("neuron: parameter %s = %g must be >= 0", NameGact, p.Gact)
	}
	if p.SigmaObs < 0 {
		return fmt.Errorf("neuron: parameter %s = %g must be >= 0", NameSigmaObs, p.SigmaObs)
	}
	return nil
}

// String formats p with names and units.
func (p Params) String() string {
	return fmt.Sprintf("C_m=%.4g uF/cm2, g_L=%.4g mS/cm2, E_L=%.4g mV, k=%.4g mV, V_thr=%.4g mV, G_act=%.4g uA/cm2, sigma_obs=%.4g mV",
		p.Cm, p.GL, p.EL, p.K, p.Vthr, p.Gact, p.SigmaObs)
}
