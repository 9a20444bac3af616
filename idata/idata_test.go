package idata

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/buildinfo"
)

// fixture returns a Data with every group: 3 chains x 5 draws of 2
// parameters, a per-draw statistic, 7 proposal weights, a scalar, and an
// observed time series of 6 samples with its stimulus.
func fixture() *Data {
	rng := rand.New(rand.NewPCG(7, 8))
	const chains, draws = 3, 5
	d := &Data{Names: []string{"C_m", "g_L"}, Units: []string{"uF/cm2", "mS/cm2"},
		Attrs: map[string]string{"model_kind": "laa", "route": RouteMCMC}}
	var energy []float64
	for range chains {
		var ch [][]float64
		for range draws {
			ch = append(ch, []float64{1 + rng.NormFloat64(), 0.1 * rng.Float64()})
			energy = append(energy, rng.NormFloat64())
		}
		d.Chains = append(d.Chains, ch)
	}
	logw := make([]float64, 7)
	for i := range logw {
		logw[i] = -2 - rng.Float64()
	}
	d.Stats = []Stat{
		{Name: "lp", Dims: []string{DimChain, DimDraw}, Values: energy, Description: "log density"},
		{Name: "log_weight", Dims: []string{"proposal"}, Values: logw},
		{Name: "acceptance_rate", Values: []float64{0.25}},
	}
	d.Observed = &Observed{Name: "voltage", Unit: "mV", Values: []float64{-65, -64.5, -60, -40, -62, -65.2}, StepMs: 0.5,
		Input: []float64{0, 0, 10, 10, 10, 0}, InputName: "current", InputUnit: "uA/cm2", InputNote: "recorded"}
	return d
}

// storeArray is one array read back from a store.
type storeArray struct {
	meta   zarray
	attrs  map[string]any
	values []float64 // int64 arrays converted
}

