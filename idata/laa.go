package idata

import (
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/reference"
)

// Routes, the root attribute "route": how the posterior draws were obtained.
const (
	RouteAmortized  = "amortized"  // the neural posterior's draws
	RouteImportance = "importance" // resampled from Pareto-smoothed importance weights
	RouteMCMC       = "mcmc"       // the chains of the likelihood-based MCMC sampler
)

// routes maps package exact's routes to the attribute's values.
var routes = map[exact.Route]string{exact.Amortized: RouteAmortized, exact.Importance: RouteImportance, exact.MCMC: RouteMCMC}

// FromReference returns the chains of an MCMC run, kept apart, with its
// acceptance rate in sample_stats and the route "mcmc".
func FromReference(names, units []string, r *reference.Result) *Data {
	return &Data{Names: names, Units: units, Chains: r.Chains, Stats: []Stat{acceptance(r)},
		Attrs: map[string]string{"route": RouteMCMC}}
}

// FromPosterior returns a posterior of package exact with its route (and
// the reason for it) in the attributes:
//
//   - amortized and importance: the draws as one chain; on the importance
//     route sample_stats holds the Pareto-smoothed log weights of all
//     proposals (dimension "proposal"; the draws were resampled from them),
//     pareto_k, its threshold and the weights' effective sample size.
//   - mcmc: the MCMC run's chains, kept apart (the draws laa reports were
//     subsampled from them), its acceptance rate, and the diagnosis of the
//     importance weights that sent the posterior to MCMC.
func FromPosterior(names, units []string, r *exact.Result) *Data {
	d := &Data{Names: names, Units: units, Chains: [][][]float64{r.Draws},
		Attrs: map[string]string{"route": routes[r.Route], "route_reason": r.Reason}}
	if r.Route == exact.MCMC && r.Reference != nil {
		d.Chains = r.Reference.Chains
		d.Stats = append(d.Stats, acceptance(r.Reference))
	}
	if p := r.PSIS; p != nil {
		d.Stats = append(d.Stats,
			Stat{Name: "log_weight", Dims: []string{"proposal"}, Values: p.LogWeights,
				Description: "Pareto-smoothed log importance weight of every proposal, normalized so that the weights sum to 1"},
			Stat{Name: "pareto_k", Values: []float64{p.KHat}, Description: "Pareto k-hat of the importance weights"},
			Stat{Name: "pareto_k_threshold", Values: []float64{p.Threshold}, Description: "k-hat above which the importance weights are unreliable, min(1 - 1/log10 S, 0.7)"},
			Stat{Name: "importance_ess", Values: []float64{p.ESS}, Description: "effective sample size of the smoothed weights, 1 / sum w^2"})
	}
	return d
}

// acceptance is the acceptance rate of an MCMC run as a scalar statistic.
func acceptance(r *reference.Result) Stat {
	return Stat{Name: "acceptance_rate", Values: []float64{r.AcceptRate}, Description: "acceptance rate of all chains after burn-in"}
}

// ObservedOf returns the observation values of a model of kind kind that
// declares o. recorded, if not nil, is the stimulus recorded with it; else
// the stimulus is o.Input, the protocol the model assumes. The LAA
// neuron's variables are voltage and current, other models' y and input.
func ObservedOf(kind string, o model.Observation, values, recorded []float64) *Observed {
	obs := &Observed{Name: "y", Unit: o.Unit, Values: values, InputName: "input", InputUnit: o.InputUnit}
	if kind == neuron.Kind {
		obs.Name, obs.InputName = "voltage", "current"
	}
	if o.Series {
		obs.StepMs = o.StepMs
	}
	switch {
	case recorded != nil:
		obs.Input, obs.InputNote = recorded, "recorded with the observation"
	case o.Input != nil:
		obs.Input, obs.InputNote = o.Input, "the protocol the model assumes (none was recorded)"
	}
	return obs
}
