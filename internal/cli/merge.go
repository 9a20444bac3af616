package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/dataset"
)

func (e *env) mergeCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "merge -o all.npz shard1.npz shard2.npz ...",
		Short: "Join shards written by 'simulate --shard' into one data set",
		Long: `merge checks that the shards come from one run (same seed and configuration)
and tile it without gaps or overlaps, then writes the file an unsharded run
would have written, byte for byte. -o may name an existing data set, which is
replaced; any other kind of file there is refused.` + outputRules,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			if err := (&ioPlan{cmd: "merge"}).in("shard", paths...).out("-o", out, kindDataSet).check(); err != nil {
				return err
			}
			var shards []*dataset.Set
			for _, p := range paths {
				s, err := e.readSet(p)
				if err != nil {
					return err
				}
				shards = append(shards, s)
			}
			all, err := dataset.Merge(shards)
			if err != nil {
				return err
			}
			if all.Meta.Start != 0 || all.N != all.Meta.Total {
				fmt.Fprintf(e.stderr, "warning: merged simulations %d..%d of a run of %d (not the whole run)\n", all.Meta.Start, all.Meta.Start+all.N-1, all.Meta.Total)
			}
			noteOutput(out)
			if err := all.Write(out); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s: %d simulations from %d shards\n", out, all.N, len(paths))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "output .npz path")
	required(cmd, "output")
	return cmd
}
