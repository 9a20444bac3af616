package buildinfo_test

import (
	"fmt"
	"runtime/debug"

	"github.com/laa-neuro/laa/buildinfo"
)

// A binary built by go build in a checkout with uncommitted changes.
func ExampleFromBuildInfo() {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/laa-neuro/laa", Version: "v0.0.0-20261130050813-3fca5af1b2c4+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "3fca5af1b2c4d5e6f708192a3b4c5d6e7f801234"},
			{Key: "vcs.time", Value: "2026-11-30T05:08:13Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	b := buildinfo.FromBuildInfo(bi)
	fmt.Println(b.Version)
	fmt.Println(b.Commit, b.Time, b.Dirty)
	// Output:
	// devel+3fca5af1b2c4+dirty
	// 3fca5af1b2c4d5e6f708192a3b4c5d6e7f801234 2026-11-30T05:08:13Z true
}
