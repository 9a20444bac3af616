// Package trust decides whether a posterior inferred from a recording can
// be read as the model's: it fits a recording (the amortized posterior,
// corrected to the exact one where the likelihood is tractable, a
// posterior predictive check and a typicality test) and applies the trust
// rule, and it checks observed data against the priors before and after
// inference (prior-data conflict, posterior medians far outside the prior,
// a noise level unlike the model's).
package trust

import (
	"fmt"
	"math/rand/v2"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/validation"
)

// Result is the fit of one recording: its posterior (corrected
// to the exact one where the likelihood is tractable), a posterior
// predictive check and a typicality test.
type Result struct {
	Name     string              `json:"name"`
	Source   string              `json:"source"`
	Raw      recording.Recording `json:"-"`
	Prepared recording.Prepared  `json:"-"`
	// Draws and Summary are the posterior the page reads: the corrected
	// one unless Correction's route is amortized.
	Draws   [][]float64        `json:"-"`
	Summary []diagnose.Summary `json:"summary"`
	// Amortized and AmortizedSummary are the neural posterior's draws
	// (Leakage is theirs), shown beside the corrected posterior.
	Amortized        [][]float64        `json:"-"`
	AmortizedSummary []diagnose.Summary `json:"amortized_summary"`
	// Correction is the route the posterior took (package exact): its
	// reason, k-hat, ESS, time and warnings.
	Correction *exact.Result       `json:"posterior"`
	Leakage    float64             `json:"leakage"`
	PPC        diagnose.PPC        `json:"ppc"`
	Typicality diagnose.Typicality `json:"typicality"`
	SameProto  bool                `json:"same_protocol"`
	ProtoDiff  float64             `json:"protocol_max_diff"` // uA/cm2
	// PriorZ is, per parameter, the posterior median's distance from the
	// prior's centre in prior sds, in the flow's coordinates (PriorZ).
	PriorZ     []float64      `json:"prior_z"`
	FarOutside []string       `json:"far_outside_prior,omitempty"` // one sentence per parameter beyond FarOutsidePriorSDs
	Priors     []neuron.Prior `json:"-"`
	Warnings   []string       `json:"warnings,omitempty"`
	// Trustworthy holds when the trace is typical of the training
	// simulations, was recorded under the trained protocol, its posterior
	// predictive coverage is close to nominal (PredictiveCoverage) and no
	// posterior median is far outside the prior; Untrustworthy says which
	// of these failed.
	Trustworthy   bool     `json:"trustworthy"`
	Untrustworthy []string `json:"untrustworthy_because,omitempty"`
}

// ProtocolTolerance is how far (uA/cm2) a recording's current may differ
// from the trained stimulus and still count as the same protocol.
const ProtocolTolerance = 0.02

// Assess fits a prepared recording: the amortized posterior,
// corrected to the exact one where the likelihood is tractable (package
// exact; a correction that fails is a warning, never an error), a
// posterior predictive check of the corrected posterior and a typicality
// test of the trace against ref.
func Assess(m *npe.Model, ref *diagnose.Reference, name string, raw recording.Recording, p recording.Prepared, opt Options) (Result, error) {
	opt = opt.withDefaults()
	r := Result{Name: name, Source: raw.Source, Raw: raw, Prepared: p, Warnings: append([]string(nil), p.Warnings...)}
	if w := NoiseMismatch(m.Experiment, p); w != "" {
		r.Warnings = append(r.Warnings, w)
	}
	o, err := m.Observe(p.VoltageMV)
	if err != nil {
		return r, fmt.Errorf("trust: recording %s: %w", name, err)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x726563))
	posts, err := m.Sample([]npe.Observation{o}, opt.Draws, rng)
	if err != nil {
		return r, err
	}
	r.Amortized, r.Leakage = posts[0].Draws, posts[0].Leakage()
	if r.AmortizedSummary, err = diagnose.Summarize(r.Amortized, 0.9); err != nil {
		return r, err
	}
	var warn []string
	r.Correction, warn = correct(m, p.VoltageMV, r.Amortized, opt)
	r.Warnings = append(r.Warnings, warn...)
	r.Draws = r.Correction.Draws
	if r.Summary, err = diagnose.Summarize(r.Draws, 0.9); err != nil {
		return r, err
	}
	_, r.Priors = m.Experiment.Inferred()
	medians := make([]float64, len(r.Summary))
	for j, sm := range r.Summary {
		medians[j] = sm.Median
	}
	r.PriorZ = PriorZ(r.Priors, medians)
	r.FarOutside = farOutside(m.Names, r.Priors, r.Summary, r.PriorZ)
	// Every conflict with the prior is a warning (PosteriorConflict); the
	// ones far outside it (FarOutside, the same sentences) fail the trust rule.
	r.Warnings = append(r.Warnings, PosteriorConflict(m.Names, r.Priors, r.Draws)...)
	if r.PPC, err = validation.Predictive(m.Experiment, p.VoltageMV, r.Draws, opt.PPCDraws, rng.Uint64()); err != nil {
		// The page still shows the posterior and the typicality verdict.
		r.Warnings = append(r.Warnings, fmt.Sprintf("no posterior predictive check: %v (the posterior is far outside anything simulated)", err))
	} else if r.PPC.Warning != "" {
		r.Warnings = append(r.Warnings, "posterior predictive check: "+r.PPC.Warning)
	}
	if r.Typicality, err = validation.Check(m, ref, p.VoltageMV); err != nil {
		return r, err
	}
	sim, err := neuron.NewSimulator(m.Experiment)
	if err != nil {
		return r, err
	}
	r.SameProto, r.ProtoDiff = recording.SameProtocol(p.Current, sim.StimulusAtSamples(), ProtocolTolerance)
	if !r.SameProto {
		r.Warnings = append(r.Warnings, fmt.Sprintf("the recording's stimulus differs from the trained protocol by up to %.3g uA/cm2; simulate and train for it with laa simulate --stimulus-from", r.ProtoDiff))
	}
	if r.Typicality.Warning != "" {
		r.Warnings = append(r.Warnings, "typicality: "+r.Typicality.Warning)
	}
	r.Untrustworthy = r.trustRule()
	r.Trustworthy = len(r.Untrustworthy) == 0
	return r, nil
}

// trustRule returns the reasons a recording's posterior cannot be read as
// the model's, none when it can.
func (r Result) trustRule() []string {
	var why []string
	if r.Typicality.Warning != "" {
		why = append(why, fmt.Sprintf("atypical of the training simulations (typicality p = %.3g)", r.Typicality.PValue))
	}
	if !r.SameProto {
		why = append(why, "recorded under another protocol than the trained one")
	}
	if len(r.PPC.Q50) == 0 {
		reason := "no posterior predictive check could be made"
		if r.PPC.Draws > 0 {
			reason = fmt.Sprintf("no posterior predictive check: %d of %d simulations from the posterior failed or left the physical range [%v, %v] mV", r.PPC.Excluded, r.PPC.Draws, validation.MinPhysicalMV, validation.MaxPhysicalMV)
		}
		why = append(why, reason)
	} else {
		for _, f := range PredictiveCoverage(r.PPC) {
			why = append(why, "posterior predictive coverage off nominal: "+f)
		}
	}
	if len(r.FarOutside) > 0 {
		why = append(why, fmt.Sprintf("the posterior of %d parameter(s) lies far outside the prior", len(r.FarOutside)))
	}
	return why
}