// readArray reads the array rel (group/name) of the store at root.
func readArray(t *testing.T, root, rel string) storeArray {
	t.Helper()
	var a storeArray
	readJSON(t, filepath.Join(root, rel, zarrayFile), &a.meta)
	readJSON(t, filepath.Join(root, rel, zattrsFile), &a.attrs)
	key := "0"
	if len(a.meta.Shape) > 1 {
		key = strings.Repeat("0.", len(a.meta.Shape)-1) + "0"
	}
	b, err := os.ReadFile(filepath.Join(root, rel, key))
	if err != nil {
		t.Fatal(err)
	}
	n := 1
	for _, s := range a.meta.Shape {
		n *= s
	}
	if len(b) != 8*n {
		t.Fatalf("%s: chunk of %d bytes for shape %v", rel, len(b), a.meta.Shape)
	}
	for i := range n {
		u := binary.LittleEndian.Uint64(b[8*i:])
		if a.meta.DType == "<i8" {
			a.values = append(a.values, float64(int64(u)))
		} else {
			a.values = append(a.values, math.Float64frombits(u))
		}
	}
	return a
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func dims(a storeArray) []string {
	var out []string
	for _, d := range a.attrs["_ARRAY_DIMENSIONS"].([]any) {
		out = append(out, d.(string))
	}
	return out
}

func TestWriteLayout(t *testing.T) {
	d := fixture()
	path := filepath.Join(t.TempDir(), "x.idata.zarr")
	if err := Write(path, d); err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	readJSON(t, filepath.Join(path, zattrsFile), &root)
	want := map[string]any{"inference_library": "laa", "inference_library_version": buildinfo.Version(), "model_kind": "laa", "route": RouteMCMC}
	if !reflect.DeepEqual(root, want) {
		t.Errorf("root attributes %v, want %v", root, want)
	}
	var post map[string]any
	readJSON(t, filepath.Join(path, GroupPosterior, zattrsFile), &post)
	if !reflect.DeepEqual(post["parameters"], []any{"C_m", "g_L"}) || post["route"] != RouteMCMC {
		t.Errorf("posterior attributes %v", post)
	}
	for _, g := range []string{GroupPosterior, GroupSampleStats, GroupObservedData} {
		var zg map[string]int
		readJSON(t, filepath.Join(path, g, zgroupFile), &zg)
		if zg["zarr_format"] != 2 {
			t.Errorf("%s: %v", g, zg)
		}
	}
	for j, name := range d.Names {
		a := readArray(t, path, GroupPosterior+"/"+name)
		if !slices.Equal(a.meta.Shape, []int{3, 5}) || !slices.Equal(dims(a), []string{DimChain, DimDraw}) || a.attrs["units"] != d.Units[j] {
			t.Errorf("%s: shape %v dims %v attrs %v", name, a.meta.Shape, dims(a), a.attrs)
		}
		if a.meta.DType != "<f8" || a.meta.Compressor != nil || a.meta.Order != "C" || !slices.Equal(a.meta.Chunks, a.meta.Shape) {
			t.Errorf("%s: metadata %+v", name, a.meta)
		}
		for c, ch := range d.Chains {
			for k, x := range ch {
				if got := a.values[c*5+k]; got != x[j] {
					t.Fatalf("%s[chain %d, draw %d] = %v, want %v", name, c, k, got, x[j])
				}
			}
		}
	}
	for g, n := range map[string]int{GroupPosterior + "/" + DimChain: 3, GroupPosterior + "/" + DimDraw: 5, GroupSampleStats + "/" + DimDraw: 5} {
		a := readArray(t, path, g)
		if a.meta.DType != "<i8" || len(a.values) != n || a.values[n-1] != float64(n-1) {
			t.Errorf("%s: %+v %v", g, a.meta, a.values)
		}
	}
	for _, s := range d.Stats {
		a := readArray(t, path, GroupSampleStats+"/"+s.Name)
		if !slices.Equal(a.values, s.Values) || !slices.Equal(dims(a), nonNil(s.Dims)) {
			t.Errorf("%s: dims %v values %v, want %v %v", s.Name, dims(a), a.values, s.Dims, s.Values)
		}
	}
	tm := readArray(t, path, GroupObservedData+"/"+CoordTimeMs)
	if !slices.Equal(tm.values, []float64{0, 0.5, 1, 1.5, 2, 2.5}) || !slices.Equal(dims(tm), []string{DimTime}) {
		t.Errorf("time_ms: %v %v", tm.values, dims(tm))
	}
	for _, v := range []struct {
		name, unit string
		values     []float64
	}{{"voltage", "mV", d.Observed.Values}, {"current", "uA/cm2", d.Observed.Input}} {
		a := readArray(t, path, GroupObservedData+"/"+v.name)
		if !slices.Equal(a.values, v.values) || a.attrs["units"] != v.unit || a.attrs["coordinates"] != CoordTimeMs || !slices.Equal(dims(a), []string{DimTime}) {
			t.Errorf("%s: %v %v", v.name, a.values, a.attrs)
		}
	}
}

// The consolidated metadata holds every metadata file, as written.
func TestConsolidatedMetadataMatchesFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.zarr")
	if err := Write(path, fixture()); err != nil {
		t.Fatal(err)
	}
	var c struct {
		Format   int                        `json:"zarr_consolidated_format"`
		Metadata map[string]json.RawMessage `json:"metadata"`
	}
	readJSON(t, filepath.Join(path, zmetadataFile), &c)
	files := 0
	err := filepath.WalkDir(path, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !slices.Contains([]string{zgroupFile, zattrsFile, zarrayFile}, e.Name()) {
			return err
		}
		files++
		rel, _ := filepath.Rel(path, p)
		var file, consolidated any
		readJSON(t, p, &file)
		got, ok := c.Metadata[filepath.ToSlash(rel)]
		if !ok || json.Unmarshal(got, &consolidated) != nil || !reflect.DeepEqual(consolidated, file) {
			t.Errorf("%s: consolidated %s, file %v", rel, got, file)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != 1 || files != len(c.Metadata) || files == 0 {
		t.Errorf("format %d, %d entries for %d files", c.Format, len(c.Metadata), files)
	}
}

// tree returns every file under root with its content.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := Write(a, fixture()); err != nil {
		t.Fatal(err)
	}
	if err := Write(b, fixture()); err != nil {
		t.Fatal(err)
	}
	if ta, tb := tree(t, a), tree(t, b); !reflect.DeepEqual(ta, tb) || len(ta) == 0 {
		t.Error("the same Data gave different stores")
	}
}

