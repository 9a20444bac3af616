package cli

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/validation"
)

func (e *env) inferCmd() *cobra.Command {
	var (
		modelPath, out string
		traces         []string
		n              int
		seed           uint64
		rec            recordingFlags
	)
	cmd := &cobra.Command{
		Use:   "infer --model m.laa --trace obs.csv [--trace more.csv ...] [-n 2000] [-o draws/]",
		Short: "Posterior draws of the parameters for recorded traces (batched, milliseconds each)",
		Long: `infer reads each trace (CSV with a header naming time, voltage and current
columns with their units, e.g. time_ms,voltage_mV,current_uA_per_cm2; see
'laa infer --help' flags for units and membrane area), prepares it for the
model's grid, and prints the posterior mean, sd, median and 90 % interval of
every parameter. It writes the draws as <name>.draws.npy and <name>.draws.csv
and a summary as <name>.summary.json into -o. Draws outside the prior's
support are rejected and the rejection rate (leakage) reported. Each trace is
also tested for typicality against fresh simulations from the model, and its
stimulus compared with the protocol the model was trained on.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if modelPath == "" || len(traces) == 0 {
				return fmt.Errorf("infer: --model and at least one --trace are required")
			}
			if n <= 0 {
				return fmt.Errorf("infer: -n must be positive, got %d", n)
			}
			m, _, err := npe.Load(modelPath)
			if err != nil {
				return err
			}
			var obs []observed
			for _, p := range traces {
				o, err := readObserved(p, m.Experiment, rec)
				if err != nil {
					return err
				}
				obs = append(obs, o)
			}
			return e.infer(m, obs, n, seed, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelPath, "model", "", "trained model file")
	f.StringArrayVar(&traces, "trace", nil, "recorded trace (repeat for several)")
	f.IntVarP(&n, "n", "n", 2000, "posterior draws per trace")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "output", "o", ".", "directory for the draws and summaries")
	rec.register(cmd)
	return cmd
}

// observed is one trace prepared for the model.
type observed struct {
	name     string    // base name for output files
	path     string    // the file it came from
	trace    []float64 // mV on the model's grid
	current  []float64 // uA/cm2 on the model's grid; nil if unknown
	warnings []string
}

// infer samples the posteriors of obs, prints and writes them.
func (e *env) infer(m *npe.Model, obs []observed, n int, seed uint64, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("infer: %w", err)
	}
	prepared := make([]npe.Observation, len(obs))
	for i, o := range obs {
		var err error
		if prepared[i], err = m.Observe(o.trace); err != nil {
			return fmt.Errorf("infer: %s: %w", o.name, err)
		}
	}
	t0 := time.Now()
	posts, err := m.Sample(prepared, n, rand.New(rand.NewPCG(seed, 0x696e66)))
	if err != nil {
		return err
	}
	elapsed := time.Since(t0)
	ref, err := freshReference(m, seed)
	if err != nil {
		return err
	}
	sim, err := neuron.NewSimulator(m.Experiment)
	if err != nil {
		return err
	}
	trained := sim.StimulusAtSamples()
	fmt.Fprintf(e.stdout, "%d posteriors of %d draws in %.1f ms (%.2f ms each)\n", len(obs), n, float64(elapsed.Microseconds())/1000, float64(elapsed.Microseconds())/1000/float64(len(obs)))
	for i, o := range obs {
		p := posts[i]
		sums, err := diagnose.Summarize(p.Draws, 0.9)
		if err != nil {
			return err
		}
		typ, err := validation.Check(m, ref, o.trace)
		if err != nil {
			return err
		}
		warnings := append([]string(nil), o.warnings...)
		if same, d := recording.SameProtocol(o.current, trained, validation.ProtocolTolerance); o.current != nil && !same {
			warnings = append(warnings, fmt.Sprintf("the recording's stimulus differs from the protocol the model was trained on (by up to %.3g uA/cm2): the posterior assumes the trained protocol. Simulate and train for this protocol: laa simulate --stimulus-from %s", d, o.path))
		}
		if typ.Warning != "" {
			warnings = append(warnings, "typicality: "+typ.Warning)
		}
		printPosterior(e.stdout, o.name, m.Names, sums, p, typ.PValue, warnings)
		base := filepath.Join(out, o.name)
		if err := writeDraws(base, m.Names, p.Draws); err != nil {
			return err
		}
		summary := map[string]any{"trace": o.name, "draws": n, "params": m.Names, "summary": sums, "leakage": p.Leakage(),
			"typicality": typ, "warnings": warnings}
		if err := atomicfile.WriteJSON(base+".summary.json", summary); err != nil {
			return err
		}
	}
	return nil
}

// printPosterior prints one posterior's summary table.
func printPosterior(w io.Writer, name string, names []string, sums []diagnose.Summary, p npe.Posterior, typicalityP float64, warnings []string) {
	fmt.Fprintf(w, "\n%s: %d draws, leakage %.2f %% (%d of %d rejected outside the prior's support), typicality p = %.3g\n",
		name, len(p.Draws), 100*p.Leakage(), p.Rejected, p.Drawn, typicalityP)
	fmt.Fprintf(w, "  %-6s %-7s %10s %10s %10s %10s %10s\n", "param", "unit", "mean", "sd", "median", "5 %", "95 %")
	for j, s := range sums {
		fmt.Fprintf(w, "  %-6s %-7s %10.4g %10.4g %10.4g %10.4g %10.4g\n", names[j], neuron.Units[names[j]], s.Mean, s.SD, s.Median, s.Lower, s.Upper)
	}
	for _, wn := range warnings {
		fmt.Fprintf(w, "  warning: %s\n", wn)
	}
}

// writeDraws writes draws as base.draws.npy (n x P) and base.draws.csv.
func writeDraws(base string, names []string, draws [][]float64) error {
	flat := make([]float64, 0, len(draws)*len(names))
	for _, d := range draws {
		flat = append(flat, d...)
	}
	if err := dataset.WriteNPY(base+".draws.npy", flat, len(draws), len(names)); err != nil {
		return err
	}
	return atomicfile.Write(base+".draws.csv", func(f *os.File) error {
		fmt.Fprintln(f, strings.Join(names, ","))
		for _, d := range draws {
			s := make([]string, len(d))
			for j, v := range d {
				s[j] = fmt.Sprintf("%.9g", v)
			}
			fmt.Fprintln(f, strings.Join(s, ","))
		}
		return nil
	})
}

// freshReference simulates 1,000 traces from the model's experiment: the
// typicality reference in summary space.
func freshReference(m *npe.Model, seed uint64) (*diagnose.Reference, error) {
	sim, err := neuron.NewSimulator(m.Experiment)
	if err != nil {
		return nil, err
	}
	set, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: seed ^ 0x7479706963616c, N: 1001})
	if err != nil {
		return nil, err
	}
	ref, _, err := validation.Reference(m, set, seed)
	return ref, err
}
