package recording

import (
	"path/filepath"
	"strings"
)

// MaxNameBytes bounds the length of a name that becomes part of an output
// file name (a trace's base name and NWB sweep): with the longest suffix
// laa adds (".amortized.npy") it stays well under the 255 bytes most file
// systems allow.
const MaxNameBytes = 100

// SafeName turns a name that comes from an input (a file's base name, or a
// name stored inside it such as an NWB sweep) into one path element that
// cannot leave the output folder: characters other than A-Z, a-z, 0-9,
// '.', '_' and '-' become '_', leading dots become '_', the result is cut
// to MaxNameBytes, and an empty name becomes "trace".
func SafeName(s string) string {
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
