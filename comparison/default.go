package comparison

import (
	"errors"
	"fmt"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/reference"
)

// RunForReport is Run for the default report: where the exact
// posterior cannot be sampled (intrinsic noise makes the likelihood
// intractable, or sigma_obs is zero) it returns a Result without rows
// whose Absent says why, instead of an error, so that the report says why
// its calibration stands alone.
func RunForReport(m *npe.Model, test *dataset.Set, opt Options) (*Result, error) {
	if reason := ExactUnavailable(m.Experiment); reason != "" {
		return &Result{Names: m.Names, Absent: reason}, nil
	}
	return Run(m, test, opt)
}

// ExactUnavailable returns, in a sentence, why the exact posterior of
// cfg's traces cannot be sampled, or "" when it can.
func ExactUnavailable(cfg neuron.Config) string {
	_, err := reference.NewLogPosterior(cfg, make([]float64, cfg.NumSamples()))
	switch {
	case err == nil:
		return ""
	case errors.Is(err, reference.ErrIntractable):
		return "the model has intrinsic (current) noise, so the likelihood of a trace has no closed form and the exact posterior cannot be sampled by MCMC"
	default:
		return fmt.Sprintf("the exact posterior cannot be sampled by MCMC (%v)", err)
	}
}
