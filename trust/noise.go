package trust

import (
	"fmt"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
)

// NoiseMismatchRatio is how far (as a ratio, either way) a recording's
// baseline noise may lie from the model's observation noise before
// NoiseMismatch warns.
const NoiseMismatchRatio = 1.5

// NoiseMismatch compares the observation noise of exp (sigma_obs, when it
// is fixed rather than inferred) with the noise of p's baseline
// (recording.EstimateNoise) and returns a warning when they differ by more
// than NoiseMismatchRatio, or "" (also when the baseline is too short to
// tell). A model that assumes more noise than the recording has gives a
// posterior wider than the data justify; one that assumes less, a posterior
// too narrow.
func NoiseMismatch(exp neuron.Config, p recording.Prepared) string {
	if exp.Priors.SigmaObs != nil {
		return "" // inferred: the posterior says what the noise is
	}
	est, err := recording.EstimateNoise(p)
	if err != nil || !(est.SD > 0) || !(exp.SigmaObs > 0) {
		return ""
	}
	ratio := exp.SigmaObs / est.SD
	switch {
	case ratio > NoiseMismatchRatio:
		return fmt.Sprintf("observation noise: the recording's baseline has about %.2g mV of noise on the model's grid, the model assumes %.3g mV (%.2g times more): the posterior is wider than the data justify; laa fit sets the model's noise from the recording",
			est.SD, exp.SigmaObs, ratio)
	case ratio < 1/NoiseMismatchRatio:
		return fmt.Sprintf("observation noise: the recording's baseline has about %.2g mV of noise on the model's grid, the model assumes %.3g mV (%.2g times less): the posterior is narrower than the data justify; laa fit sets the model's noise from the recording",
			est.SD, exp.SigmaObs, 1/ratio)
	}
	return ""
}
