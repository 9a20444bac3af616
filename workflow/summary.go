package workflow

import (
	"math"

	"github.com/laa-neuro/laa/exact"
)

// Summary is one trace's posterior in machine-readable form: what
// `laa infer --json` prints for each trace and what the HTTP API (package
// serve) answers. Numbers that are not finite are null.
type Summary struct {
	Trace   string         `json:"trace"`           // the trace's name
	Source  string         `json:"source"`          // where it came from (its file)
	Sweep   string         `json:"sweep,omitempty"` // its NWB sweep
	Draws   int            `json:"draws"`           // posterior draws
	Seed    uint64         `json:"seed"`            // the seed every draw flowed from
	Params  []ParamSummary `json:"params"`
	Leakage float64        `json:"leakage"` // fraction of the amortized draws rejected outside the prior's support
	// Typicality is the trace's test against fresh simulations of the model.
	Typicality TypicalitySummary `json:"typicality"`
	// Posterior is the route the draws took (amortized, importance
	// sampling or MCMC), why, and its k-hat and ESS.
	Posterior *exact.Result `json:"posterior"`
	Warnings  []string      `json:"warnings"`
}

// ParamSummary summarizes one parameter's posterior draws.
type ParamSummary struct {
	Name   string   `json:"name"`
	Unit   string   `json:"unit"`
	Mean   *float64 `json:"mean"`
	SD     *float64 `json:"sd"`
	Median *float64 `json:"median"`
	Level  float64  `json:"level"` // of the central interval [Lower, Upper]
	Lower  *float64 `json:"lower"`
	Upper  *float64 `json:"upper"`
}

// TypicalitySummary is the typicality test's verdict: the MMD test's
// p-value (null when not tested), the level it is judged at, and the
// warning when the trace is atypical or was not tested.
type TypicalitySummary struct {
	PValue  *float64 `json:"p_value"`
	Alpha   float64  `json:"alpha"`
	Typical bool     `json:"typical"` // tested and p >= alpha
	Warning string   `json:"warning,omitempty"`
}

// InferenceSummary is the machine-readable summary of one Infer call:
// what `laa infer --json` prints.
type InferenceSummary struct {
	Draws   int       `json:"draws"`   // per trace
	Seconds float64   `json:"seconds"` // wall time of the amortized draws (batched)
	Traces  []Summary `json:"traces"`
}

// Summary returns the summary of all traces, drawn from seed.
func (r *Inferences) Summary(seed uint64) InferenceSummary {
	out := InferenceSummary{Draws: r.Draws, Seconds: r.Seconds, Traces: make([]Summary, len(r.Traces))}
	for i := range r.Traces {
		out.Traces[i] = r.TraceSummary(i, seed)
	}
	return out
}

// TraceSummary returns the summary of trace i, drawn from seed.
func (r *Inferences) TraceSummary(i int, seed uint64) Summary {
	t := r.Traces[i]
	s := Summary{Trace: t.Trace.Name, Source: t.Trace.Source, Sweep: t.Trace.Sweep, Draws: r.Draws, Seed: seed,
		Leakage: t.Amortized.Leakage(), Posterior: t.Posterior, Warnings: t.Warnings}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	for j, p := range t.Summary {
		s.Params = append(s.Params, ParamSummary{Name: r.Names[j], Unit: r.Units[j], Mean: finite(p.Mean), SD: finite(p.SD),
			Median: finite(p.Median), Level: p.Level, Lower: finite(p.Lower), Upper: finite(p.Upper)})
	}
	ty := t.Typicality
	s.Typicality = TypicalitySummary{PValue: finite(ty.PValue), Alpha: ty.Alpha, Warning: ty.Warning}
	s.Typicality.Typical = s.Typicality.PValue != nil && ty.PValue >= ty.Alpha
	return s
}

// finite returns a pointer to v, or nil when v is NaN or infinite (JSON
// null).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
