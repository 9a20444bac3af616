package cli

import (
	"fmt"
	"path/filepath"
	"strings"
)

// MaxNameBytes bounds the length of a name that becomes part of an output
// file name (a trace's base name and NWB sweep): with the longest suffix
// laa adds (".amortized.npy") it stays well under the 255 bytes most file
// systems allow.
const MaxNameBytes = 100

// safeName turns a name that comes from an input (a file's base name, or a
// name stored inside it such as an NWB sweep) into one path element that
// cannot leave the output folder: characters other than A-Z, a-z, 0-9,
// '.', '_' and '-' become '_', leading dots become '_', the result is cut
// to MaxNameBytes, and an empty name becomes "trace".
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	for i := 0; i < len(name) && name[i] == '.'; i++ {
		name = name[:i] + "_" + name[i+1:]
	}
	if len(name) > MaxNameBytes {
		name = name[:MaxNameBytes]
	}
	if name == "" || !filepath.IsLocal(name) || strings.ContainsAny(name, `/\`) {
		return "trace"
	}
	return name
}

// traceName returns the output base name of a trace read from path, with
// the sweep it came from (empty for a CSV), made safe by safeName.
func traceName(path, sweep string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if sweep != "" {
		name += "_" + sweep
	}
	return safeName(name)
}

// distinctNames makes the output names of obs distinct, in order: the
// first trace of a name keeps it, later ones get "-2", "-3", ... (the
// first suffix that is free). Names are compared ignoring case, as some
// file systems do. It returns one line per trace whose name was changed,
// by this or by safeName, saying where its results go.
func distinctNames(obs []observed, out string) []string {
	taken := map[string]string{} // lower-case name -> the path that holds it
	var notes []string
	for i := range obs {
		o := &obs[i]
		name := o.name
		for k := 2; taken[strings.ToLower(name)] != ""; k++ {
			name = fmt.Sprintf("%s-%d", o.name, k)
		}
		switch {
		case name != o.name:
			notes = append(notes, fmt.Sprintf("results of %s go to %s.* (%s.* is taken by %s)", o.path, filepath.Join(out, name), o.name, taken[strings.ToLower(o.name)]))
		case o.raw != "" && o.raw != o.name:
			notes = append(notes, fmt.Sprintf("results of %s go to %s.* (its name %q made safe for a file name)", o.path, filepath.Join(out, name), o.raw))
		}
		o.name = name
		taken[strings.ToLower(name)] = o.path
	}
	return notes
}
