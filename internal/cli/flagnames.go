package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// renamedTo is the annotation that marks a flag as the deprecated old name
// of another; its value is the new flag's name.
const renamedTo = "laa-renamed-to"

// renamed adds old (with the one-letter shorthand, "" for none) as a
// hidden, deprecated name of the flag now of cmd: it sets the same
// variable, and using it prints a one-line notice naming the new flag on
// the command's error stream. Old names keep working for one release.
// Giving both names is refused (checkFlags).
func renamed(cmd *cobra.Command, old, shorthand, now string) {
	f := cmd.Flags()
	nf := f.Lookup(now)
	if nf == nil {
		panic(fmt.Sprintf("cli: %s: --%s renamed to --%s, which is not defined", cmd.Name(), old, now))
	}
	f.AddFlag(&pflag.Flag{Name: old, Shorthand: shorthand, Usage: "old name of --" + now, Value: nf.Value, DefValue: nf.DefValue,
		Annotations: map[string][]string{renamedTo: {now}}})
	if err := f.MarkDeprecated(old, fmt.Sprintf("use --%s (the old name goes in the next release)", now)); err != nil {
		panic(err)
	}
	// pflag prints the notice on the flag set's output, which cobra would
	// print on standard output, among the results.
	f.SetOutput(errWriter{cmd})
}

// errWriter writes to a command's error stream, looked up at each write: a
// command takes its streams from its parent once added to it.
type errWriter struct{ cmd *cobra.Command }

func (w errWriter) Write(p []byte) (int, error) { return w.cmd.ErrOrStderr().Write(p) }

// required declares the flags of cmd named in names as required: cobra
// checks them, and their help says "(required)".
func required(cmd *cobra.Command, names ...string) {
	for _, name := range names {
		if err := cmd.MarkFlagRequired(name); err != nil {
			panic(err)
		}
		fl := cmd.Flags().Lookup(name)
		fl.Usage += " (required)"
	}
}

// flagName is a flag as a user types it: -o for output, --model.
func flagName(fl *pflag.Flag) string {
	if fl.Shorthand != "" {
		return "-" + fl.Shorthand
	}
	return "--" + fl.Name
}

// checkFlags runs before every command: it refuses a missing required flag
// or one given an empty value, an empty -o, and a flag given under both
// its old and its new name, each with a message naming the flags.
func checkFlags(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	var missing []string
	var usage string // of the last missing flag
	var err error
	f.VisitAll(func(fl *pflag.Flag) {
		if err != nil {
			return
		}
		if to := fl.Annotations[renamedTo]; fl.Changed && len(to) == 1 && f.Changed(to[0]) {
			err = fmt.Errorf("%s: %s is the old name of --%s; give --%s only", cmd.Name(), flagName(fl), to[0], to[0])
			return
		}
		req := fl.Annotations[cobra.BashCompOneRequiredFlag]
		empty := fl.Value.String() == "" || fl.Value.String() == "[]"
		switch {
		case len(req) == 1 && req[0] == "true" && (!fl.Changed || empty):
			missing = append(missing, flagName(fl))
			usage = strings.TrimSuffix(fl.Usage, " (required)")
		case fl.Name == "output" && fl.Changed && empty:
			err = fmt.Errorf("%s: -o is empty; name the output", cmd.Name())
		}
	})
	if err != nil {
		return err
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s: %s is required: %s", cmd.Name(), missing[0], usage)
	}
	return fmt.Errorf("%s: %s and %s are required (see laa %s --help)", cmd.Name(),
		strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1], cmd.Name())
}
