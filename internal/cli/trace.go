package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/workflow"
)

// recordingFlags are the options for reading recordings (CSV/TSV or NWB).
type recordingFlags struct {
	opt     recording.Options
	startMs float64
	filter  string
}

func (r *recordingFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&r.opt.TimeUnit, "time-unit", "", "unit of the time column when its header gives none: s or ms")
	f.StringVar(&r.opt.VoltageUnit, "voltage-unit", "", "unit of the voltage column when its header gives none: V or mV")
	f.StringVar(&r.opt.CurrentUnit, "current-unit", "", "unit of the current column when its header gives none: A, nA, pA or uA_per_cm2")
	f.Float64Var(&r.opt.Membrane.AreaCm2, "area-cm2", 0, "membrane area (cm2), to turn an absolute current into uA/cm2")
	f.Float64Var(&r.opt.Membrane.CapacitancePF, "capacitance-pf", 0, "whole-cell capacitance (pF): estimates the area at 1 uF/cm2 when --area-cm2 is not given")
	f.StringVar(&r.opt.Sweep, "sweep", "", "NWB sweep (name or sweep number) when the file holds several")
	f.Float64Var(&r.startMs, "start-ms", 0, "where the model's window starts in the recording (ms from its first sample)")
	f.StringVar(&r.filter, "filter", "sinc", "anti-aliasing filter for resampling: sinc, boxcar (better for spikes) or none")
}

// recordingFilter parses --filter.
func (r recordingFlags) recordingFilter() (recording.Filter, error) {
	switch r.filter {
	case "sinc", "":
		return recording.FilterSinc, nil
	case "boxcar":
		return recording.FilterBoxcar, nil
	case "none":
		return recording.FilterNone, nil
	}
	return 0, fmt.Errorf("--filter %q: want sinc, boxcar or none", r.filter)
}

// prepare reads a recording and puts it on the experiment's grid, as the
// workflow does.
func (r recordingFlags) prepare(path string, cfg neuron.Config) (recording.Recording, recording.Prepared, error) {
	files, err := r.files([]string{path})
	if err != nil {
		return recording.Recording{}, recording.Prepared{}, err
	}
	return files[0].Prepare(cfg)
}

// files returns the recordings at paths as the workflow reads them, with
// these flags' units, sweep, start and filter.
func (r recordingFlags) files(paths []string) ([]workflow.RecordingFile, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	filter, err := r.recordingFilter()
	if err != nil {
		return nil, err
	}
	files := make([]workflow.RecordingFile, len(paths))
	for i, p := range paths {
		files[i] = workflow.RecordingFile{Path: p, Read: r.opt, StartMs: r.startMs, Filter: filter}
	}
	return files, nil
}

// readObserved reads a recording for a model; its output name is made
// safe (safeName) but not yet distinct from others' (distinctNames).
func readObserved(path string, cfg neuron.Config, r recordingFlags) (observed, error) {
	_, p, err := r.prepare(path, cfg)
	if err != nil {
		return observed{}, err
	}
	raw := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if p.Sweep != "" {
		raw += "_" + p.Sweep
	}
	warnings := p.Warnings
	if w := trust.NoiseMismatch(cfg, p); w != "" {
		warnings = append(warnings, w)
	}
	return observed{Trace: workflow.Trace{Name: traceName(path, p.Sweep), Source: path, Voltage: p.VoltageMV, Current: p.Current, Assumed: p.CurrentAssumed, Warnings: warnings},
		raw: raw}, nil
}
