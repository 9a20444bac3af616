package reference

import (
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/prior"
)

// distributions returns the distributions of a configuration's priors,
// whose own bijections (prior.Distribution's Unconstrain) make the
// sampler's unconstrained space.
func distributions(specs []neuron.Prior) []prior.Distribution {
	out := make([]prior.Distribution, len(specs))
	for i, p := range specs {
		out[i] = p.Distribution()
	}
	return out
}
