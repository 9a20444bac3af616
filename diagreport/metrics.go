package diagreport

import (
	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// metrics is the layout of metrics.json: the assessment's numbers
// (validation.Result's JSON fields, in their order) with the recordings
// and the comparison among them, the run's warnings after the
// assessment's, and the laa version that wrote the report. Files written
// before the split of package validation have this layout, so the field
// order is part of the format; TestWriteReport checks
// that every field of validation.Result is here.
type metrics struct {
	Names           []string                 `json:"param_names"`
	Sims            int                      `json:"sims"`
	Draws           int                      `json:"draws_per_sim"`
	Params          []validation.ParamResult `json:"params"`
	Leakage         float64                  `json:"leakage"`
	MillisPer       float64                  `json:"ms_per_posterior"`
	Example         validation.Example       `json:"example"`
	Typicality      []validation.Case        `json:"typicality"`
	TARP            diagnose.TARPResult      `json:"tarp"`
	JointCalibrated bool                     `json:"joint_calibrated"`
	Recordings      []trust.Result           `json:"recordings,omitempty"`
	Comparison      *comparison.Result       `json:"comparison,omitempty"`
	Tolerance       float64                  `json:"calibration_tolerance"`
	Calibrated      bool                     `json:"calibrated"`
	Warnings        []string                 `json:"warnings,omitempty"`
	Skipped         []string                 `json:"skipped,omitempty"`
	Version         string                   `json:"laa_version,omitempty"`
}

// newMetrics lays out in's numbers for metrics.json, written by laa
// version.
func newMetrics(in Results, version string) *metrics {
	a := in.Assessment
	return &metrics{Names: a.Names, Sims: a.Sims, Draws: a.Draws, Params: a.Params, Leakage: a.Leakage, MillisPer: a.MillisPer,
		Example: a.Example, Typicality: a.Typicality, TARP: a.TARP, JointCalibrated: a.JointCalibrated,
		Recordings: in.Recordings, Comparison: in.Comparison, Tolerance: a.Tolerance, Calibrated: a.Calibrated,
		Warnings: in.warnings(), Skipped: a.Skipped, Version: version}
}
