package workflow

import (
	"fmt"
	"path/filepath"

	"github.com/laa-neuro/laa/hh"
	"github.com/laa-neuro/laa/neuron"
)

// CellFiles are the names WriteTestCells gives its recordings in their
// folder.
var CellFiles = []string{"hh_subthreshold.csv", "hh_spiking.csv"}

// WriteTestCells writes two biologically plausible test recordings into
// dir as CSV files (CellFiles) and returns their paths: a subthreshold
// Hodgkin-Huxley cell under cfg's protocol, which the LAA model explains,
// and a classic one under the protocol scaled 10-fold, where it spikes
// and the model should be flagged. Both carry cfg's observation noise,
// drawn from seed.
func WriteTestCells(dir string, cfg neuron.Config, seed uint64) ([]string, error) {
	cur, err := cfg.Stimulus.Compile()
	if err != nil {
		return nil, fmt.Errorf("workflow: test cells: %w", err)
	}
	var paths []string
	for i, c := range []struct {
		p     hh.Params
		scale float64
	}{{hh.Subthreshold(), 1}, {hh.Classic(), 10}} {
		tr, err := hh.Simulate(c.p, cur, hh.Settings{RecordStepMs: cfg.RecordStepMs, NumSamples: cfg.NumSamples(),
			StimulusScale: c.scale, NoiseSD: cfg.SigmaObs}, neuron.Stream(seed, uint64(1<<42+i)))
		if err != nil {
			return nil, fmt.Errorf("workflow: test cells: %w", err)
		}
		path := filepath.Join(dir, CellFiles[i])
		if err := tr.WriteCSV(path); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
