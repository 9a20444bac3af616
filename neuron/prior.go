package neuron

import "github.com/laa-neuro/laa/prior"

// Prior is a one-dimensional prior as a configuration writes it; its
// mathematics live in package prior (one type per family).
type Prior = prior.Spec

// Prior families, as a configuration's dist field writes them.
const (
	DistLogNormal  = prior.FamilyLogNormal
	DistNormal     = prior.FamilyNormal
	DistUniform    = prior.FamilyUniform
	DistLogUniform = prior.FamilyLogUniform
)

// LogNormal returns the prior with log X ~ Normal(log median, sigmaLog^2).
func LogNormal(median, sigmaLog float64) Prior { return prior.NewLogNormal(median, sigmaLog) }

// Normal returns the prior X ~ Normal(mean, sd^2).
func Normal(mean, sd float64) Prior { return prior.NewNormal(mean, sd) }

// Uniform returns the prior X ~ Uniform(low, high).
func Uniform(low, high float64) Prior { return prior.NewUniform(low, high) }

// MaxPriorSigmaLog is the largest sigma_log of a lognormal prior (see
// prior.MaxSigmaLog).
const MaxPriorSigmaLog = prior.MaxSigmaLog
