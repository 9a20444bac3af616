package idata

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/buildinfo"
)

// PythonEnv names the Python interpreter the interop test runs (one with
// arviz, xarray and zarr; .ci/arviz.sh makes one); python3 when unset.
const PythonEnv = "LAA_ARVIZ_PYTHON"

// interopTimeout bounds the Python run (importing arviz takes seconds).
const interopTimeout = 2 * time.Minute

// expectedVar is one variable as check_arviz.py expects to find it.
type expectedVar struct {
	Dims   []string          `json:"dims"`
	Shape  []int             `json:"shape"`
	Values []float64         `json:"values"`
	Attrs  map[string]string `json:"attrs"`
	Coords []string          `json:"coords,omitempty"`
}

// expectedGroup is one group as check_arviz.py expects to find it.
type expectedGroup struct {
	Attrs  map[string]any         `json:"attrs"`
	Coords map[string][]float64   `json:"coords"`
	Vars   map[string]expectedVar `json:"vars"`
}

// expected describes, from d alone, what ArviZ must show of its store.
func expected(d *Data) map[string]any {
	attrs := map[string]any{"inference_library": "laa", "inference_library_version": buildinfo.Version()}
	for k, v := range d.Attrs {
		attrs[k] = v
	}
	chains, draws := len(d.Chains), len(d.Chains[0])
	chainDraw := map[string][]float64{DimChain: iota(chains, 1), DimDraw: iota(draws, 1)}
	post := expectedGroup{Attrs: map[string]any{"parameters": d.Names}, Coords: chainDraw, Vars: map[string]expectedVar{}}
	for k, v := range attrs {
		post.Attrs[k] = v
	}
	for j, name := range d.Names {
		var v []float64
		for c := range chains {
			for k := range draws {
				v = append(v, d.Chains[c][k][j])
			}
		}
		post.Vars[name] = expectedVar{Dims: []string{DimChain, DimDraw}, Shape: []int{chains, draws}, Values: v, Attrs: map[string]string{"units": d.Units[j]}}
	}
	stats := expectedGroup{Attrs: attrs, Coords: chainDraw, Vars: map[string]expectedVar{}}
	for _, s := range d.Stats {
		shape := []int{}
		switch len(s.Dims) {
		case 2:
			shape = []int{chains, draws}
		case 1:
			shape = []int{len(s.Values)}
		}
		stats.Vars[s.Name] = expectedVar{Dims: nonNil(s.Dims), Shape: shape, Values: s.Values, Attrs: map[string]string{}}
	}
	o := d.Observed
	n := len(o.Values)
	obs := expectedGroup{Attrs: attrs, Coords: map[string][]float64{CoordTimeMs: iota(n, o.StepMs)}, Vars: map[string]expectedVar{
		o.Name:      {Dims: []string{DimTime}, Shape: []int{n}, Values: o.Values, Attrs: map[string]string{"units": o.Unit}, Coords: []string{CoordTimeMs}},
		o.InputName: {Dims: []string{DimTime}, Shape: []int{n}, Values: o.Input, Attrs: map[string]string{"units": o.InputUnit, "description": o.InputNote}, Coords: []string{CoordTimeMs}},
	}}
	return map[string]any{"attrs": attrs, "groups": map[string]expectedGroup{GroupPosterior: post, GroupSampleStats: stats, GroupObservedData: obs}}
}

// iota returns 0, step, 2 step, ... (n values).
func iota(n int, step float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) * step
	}
	return v
}

// TestArviZOpensTheStore writes a store, opens it with the real ArviZ
// (testdata/check_arviz.py) and compares groups, dimensions, coordinates,
// shapes, values and attributes with what was written. Without arviz it
// skips, except under CI=true, where it fails: .ci/arviz.sh installs it.
func TestArviZOpensTheStore(t *testing.T) {
	python := os.Getenv(PythonEnv)
	if python == "" {
		python = "python3"
	}
	dir := t.TempDir()
	d := fixture()
	store, want := filepath.Join(dir, "fixture.idata.zarr"), filepath.Join(dir, "expected.json")
	if err := Write(store, d); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(expected(d))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), interopTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, filepath.Join("testdata", "check_arviz.py"), store, want).CombinedOutput()
	var exit *exec.ExitError
	missing := err != nil && (!errors.As(err, &exit) || exit.ExitCode() == 3)
	switch {
	case missing && os.Getenv("CI") == "true":
		t.Fatalf("arviz is needed under CI=true (run .ci/arviz.sh, or set %s to a Python with arviz, xarray and zarr): %v\n%s", PythonEnv, err, out)
	case missing:
		t.Skipf("no arviz in %s (set %s): %v\n%s", python, PythonEnv, err, out)
	case err != nil:
		t.Fatalf("arviz disagrees with what was written: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "ok:") {
		t.Fatalf("unexpected output: %s", out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
