// Package command is the laa command line as a library. The laa program
// is one call of Run; a program of your own that registers its models
// (model.Register, usually in the init function of your model's package)
// and calls Run gets every laa command for them: name the model in a
// --config file as {kind: <its kind>, spec: <its Spec, as YAML or JSON>},
// and data sets and model files of it load as laa's own do.
//
//	package main
//
//	import (
//		"github.com/laa-neuro/laa/command"
//		_ "example.com/mymodel" // registers kind "my-model"
//	)
//
//	func main() { command.Run() }
package command

import (
	"io"
	"os"

	"github.com/laa-neuro/laa/internal/cli"
)

// Run runs the command line on os.Args and exits with its status: 0 on
// success, 1 on an error (printed on stderr), 130 or 143 on SIGINT or
// SIGTERM, with temporary files removed and every output complete or
// untouched.
func Run() {
	cli.ExitOnSignal(os.Stderr)
	cli.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the command line on args, writing to stdout and stderr, and
// returns the exit status; it does not handle signals or exit.
func Main(args []string, stdout, stderr io.Writer) int { return cli.Main(args, stdout, stderr) }
