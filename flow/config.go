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
	DefaultCoupling      = CouplingAffine
	DefaultBins          = 8
	// DefaultBound is the spline interval [-5, 5]. ActNorm before each
	// coupling keeps its inputs near zero mean and unit variance, but
	// outside [-B, B] every spline is the identity, so the base mass beyond
	// +-B, 2 Phi(-B) per dimension, lands in a region that does not depend
	// on the context: for posteriors much narrower than the prior, as laa's
	// are, those draws are outliers. sbi's B = 3 leaves 0.27 % of the draws
	// there per dimension and inflated the sd of the conjugate test's
	// posterior by 0.054 (B = 4 and 5: 0.02, within Monte Carlo noise of the
	// affine flow's 0.03); B = 5 leaves 6e-7, and adaptive bin widths keep
	// the resolution where the mass is.
	DefaultBound = 5.0
)

// Coupling kinds for Config.Coupling.
const (
	// CouplingAffine is the affine coupling y = x exp(s) + t.
	CouplingAffine = "affine"
	// CouplingSpline is the rational-quadratic spline coupling of Durkan et
	// al. (2019), the identity outside [-Bound, Bound].
	CouplingSpline = "spline"
)

// Limits on the spline's shape.
const (
	maxBins  = 64
	maxBound = 100.0
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
	// ActNorm followed by a coupling layer; a fixed random permutation sits
	// between consecutive blocks.
	Layers int
	// Hidden is the width of each conditioner's hidden layers (default 128).
	Hidden int
	// HiddenLayers is the number of hidden layers per conditioner (default 2).
	HiddenLayers int
	// Activation is the conditioners' hidden activation: "relu" (default),
	// "tanh" or "softplus".
	Activation string
	// ClampLogScale bounds each affine coupling's log-scale:
	// s = c tanh(raw/c) (default 2).
	ClampLogScale float64
	// Coupling is the kind of coupling layer: "affine" (the default) or
	// "spline" (rational-quadratic splines).
	Coupling string
	// Bins is the number of spline bins K (default 8, at most 64); each
	// spline coupling's conditioner has 3K-1 outputs per transformed
	// dimension.
	Bins int
	// Bound is the half-width B of the interval [-B, B] on which a spline
	// acts (default 5); outside it the coupling is the identity.
	Bound float64
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
	if cfg.Coupling == "" {
		cfg.Coupling = DefaultCoupling
	}
	if cfg.Bins == 0 {
		cfg.Bins = DefaultBins
	}
	if cfg.Bound == 0 {
		cfg.Bound = DefaultBound
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
	case cfg.Bins < 2 || cfg.Bins > maxBins:
		return cfg, fmt.Errorf("flow: %d spline bins, need 2 to %d", cfg.Bins, maxBins)
	case !(cfg.Bound > 0) || cfg.Bound > maxBound:
		return cfg, fmt.Errorf("flow: spline bound %v outside (0, %v]", cfg.Bound, maxBound)
	}
	switch cfg.Coupling {
	case CouplingAffine, CouplingSpline:
	default:
		return cfg, fmt.Errorf("flow: unknown coupling %q (want %q or %q)", cfg.Coupling, CouplingAffine, CouplingSpline)
	}
	switch cfg.Activation {
	case "relu", "tanh", "softplus":
	default:
		return cfg, fmt.Errorf("flow: unknown activation %q", cfg.Activation)
	}
	return cfg, nil
}
