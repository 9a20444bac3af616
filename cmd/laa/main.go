// Command laa performs amortized Bayesian inference of LAA neuron parameters:
// simulate, train, diagnose, infer. Run `laa --help` for the subcommands.
// SIGINT and SIGTERM end it with a one-line message and exit status 130 or
// 143, temporary files removed and every output complete or untouched.
package main

import (
	"os"

	"github.com/laa-neuro/laa/internal/cli"
)

func main() {
	cli.ExitOnSignal(os.Stderr)
	cli.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
