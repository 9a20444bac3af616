package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laa-neuro/laa/dataset"
)

func (e *env) mergeCmd() *cobra.Command {
	var (
		out   string
		whole bool
	)
	cmd := &cobra.Command{
		Use:   "merge -o all.npz shard1.npz shard2.npz ...",
		Short: "Join shards written by 'simulate --shard' into one data set",
		Long: `merge checks that the shards come from one run (same seed and configuration)
and tile it without gaps or overlaps, then writes the file an unsharded run
would have written, byte for byte. A shard argument with *, ? or [ is a
pattern, expanded as the shell would ('/data/sims-shard-*-of-16.npz', quoted
so that laa expands it where there is no shell, in a minimal container);
a pattern that matches nothing is an error. Shards that leave out the start
or the end of the run are merged with a warning, or refused with --whole.
-o may name an existing data set, which is replaced; any other kind of file
there is refused.` + outputRules,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			paths, err := expandShards(args)
			if err != nil {
				return err
			}
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
				partial := fmt.Sprintf("merged simulations %d..%d of a run of %d (not the whole run)", all.Meta.Start, all.Meta.Start+all.N-1, all.Meta.Total)
				if whole {
					return fmt.Errorf("merge: --whole: %s; a shard is missing", partial)
				}
				fmt.Fprintf(e.stderr, "warning: %s\n", partial)
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
	cmd.Flags().BoolVar(&whole, "whole", false, "refuse shards that do not make the whole run (a missing first or last shard)")
	required(cmd, "output")
	return cmd
}

// expandShards expands the arguments that are patterns (expandPattern),
// each to its matches in name order.
func expandShards(args []string) ([]string, error) {
	var paths []string
	for _, a := range args {
		m, err := expandPattern(a)
		if err != nil {
			return nil, fmt.Errorf("merge: shard pattern %w", err)
		}
		paths = append(paths, m...)
	}
	return paths, nil
}

// expandPattern returns the files a pattern (an argument with *, ? or [)
// matches, in name order; an argument that is not a pattern, or that names
// a file that exists, stands for itself. A pattern that matches nothing is
// an error. laa expands patterns itself because a container image has no
// shell to do it.
func expandPattern(arg string) ([]string, error) {
	if _, err := os.Stat(arg); err == nil || !strings.ContainsAny(arg, "*?[") {
		return []string{arg}, nil
	}
	m, err := filepath.Glob(arg)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", arg, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%q matches no file", arg)
	}
	slices.Sort(m)
	return m, nil
}
