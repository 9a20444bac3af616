package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/laa-neuro/laa/neuron"
)

// outputRules is the help text on outputs every writing command shares.
const outputRules = `

Outputs are checked before any work starts: an output that is one of the
inputs (the same file by any path, hard link or symbolic link), a folder
output that would overwrite an input inside it, a missing or read-only
folder, and an existing output that holds another kind of file (a data set
where a model is written, say) are refused. An existing output of the kind
the command writes (a model over a model) is replaced, atomically.`

// fileKind names what a command writes to a path, or what a path holds.
type fileKind string

// The kinds of file laa writes, as sniffed from their first bytes.
const (
	kindAny     fileKind = ""                // no check of what an existing file holds
	kindDataSet fileKind = "data set (.npz)" // a zip archive
	kindModel   fileKind = "laa model"
	kindNPY     fileKind = ".npy array"
	kindPNG     fileKind = "PNG image"
	kindSVG     fileKind = "SVG image"
	kindText    fileKind = "text file" // CSV, JSON, HTML
	kindFolder  fileKind = "folder"
)

// kindOfExt is the kind of file laa writes under each extension.
var kindOfExt = map[string]fileKind{".npz": kindDataSet, ".laa": kindModel, ".npy": kindNPY, ".png": kindPNG, ".svg": kindSVG,
	".csv": kindText, ".json": kindText, ".html": kindText}

// pathArg is a path a command reads, with the flag that named it.
type pathArg struct{ flag, path string }

// output is a path a command writes.
type output struct {
	flag  string // the flag that named it, or that it derives from ("-o")
	path  string
	kind  fileKind
	mkdir bool // the command creates missing parent folders (always for folders)
	// writes, for folders, says whether the command may write the file at
	// rel (slash-separated, inside the folder); what says which files
	// those are, for messages.
	writes func(rel string) bool
	what   string
}

// ioPlan lists what a command reads and writes, to check them before work.
type ioPlan struct {
	cmd  string
	ins  []pathArg
	outs []output
}

// in adds inputs named by flag (empty paths are skipped).
func (p *ioPlan) in(flag string, paths ...string) *ioPlan {
	for _, path := range paths {
		if path != "" {
			p.ins = append(p.ins, pathArg{flag, path})
		}
	}
	return p
}

// out adds an output file of the given kind.
func (p *ioPlan) out(flag, path string, kind fileKind) *ioPlan {
	if path != "" {
		p.outs = append(p.outs, output{flag: flag, path: path, kind: kind})
	}
	return p
}

// outIn adds an output file in a folder the command creates if missing.
func (p *ioPlan) outIn(flag, path string, kind fileKind) *ioPlan {
	if path != "" {
		p.outs = append(p.outs, output{flag: flag, path: path, kind: kind, mkdir: true})
	}
	return p
}

// folder adds an output folder; writes and what describe the files the
// command may write into it.
func (p *ioPlan) folder(flag, path, what string, writes func(rel string) bool) *ioPlan {
	if path != "" {
		p.outs = append(p.outs, output{flag: flag, path: path, kind: kindFolder, mkdir: true, writes: writes, what: what})
	}
	return p
}

// checkConfig adds the stimulus file cfg embedded when it was loaded (its
// path is kept as provenance) to the inputs and checks the plan again, so
// an output can never replace it.
func (p *ioPlan) checkConfig(cfg neuron.Config) error {
	return p.in("the configuration's stimulus file", cfg.Stimulus.File).check()
}

// check refuses, before any work, outputs that would replace an input,
// outputs whose folder is missing or read-only, and existing outputs that
// hold another kind of file than the command writes.
func (p *ioPlan) check() error {
	for i, o := range p.outs {
		if err := p.checkOutput(o); err != nil {
			return fmt.Errorf("%s: %w", p.cmd, err)
		}
		for _, o2 := range p.outs[:i] {
			if o2.kind != kindFolder && o.kind != kindFolder && samePath(o.path, o2.path) {
				return fmt.Errorf("%s: %s %s and %s %s are the same file", p.cmd, o2.flag, o2.path, o.flag, o.path)
			}
		}
	}
	return nil
}