func TestWriteRefusesBadData(t *testing.T) {
	cases := map[string]struct {
		edit func(d *Data)
		want string
	}{
		"no parameters":   {func(d *Data) { d.Names = nil }, "no parameters"},
		"units":           {func(d *Data) { d.Units = d.Units[:1] }, "1 units for 2 parameters"},
		"no chains":       {func(d *Data) { d.Chains = nil }, "no draws"},
		"ragged chains":   {func(d *Data) { d.Chains[1] = d.Chains[1][:4] }, "chain 1 has 4 draws"},
		"short draw":      {func(d *Data) { d.Chains[2][3] = d.Chains[2][3][:1] }, "chain 2 draw 3 has 1 values"},
		"duplicate name":  {func(d *Data) { d.Names[1] = "C_m" }, `"C_m" is already a parameter`},
		"coordinate name": {func(d *Data) { d.Names[0] = DimDraw }, "already a coordinate"},
		"slash":           {func(d *Data) { d.Names[0] = "a/b" }, "without '/'"},
		"dot":             {func(d *Data) { d.Names[0] = ".zattrs" }, "leading '.'"},
		"stat length":     {func(d *Data) { d.Stats[0].Values = d.Stats[0].Values[1:] }, "lp has 14 values, want 15"},
		"stat dims":       {func(d *Data) { d.Stats[0].Dims = []string{DimDraw, DimChain} }, "want (chain, draw)"},
		"stat dim length": {func(d *Data) {
			d.Stats = append(d.Stats, Stat{Name: "w2", Dims: []string{"proposal"}, Values: []float64{1}})
		}, "another has 7"},
		"empty scalar":      {func(d *Data) { d.Stats[2].Values = nil }, "acceptance_rate has 0 values"},
		"empty observation": {func(d *Data) { d.Observed.Values = nil }, "observation voltage is empty"},
		"input length":      {func(d *Data) { d.Observed.Input = d.Observed.Input[1:] }, "input current has 5 values"},
		"time step":         {func(d *Data) { d.Observed.StepMs = math.NaN() }, "time step NaN"},
		"observed time":     {func(d *Data) { d.Observed.InputName = DimTime }, "already a dimension"},
		"reserved attr":     {func(d *Data) { d.Attrs["inference_library"] = "x" }, "reserved"},
		"too many values":   {func(d *Data) { maxValues = 30 + 15 + 7 + 1 + 3*6 - 1 }, "71 values exceed MaxValues (70)"},
	}
	dir := t.TempDir()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() { maxValues = MaxValues }()
			d := fixture()
			c.edit(d)
			path := filepath.Join(dir, "out.zarr")
			err := Write(path, d)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if _, err := os.Lstat(path); err == nil {
				t.Fatal("a refused write left a store")
			}
		})
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("refused writes left %v", left)
	}
}

func TestWriteReplacesAStoreAndNothingElse(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.zarr")
	if err := Write(path, fixture()); err != nil {
		t.Fatal(err)
	}
	d := fixture()
	d.Chains = d.Chains[:1]
	d.Stats = nil
	if err := Write(path, d); err != nil {
		t.Fatal(err)
	}
	if a := readArray(t, path, GroupPosterior+"/C_m"); !slices.Equal(a.meta.Shape, []int{1, 5}) {
		t.Errorf("replaced store has shape %v, want [1 5]", a.meta.Shape)
	}
	if _, err := os.Stat(filepath.Join(path, GroupSampleStats)); err == nil {
		t.Error("the earlier store's sample_stats survived the replacement")
	}
	bad := fixture()
	bad.Names = nil
	before := tree(t, path)
	if err := Write(path, bad); err == nil {
		t.Fatal("bad data replaced a store")
	}
	if !reflect.DeepEqual(tree(t, path), before) {
		t.Error("a refused write changed the store")
	}
	// A write that fails half way (the file system refuses a name of 300
	// bytes after the root's files are written) leaves the store as it was.
	long := fixture()
	long.Names[1] = strings.Repeat("x", 300)
	if err := Write(path, long); err == nil || !strings.Contains(err.Error(), "name too long") {
		t.Fatalf("error %v, want the file system's refusal", err)
	}
	if !reflect.DeepEqual(tree(t, path), before) {
		t.Error("a failed write changed the store")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary folders left beside the store: %v", entries)
	}

	file := filepath.Join(dir, "notes.txt")
	folder := filepath.Join(dir, "results")
	os.WriteFile(file, []byte("keep"), 0o644)
	os.Mkdir(folder, 0o755)
	os.WriteFile(filepath.Join(folder, "a.csv"), []byte("keep"), 0o644)
	for _, p := range []string{file, folder} {
		if err := Write(p, fixture()); err == nil || !strings.Contains(err.Error(), "not a Zarr store") {
			t.Errorf("%s: error %v, want a refusal", p, err)
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "keep" {
		t.Error("the file was replaced")
	}
	if b, _ := os.ReadFile(filepath.Join(folder, "a.csv")); string(b) != "keep" {
		t.Error("the folder was replaced")
	}
}
