package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagreport"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/plots"
)

func (e *env) priorPredictiveCmd() *cobra.Command {
	var (
		n       int
		seed    uint64
		out     string
		cfgPath string
	)
	cmd := &cobra.Command{
		Use:   "prior-predictive [-n 12] [--seed S] [-o laa-prior-predictive/prior_predictive.png]",
		Short: "Plot traces simulated from the prior over the stimulus (PNG and SVG)",
		Long: `prior-predictive simulates -n draws from the prior (at most MaxPlotTraces,
1000) and plots their traces over the stimulus as <o>.png and <o>.svg,
creating -o's folder if needed (by default the folder laa-prior-predictive).
Existing images there are replaced; any other kind of file is refused.` + outputRules,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checks(positive("prior-predictive", "-n", n), atMost("prior-predictive", "-n", n, MaxPlotTraces, "MaxPlotTraces")); err != nil {
				return err
			}
			dir, name := filepath.Split(out)
			name = strings.TrimSuffix(name, filepath.Ext(name))
			if dir == "" {
				dir = "."
			}
			if name == "" {
				return fmt.Errorf("prior-predictive: -o %q names no file", out)
			}
			png, svg := filepath.Join(dir, name+".png"), filepath.Join(dir, name+".svg")
			plan := (&ioPlan{cmd: "prior-predictive"}).in("--config", cfgPath).outIn("-o", png, kindPNG).outIn("-o (SVG)", svg, kindSVG)
			if err := plan.check(); err != nil {
				return err
			}
			exp, err := loadExperiment(cfgPath)
			if err != nil {
				return err
			}
			if exp.other == nil {
				if err := plan.checkConfig(exp.laa); err != nil {
					return err
				}
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("prior-predictive: %w", err)
			}
			if exp.other != nil {
				err = priorPredictiveOther(exp.other, seed, n, dir, name)
			} else {
				err = PriorPredictive(exp.laa, seed, n, dir, name)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s and %s\n", png, svg)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVarP(&n, "n", "n", 12, "number of prior draws to plot")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "output", "o", filepath.Join("laa-prior-predictive", "prior_predictive.png"), "output path (.png; an .svg is written beside it)")
	f.StringVar(&cfgPath, "config", "", "configuration file, or a description of another model with a simulator command; default: the embedded experiment")
	return cmd
}

// PriorPredictive simulates n prior draws and saves dir/name.png and .svg.
func PriorPredictive(cfg neuron.Config, seed uint64, n int, dir, name string) error {
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		return err
	}
	b, err := sim.Generate(seed, 0, n, neuron.GenerateOptions{})
	if err != nil {
		return err
	}
	ts := plots.TraceSet{Time: sim.Times(), Stimulus: sim.StimulusAtSamples()}
	for i := range n {
		ts.Traces = append(ts.Traces, b.Traces[i*b.T:(i+1)*b.T])
	}
	fig, err := plots.Traces(ts)
	if err != nil {
		return err
	}
	fig.Title = fmt.Sprintf("Prior predictive: %d draws (seed %d)", n, seed)
	return plots.Save(fig, dir, name)
}

// priorPredictiveOther plots n simulations of a model other than LAA from
// its prior (dataset.SimulateModel), against the sample index, as
// dir/name.png and .svg.
func priorPredictiveOther(m model.Model, seed uint64, n int, dir, name string) error {
	sim, ok := m.(model.Simulator)
	if !ok {
		return fmt.Errorf("prior-predictive: model %s has no simulator command, so there is nothing to simulate", m.Kind())
	}
	set, err := dataset.SimulateModel(sim, dataset.SimulateOptions{Seed: seed, N: n})
	if err != nil {
		return fmt.Errorf("prior-predictive: %w", err)
	}
	ts := plots.TraceSet{Time: make([]float64, set.T), Axes: diagreport.ObservationAxes(m)}
	for t := range ts.Time {
		ts.Time[t] = float64(t)
		if step := m.Observation().StepMs; step > 0 {
			ts.Time[t] *= step
		}
	}
	for i := range n {
		row := make([]float64, set.T)
		for t, v := range set.Traces[i*set.T : (i+1)*set.T] {
			row[t] = float64(v)
		}
		ts.Traces = append(ts.Traces, row)
	}
	fig, err := plots.Traces(ts)
	if err != nil {
		return err
	}
	fig.Title = fmt.Sprintf("Prior predictive of %s: %d draws (seed %d)", m.Kind(), n, seed)
	return plots.Save(fig, dir, name)
}
