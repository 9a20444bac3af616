package cli

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
)

// storeValues reads the float64 array rel (group/variable) of the Zarr
// store at root and its shape.
func storeValues(t *testing.T, root, rel string) ([]float64, []int) {
	t.Helper()
	var meta struct {
		Shape []int `json:"shape"`
	}
	b, err := os.ReadFile(filepath.Join(root, rel, ".zarray"))
	if err != nil || json.Unmarshal(b, &meta) != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	key := "0"
	if len(meta.Shape) == 2 {
		key = "0.0"
	}
	b, err = os.ReadFile(filepath.Join(root, rel, key))
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v, meta.Shape
}

// storeAttrs reads the root attributes of the store at root.
func storeAttrs(t *testing.T, root string) map[string]string {
	t.Helper()
	var a map[string]string
	b, err := os.ReadFile(filepath.Join(root, ".zattrs"))
	if err != nil || json.Unmarshal(b, &a) != nil {
		t.Fatalf("%s: %v", root, err)
	}
	return a
}

// TestReferenceWritesChainsApart: laa reference writes its chains apart in
// ref.idata.zarr; pooled chain after chain they are exactly the draws of
// ref.npy; the trace and its recorded current are the observed data. A
// file or a foreign folder at the store's path is refused before sampling.
func TestReferenceWritesChainsApart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := neuron.Default()
	cfg.SigmaObs = 300
	_, trace := untrainedModel(t, cfg, dir)
	out := filepath.Join(dir, "ref.npy")
	code, msg := run("reference", "--trace", trace, "--chains", "8", "--iterations", "40", "-o", out)
	store := filepath.Join(dir, "ref.idata.zarr")
	if code != 0 || !strings.Contains(msg, "for ArviZ, in "+store) {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	pooled, shape, err := dataset.ReadNPY(out)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := cfg.Inferred()
	draws := shape[0] / 8
	for j, name := range names {
		v, s := storeValues(t, store, "posterior/"+name)
		if !slices.Equal(s, []int{8, draws}) || draws*8 != shape[0] {
			t.Fatalf("%s: shape %v, want [8 %d] (ref.npy %v)", name, s, draws, shape)
		}
		for i, x := range v { // chain c, draw k is pooled row c*draws+k
			if x != pooled[i*shape[1]+j] {
				t.Fatalf("%s: chain %d draw %d = %v, ref.npy row %d has %v", name, i/draws, i%draws, x, i, pooled[i*shape[1]+j])
			}
		}
	}
	if a := storeAttrs(t, store); a["route"] != "mcmc" || a["model_kind"] != "laa" {
		t.Errorf("attributes %v", a)
	}
	if v, _ := storeValues(t, store, "sample_stats/acceptance_rate"); len(v) != 1 || !(v[0] > 0 && v[0] <= 1) {
		t.Errorf("acceptance rate %v", v)
	}
	if v, s := storeValues(t, store, "observed_data/voltage"); len(s) != 1 || len(v) != s[0] || s[0] < 100 {
		t.Errorf("observed voltage of shape %v", s)
	}

	os.RemoveAll(store)
	os.WriteFile(store, []byte("mine"), 0o644)
	code, msg = run("reference", "--trace", trace, "--chains", "8", "--iterations", "40", "-o", out)
	if code == 0 || !strings.Contains(msg, "is a file, not a folder") {
		t.Errorf("a file at the store's path: exit %d:\n%s", code, msg)
	}
	os.Remove(store)
	os.Mkdir(store, 0o755)
	os.WriteFile(filepath.Join(store, "notes.txt"), []byte("mine"), 0o644)
	code, msg = run("reference", "--trace", trace, "--chains", "8", "--iterations", "40", "-o", out)
	if code == 0 || !strings.Contains(msg, "exists and is not a Zarr store") || strings.Contains(msg, "draws from") {
		t.Errorf("a folder at the store's path: exit %d:\n%s", code, msg)
	}
}

// TestInferWritesInferenceData: infer writes <name>.idata.zarr with the
// corrected draws as one chain, its route, and on the importance route the
// smoothed log weights of all proposals (3 n for n draws), normalized.
func TestInferWritesInferenceData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := neuron.Default()
	cfg.SigmaObs = 300
	model, trace := untrainedModel(t, cfg, dir)
	out := filepath.Join(dir, "post")
	code, msg := run("infer", "--model", model, "--trace", trace, "--draws", "200", "-o", out)
	store := filepath.Join(out, "obs.idata.zarr")
	if code != 0 || !strings.Contains(msg, "obs: InferenceData for ArviZ in "+store) {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	if a := storeAttrs(t, store); a["route"] != "importance" || a["trace"] != "obs" {
		t.Errorf("attributes %v", a)
	}
	pooled, shape, err := dataset.ReadNPY(filepath.Join(out, "obs.draws.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if v, s := storeValues(t, store, "posterior/g_L"); !slices.Equal(s, []int{1, 200}) || v[17] != pooled[17*shape[1]+1] {
		t.Errorf("posterior g_L of shape %v differs from obs.draws.npy", s)
	}
	logw, s := storeValues(t, store, "sample_stats/log_weight")
	if len(s) != 1 || s[0] < 600 {
		t.Fatalf("log weights of shape %v, want >= 600 proposals", s)
	}
	var sum float64
	for _, lw := range logw {
		sum += math.Exp(lw)
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("weights sum to %v, want 1", sum)
	}
}
