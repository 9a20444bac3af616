package neuron

import (
	"fmt"

	"github.com/laa-neuro/laa/prior"
)

// CheckWidenFactor is prior.CheckWidenFactor, its error prefixed
// "neuron: ".
func CheckWidenFactor(factor float64) error {
	if err := prior.CheckWidenFactor(factor); err != nil {
		return fmt.Errorf("neuron: %w", err)
	}
	return nil
}

// WidenPriors returns cfg with every prior widened by factor (Prior.Widen)
// about its centre. A widened uniform prior is clipped to its parameter's
// support: G_act and sigma_obs stay at or above 0; C_m, g_L and k must stay
// above 0, so a uniform lower bound that would reach 0 becomes the old
// bound divided by factor. The priors are copies: cfg's are not changed.
// A factor below 1 or not finite (CheckWidenFactor) returns cfg unchanged.
func WidenPriors(cfg Config, factor float64) Config {
	if CheckWidenFactor(factor) != nil {
		return cfg
	}
	for _, name := range CanonicalNames {
		ptr := cfg.Priors.field(name)
		if *ptr == nil {
			continue
		}
		old := **ptr
		w := old.Widen(factor)
		if w.Dist == DistUniform {
			switch name {
			case NameCm, NameGL, NameK:
				if w.Low <= 0 && old.Low > 0 {
					w.Low = old.Low / factor
				}
			case NameGact, NameSigmaObs:
				if w.Low < 0 && old.Low >= 0 {
					w.Low = 0
				}
			}
		}
		*ptr = &w
	}
	return cfg
}

// field returns the address of the named parameter's prior pointer, or of
// a throwaway nil pointer for an unknown name.
func (p *Priors) field(name string) **Prior {
	switch name {
	case NameCm:
		return &p.Cm
	case NameGL:
		return &p.GL
	case NameEL:
		return &p.EL
	case NameK:
		return &p.K
	case NameVthr:
		return &p.Vthr
	case NameGact:
		return &p.Gact
	case NameSigmaObs:
		return &p.SigmaObs
	}
	var none *Prior
	return &none
}
