// Package buildinfo says which build of laa is running: the module version
// and the version-control commit the binary was built from, as
// runtime/debug.ReadBuildInfo reports them. Model files and reports record
// it, so a result can be traced to the code that made it.
//
// What each way of building records (Go 1.26, default -buildvcs=auto):
//
//   - go build and go install in a git checkout stamp the commit
//     (vcs.revision), its time and whether the tree had uncommitted changes
//     (vcs.modified): Version gives "devel+3fca5af1b2c4", with "+dirty" when
//     the tree was modified, or "v0.3.0+3fca5af1b2c4" when built at the
//     release tag v0.3.0.
//   - go install github.com/laa-neuro/laa/cmd/laa@v0.3.0 records the module
//     version but no commit: "v0.3.0".
//   - go run and go test stamp nothing: "devel". Pass -buildvcs=true to
//     stamp them too; -buildvcs=false (also as GOFLAGS=-buildvcs=false in
//     the environment or in go env -w) and builds outside a checkout give
//     "devel" even from go build.
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Build is what the binary knows about its own build, in the form reports
// and model files store.
type Build struct {
	// Version is the summary Version returns.
	Version string `json:"version"`
	// Commit is the full version-control revision, empty when not stamped.
	Commit string `json:"commit,omitempty"`
	// Time is the commit's time (RFC 3339), empty when not stamped.
	Time string `json:"time,omitempty"`
	// Dirty is true when the working tree had uncommitted changes.
	Dirty bool `json:"dirty,omitempty"`
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string `json:"go_version,omitempty"`
}

// devel is the version of a build whose module version is not known.
const devel = "devel"

// shortCommit is how many hex digits of the commit Version shows.
const shortCommit = 12

// Version returns the running binary's version: the module version, or
// "devel" when it has none, followed by "+" and the first 12 hex digits of
// the commit when one was stamped, and by "+dirty" when the tree had
// uncommitted changes.
func Version() string { return Info().Version }

// Info returns what the running binary records about its build.
func Info() Build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Build{Version: devel}
	}
	return FromBuildInfo(bi)
}

// FromBuildInfo reads a Build from bi; a nil bi gives Version "devel".
//
// The go command writes the module version of a build in a checkout as a
// pseudo-version ("v0.0.0-20261130050813-3fca5af1b2c4+dirty") when the
// commit has no release tag; since the commit follows anyway, such a
// version reads as "devel". A "+dirty" the go command appended counts as
// vcs.modified when the settings do not say.
func FromBuildInfo(bi *debug.BuildInfo) Build {
	if bi == nil {
		return Build{Version: devel}
	}
	b := Build{GoVersion: bi.GoVersion}
	modified := ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	version, dirtySuffix := strings.CutSuffix(bi.Main.Version, "+dirty")
	switch modified {
	case "true":
		b.Dirty = true
	case "":
		b.Dirty = dirtySuffix
	}
	if version == "" || version == "(devel)" || isPseudoVersion(version) {
		version = devel
	}
	if c := b.Commit; c != "" {
		if len(c) > shortCommit {
			c = c[:shortCommit]
		}
		version += "+" + c
	}
	if b.Dirty {
		version += "+dirty"
	}
	b.Version = version
	return b
}

// isPseudoVersion reports whether v has the form the go command gives an
// untagged commit: a version ending in "-yyyymmddhhmmss-" and 12 hex digits
// (v0.0.0-20261130050813-3fca5af1b2c4, v0.3.1-0.20261130050813-3fca5af1b2c4).
func isPseudoVersion(v string) bool {
	rest, rev, ok := cutLast(v, "-")
	if !ok || len(rev) != shortCommit || !allIn(rev, "0123456789abcdef") {
		return false
	}
	_, stamp, ok := cutLast(rest, "-")
	if !ok {
		return false
	}
	if i := strings.LastIndexByte(stamp, '.'); i >= 0 {
		stamp = stamp[i+1:] // "0.20261130050813" after a pre-release tag
	}
	return len(stamp) == 14 && allIn(stamp, "0123456789")
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// allIn reports whether s is non-empty and made only of bytes in set.
func allIn(s, set string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(set, rune(s[i])) {
			return false
		}
	}
	return true
}
