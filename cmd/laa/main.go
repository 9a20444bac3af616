// Command laa performs amortized Bayesian inference of LAA neuron parameters:
// simulate, train, diagnose, infer. Run `laa --help` for the subcommands.
package main

import (
	"os"

	"github.com/laa-neuro/laa/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
