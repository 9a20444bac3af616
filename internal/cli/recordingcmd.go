package cli

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/recording"
)

func (e *env) recordingCmd() *cobra.Command {
	var opt recording.Options
	cmd := &cobra.Command{
		Use:   "recording FILE",
		Short: "List a recording's sweeps: protocol, units, duration and sampling rate",
		Long: `recording lists the current-clamp sweeps of an NWB file (one line for a
CSV/TSV file): the sweep's number and name, its duration and sampling rate,
the units of its voltage and current, and its current steps in words. Give
a sweep to 'laa fit', 'laa infer' or 'laa diagnose' with --sweep (name or
number).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sweeps, err := recording.ListSweeps(args[0], opt)
			if err != nil {
				return err
			}
			if len(sweeps) == 0 {
				fmt.Fprintf(e.stdout, "%s: no current-clamp sweeps\n", args[0])
				return nil
			}
			fmt.Fprintf(e.stdout, "%s: %d sweep(s)\n", args[0], len(sweeps))
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "sweep\tname\tduration\trate\tvoltage\tcurrent\tsteps")
			for _, s := range sweeps {
				num := "-"
				if s.Number >= 0 {
					num = strconv.Itoa(s.Number)
				}
				cur, steps := s.CurrentUnit, s.Steps
				if !s.HasCurrent {
					cur, steps = "none", "no current recorded"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s ms\t%s kHz\t%s\t%s\t%s\n", num, s.Name, strconv.FormatFloat(s.DurationMs, 'g', 6, 64),
					strconv.FormatFloat(s.RateHz/1000, 'g', 5, 64), s.VoltageUnit, cur, steps)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.TimeUnit, "time-unit", "", "unit of a CSV's time column when its header gives none: s or ms")
	f.StringVar(&opt.VoltageUnit, "voltage-unit", "", "unit of a CSV's voltage column when its header gives none: V or mV")
	f.StringVar(&opt.CurrentUnit, "current-unit", "", "unit of a CSV's current column when its header gives none: A, nA, pA or uA_per_cm2")
	return cmd
}
