package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/laa-neuro/laa/recording"
)

// traceName returns the output base name of a trace read from path, with
// the sweep it came from (empty for a CSV), made safe by recording.SafeName.
func traceName(path, sweep string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if sweep != "" {
		name += "_" + sweep
	}
	return recording.SafeName(name)
}

// distinctNames makes the output names of obs distinct, in order: the
// first trace of a name keeps it, later ones get "-2", "-3", ... (the
// first suffix that is free). Names are compared ignoring case, as some
// file systems do. It returns one line per trace whose name was changed,
// by this or by recording.SafeName, saying where its results go.
func distinctNames(obs []observed, out string) []string {
	taken := map[string]string{} // lower-case name -> the path that holds it
	var notes []string
	for i := range obs {
		o := &obs[i]
		name := o.Name
		for k := 2; taken[strings.ToLower(name)] != ""; k++ {
			name = fmt.Sprintf("%s-%d", o.Name, k)
		}
		switch {
		case name != o.Name:
			notes = append(notes, fmt.Sprintf("results of %s go to %s.* (%s.* is taken by %s)", o.Source, filepath.Join(out, name), o.Name, taken[strings.ToLower(o.Name)]))
		case o.raw != "" && o.raw != o.Name:
			notes = append(notes, fmt.Sprintf("results of %s go to %s.* (its name %q made safe for a file name)", o.Source, filepath.Join(out, name), o.raw))
		}
		o.Name = name
		taken[strings.ToLower(name)] = o.Source
	}
	return notes
}
