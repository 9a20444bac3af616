// Command laa performs amortized Bayesian inference of LAA neuron parameters,
// and of any model brought to it: simulate, train, diagnose, infer. Run
// `laa --help` for the subcommands. SIGINT and SIGTERM end it with a
// one-line message and exit status 130 or 143, temporary files removed and
// every output complete or untouched. It is package command's Run.
package main

import "github.com/laa-neuro/laa/command"

func main() { command.Run() }
