package flow

import (
	"errors"
	"fmt"
)

// Default settings used where a Config field is zero.
const (
	DefaultLayers        = 6
	DefaultHidden        = 128
	DefaultHiddenLayers  = 2
	DefaultActivation    = "relu"
	DefaultClampLogScale = 2.0
)

// Config sets the shape of a Flow. Dim and ContextDim are required; every
// other zero field means its default.
type Config struct {
	// Dim is the dimension D of theta (at least 2).
	Dim int
	// ContextDim is the dimension C of the conditioning vector (0 for an
	// unconditional flow).
	ContextDim int
	// Layers is the number of coupling blocks (default 6). Each block is an
	// ActNorm followed by an affine coupling; a fixed random permutation sits
	// between consecutive blocks.
	Layers int
	// Hidden is the width of each conditioner's hidden layers (default 128).
	Hidden int
	// HiddenLayers is the number of hidden layers per conditioner (default 2).
	HiddenLayers int
	// Activation is the conditioners' hidden activation: "relu" (default),
	// "tanh" or "softplus".
	Activation string
	// ClampLogScale bounds each coupling's log-scale: s = c tanh(raw/c)
	// (default 2).
	ClampLogScale float64
}

// withDefaults returns cfg with zero fields replaced by defaults, or an error
// for settings no flow can have.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Layers == 0 {
		cfg.Layers = DefaultLayers
	}
	if cfg.Hidden == 0 {
		cfg.Hidden = DefaultHidden
	}
	if cfg.HiddenLayers == 0 {
		cfg.HiddenLayers = DefaultHiddenLayers
	}
	if cfg.Activation == "" {
		cfg.Activation = DefaultActivation
	}
	if cfg.ClampLogScale == 0 {
		cfg.ClampLogScale = DefaultClampLogScale
	}
	switch {
	case cfg.Dim < 2:
		return cfg, fmt.Errorf("flow: dimension %d, need at least 2", cfg.Dim)
	case cfg.ContextDim < 0:
		return cfg, fmt.Errorf("flow: negative context dimension %d", cfg.ContextDim)
	case cfg.Layers < 0 || cfg.Hidden < 0 || cfg.HiddenLayers < 0:
		return cfg, errors.New("flow: negative layer count or width")
	case !(cfg.ClampLogScale > 0) || cfg.ClampLogScale > 20:
		return cfg, fmt.Errorf("flow: log-scale clamp %v outside (0, 20]", cfg.ClampLogScale)
	}
	switch cfg.Activation {
	case "relu", "tanh", "softplus":
	default:
		return cfg, fmt.Errorf("flow: unknown activation %q", cfg.Activation)
	}
	return cfg, nil
}
