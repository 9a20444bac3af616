package buildinfo

import (
	"runtime/debug"
	"testing"
)

const (
	commit = "3fca5af1b2c4d5e6f708192a3b4c5d6e7f801234"
	when   = "2026-11-30T05:08:13Z"
)

// vcs returns the settings go build stamps in a git checkout.
func vcs(modified string) []debug.BuildSetting {
	return []debug.BuildSetting{
		{Key: "-compiler", Value: "gc"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: commit},
		{Key: "vcs.time", Value: when},
		{Key: "vcs.modified", Value: modified},
	}
}

func TestFromBuildInfo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		bi        *debug.BuildInfo
		want      string
		commit    string
		dirty     bool
		goVersion string
	}{
		{name: "nil", bi: nil, want: "devel"},
		{name: "go run: nothing stamped",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/laa-neuro/laa", Version: "(devel)"}},
			want: "devel", goVersion: "go1.26.8"},
		{name: "empty version", bi: &debug.BuildInfo{}, want: "devel"},
		{name: "go install @tag, no vcs",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}},
			want: "v0.3.0"},
		{name: "checkout, clean, untagged",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261130050813-3fca5af1b2c4"}, Settings: vcs("false")},
			want: "devel+3fca5af1b2c4", commit: commit},
		{name: "checkout, modified, untagged",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261130050813-3fca5af1b2c4+dirty"}, Settings: vcs("true")},
			want: "devel+3fca5af1b2c4+dirty", commit: commit, dirty: true},
		{name: "checkout, pseudo-version after a tag",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.3.1-0.20261130050813-3fca5af1b2c4"}, Settings: vcs("false")},
			want: "devel+3fca5af1b2c4", commit: commit},
		{name: "checkout, pseudo-version after a pre-release",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0-rc.1.0.20261130050813-3fca5af1b2c4"}, Settings: vcs("false")},
			want: "devel+3fca5af1b2c4", commit: commit},
		{name: "checkout at a release tag",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}, Settings: vcs("false")},
			want: "v0.3.0+3fca5af1b2c4", commit: commit},
		{name: "checkout at a release tag, modified",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0+dirty"}, Settings: vcs("true")},
			want: "v0.3.0+3fca5af1b2c4+dirty", commit: commit, dirty: true},
		{name: "(devel) with vcs, modified",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")},
			want: "devel+3fca5af1b2c4+dirty", commit: commit, dirty: true},
		{name: "+dirty suffix without vcs settings",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0+dirty"}},
			want: "v0.3.0+dirty", dirty: true},
		{name: "short revision kept whole",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}}},
			want: "devel+abc123", commit: "abc123"},
		{name: "tag whose last part merely looks like a commit",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0-beta-3fca5af1b2c4"}},
			want: "v1.0.0-beta-3fca5af1b2c4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := FromBuildInfo(c.bi)
			if b.Version != c.want {
				t.Errorf("Version = %q, want %q", b.Version, c.want)
			}
			if b.Commit != c.commit {
				t.Errorf("Commit = %q, want %q", b.Commit, c.commit)
			}
			if b.Dirty != c.dirty {
				t.Errorf("Dirty = %v, want %v", b.Dirty, c.dirty)
			}
			if b.GoVersion != c.goVersion {
				t.Errorf("GoVersion = %q, want %q", b.GoVersion, c.goVersion)
			}
			wantTime := ""
			if c.commit == commit {
				wantTime = when
			}
			if b.Time != wantTime {
				t.Errorf("Time = %q, want %q", b.Time, wantTime)
			}
		})
	}
}

// TestVersionOfThisBinary checks the running test binary: Version and Info
// agree, and the version names the commit when one was stamped (go test
// stamps none, so it is then "devel").
func TestVersionOfThisBinary(t *testing.T) {
	t.Parallel()
	info := Info()
	if v := Version(); v != info.Version {
		t.Fatalf("Version() = %q, Info().Version = %q", v, info.Version)
	}
	if info.GoVersion == "" {
		t.Error("GoVersion is empty")
	}
	want := "devel"
	if info.Commit != "" {
		want = "devel+" + info.Commit[:min(len(info.Commit), shortCommit)]
	}
	if info.Version != want && info.Version != want+"+dirty" {
		t.Errorf("Version = %q, want %q (with or without +dirty)", info.Version, want)
	}
}
