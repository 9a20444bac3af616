// Package cli implements the laa command line: one file per subcommand.
package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/buildinfo"
	"github.com/laa-neuro/laa/neuron"
)

// Main runs the laa command with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		for interrupting.Load() { // the error is the interrupt's doing; its handler ends the process
			time.Sleep(time.Second)
		}
		fmt.Fprintln(stderr, "laa:", err)
		return 1
	}
	return 0
}

// env carries the output streams to every subcommand.
type env struct {
	stdout, stderr io.Writer
	quiet          bool
	terminal       bool // stderr is a terminal: progress bars, not lines
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	e := &env{stdout: stdout, stderr: stderr, terminal: isTerminal(stderr)}
	root := &cobra.Command{
		Use:   "laa",
		Short: "Amortized Bayesian inference of LAA neuron membrane parameters",
		Long: `laa simulates the Leaky Adaptive Activation neuron, trains a neural posterior
estimator on the simulations, checks its calibration, and infers the membrane
parameters (C_m, g_L, E_L, k, V_thr) of recorded voltage traces in milliseconds.
It does the same for a model you bring: --config names its description (a
YAML file with its parameters, priors, observation and, optionally, a
simulator command in any language; see docs/external-models.md).

Ctrl-C (SIGINT) or SIGTERM ends any command with one line saying what it
left (exit status 130, or 143 for SIGTERM): temporary files are removed,
every output is complete or untouched, and train's model file holds the last
completed epoch, from which 'laa train --resume' continues.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version(),
	}
	root.PersistentPreRunE = checkFlags
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().BoolVarP(&e.quiet, "quiet", "q", false, "no progress bars")
	root.AddCommand(e.simulateCmd(), e.mergeCmd(), e.fitCmd(), e.recordingCmd(), e.priorPredictiveCmd(), e.configCmd(), e.trainCmd(), e.diagnoseCmd(), e.inferCmd(), e.demoCmd(), e.infoCmd(), e.growthCmd(), e.compareCmd(), e.referenceCmd(), e.serveCmd())
	return root
}

// Version returns the build laa runs from: module version, commit and
// "+dirty" as buildinfo.Version gives them ("devel+3fca5af1b2c4").
func Version() string { return buildinfo.Version() }

// loadConfig returns the LAA configuration in path, or the embedded
// default; a model description (loadExperiment) is refused with a
// sentence saying the command is the LAA neuron's.
func loadConfig(path string) (neuron.Config, error) {
	exp, err := loadExperiment(path)
	if err != nil {
		return neuron.Config{}, err
	}
	if exp.other != nil {
		return neuron.Config{}, fmt.Errorf("config %s describes model %s; this command takes the LAA neuron's configuration only (simulate, train, diagnose and infer take other models: docs/external-models.md)", path, exp.other.Kind())
	}
	return exp.laa, nil
}
