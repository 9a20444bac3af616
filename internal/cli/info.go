package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/external"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

func (e *env) infoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "info m.laa",
		Short: "Describe a model file: architecture, parameters, training progress",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, extra, err := e.loadModel(args[0])
			if err != nil {
				return err
			}
			kind := m.Generative.Kind()
			if kind == external.Kind {
				if d, ok := m.Generative.(interface{ Name() string }); ok {
					kind += " (" + d.Name() + ")"
				}
			}
			fmt.Fprintf(e.stdout, "%s\n  model: %s\n  parameters: %v\n  summary network: %+v\n  flow: %+v\n  weights: %d\n  written by: laa %s\n",
				args[0], kind, m.Names, m.Config.Summary, m.Config.Flow, len(npe.FlatParams(m.Params())), orUnknown(m.WrittenBy))
			if h, ok := train.HistoryFrom(extra); ok && len(h.Val) > 0 {
				fmt.Fprintf(e.stdout, "  trained %d epochs in %.0f s (%.0f samples/s); best validation loss %.4f at epoch %d; last %.4f\n",
					len(h.Val), h.Seconds, float64(h.Samples)/h.Seconds, h.Val[h.BestEpoch-1], h.BestEpoch, h.Val[len(h.Val)-1])
				if h.Stopped != "" {
					fmt.Fprintf(e.stdout, "  finished: %s\n", h.Stopped)
				}
			}
			return nil
		},
	}
}

// orUnknown returns s, or "unknown" when it is empty.
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