// checkOutput checks one output against the inputs and the file system.
func (p *ioPlan) checkOutput(o output) error {
	for _, in := range p.ins {
		if samePath(in.path, o.path) {
			return fmt.Errorf("%s %s is the %s input: writing it would replace the input; choose another %s", o.flag, o.path, in.flag, o.flag)
		}
		if o.kind != kindFolder {
			continue
		}
		if rel, ok := inside(o.path, in.path); ok && o.writes != nil && o.writes(rel) {
			return fmt.Errorf("%s %s holds the %s input %s, which it would overwrite (%s writes %s there); choose another %s",
				o.flag, o.path, in.flag, in.path, p.cmd, o.what, o.flag)
		}
	}
	st, err := os.Stat(o.path)
	switch {
	case err == nil && o.kind == kindFolder:
		if !st.IsDir() {
			return fmt.Errorf("%s %s is a file, not a folder", o.flag, o.path)
		}
		return writableDir(o.flag, o.path, o.path)
	case err == nil:
		if st.IsDir() {
			return fmt.Errorf("%s %s is a folder; want a file path", o.flag, o.path)
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s %s is not a regular file (a device, pipe or socket)", o.flag, o.path)
		}
		if o.kind != kindAny && st.Size() > 0 {
			if got := sniff(o.path); got != o.kind {
				return fmt.Errorf("%s %s holds a %s, and %s writes a %s there: refusing to replace another kind of file (remove it or choose another %s)",
					o.flag, o.path, got, p.cmd, o.kind, o.flag)
			}
		}
	case !missing(err):
		return fmt.Errorf("%s %s: %w", o.flag, o.path, err)
	}
	parent := filepath.Dir(o.path)
	if o.mkdir {
		for { // the nearest existing ancestor, in which the command creates the rest
			if _, err := os.Stat(parent); !missing(err) {
				break
			}
			up := filepath.Dir(parent)
			if up == parent {
				break
			}
			parent = up
		}
	}
	return writableDir(o.flag, o.path, parent)
}

// missing says whether err from os.Stat means that nothing is there: the
// path does not exist, or a part of it is a file.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// writableDir checks that dir is a folder in which files can be created,
// by creating (and removing) an empty one.
func writableDir(flag, path, dir string) error {
	st, err := os.Stat(dir)
	switch {
	case missing(err):
		return fmt.Errorf("%s %s: folder %s does not exist", flag, path, dir)
	case err != nil:
		return fmt.Errorf("%s %s: %w", flag, path, err)
	case !st.IsDir():
		return fmt.Errorf("%s %s: %s is not a folder", flag, path, dir)
	}
	f, err := os.CreateTemp(dir, ".laa-probe*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("%s %s: cannot write in folder %s: %w", flag, path, dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// samePath says whether a and b name one file or folder: os.SameFile where
// both exist (hard links, symbolic links, ./x and x), else their cleaned
// absolute paths with symbolic links resolved as far as they exist.
func samePath(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	if errA == nil || errB == nil {
		return false // one exists, the other does not
	}
	return canonical(a) == canonical(b)
}

// canonical returns path made absolute and clean, with symbolic links
// resolved in its longest existing prefix.
func canonical(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	var rest []string
	for p := abs; ; {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		up := filepath.Dir(p)
		if up == p {
			return abs
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = up
	}
}

// inside returns path relative to folder, slash-separated, when path lies
// inside folder.
func inside(folder, path string) (string, bool) {
	rel, err := filepath.Rel(canonical(folder), canonical(path))
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// sniff names the kind of file at path from its first bytes.
func sniff(path string) fileKind {
	f, err := os.Open(path)
	if err != nil {
		return "unreadable file"
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	has := func(p string) bool { return bytes.HasPrefix(head, []byte(p)) }
	switch {
	case has("LAAMODEL"):
		return kindModel
	case has("PK\x03\x04"), has("PK\x05\x06"):
		return kindDataSet
	case has("\x93NUMPY"):
		return kindNPY
	case has("\x89PNG\r\n\x1a\n"):
		return kindPNG
	case has("\x89HDF\r\n\x1a\n"):
		return "HDF5 file (NWB)"
	case bytes.IndexByte(head, 0) >= 0:
		return "binary file"
	}
	text := strings.TrimSpace(strings.TrimPrefix(string(head), "\ufeff"))
	if strings.HasPrefix(text, "<svg") || strings.HasPrefix(text, "<?xml") && strings.Contains(text, "<svg") {
		return kindSVG
	}
	return kindText
}

// inFolder returns a writes function for files with one of the suffixes
// directly inside a folder, or inside its subfolders subs.
func inFolder(suffixes []string, subs ...string) func(rel string) bool {
	return func(rel string) bool {
		dir, base := "", rel
		if i := strings.LastIndex(rel, "/"); i >= 0 {
			dir, base = rel[:i], rel[i+1:]
		}
		if dir != "" && !slices.Contains(subs, dir) {
			return false
		}
		for _, s := range suffixes {
			if strings.HasSuffix(base, s) {
				return true
			}
		}
		return false
	}
}
