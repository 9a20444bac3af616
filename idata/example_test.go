package idata_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/laa-neuro/laa/idata"
)

// Write stores two chains of three draws of one parameter and the trace
// they condition on; Python opens the folder with
// az.from_datatree(xr.open_datatree(path, engine="zarr")).
func ExampleWrite() {
	dir, err := os.MkdirTemp("", "idata-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	d := &idata.Data{
		Names:  []string{"g_L"},
		Units:  []string{"mS/cm2"},
		Chains: [][][]float64{{{0.10}, {0.11}, {0.09}}, {{0.12}, {0.10}, {0.10}}},
		Stats:  []idata.Stat{{Name: "acceptance_rate", Values: []float64{0.3}}},
		Observed: &idata.Observed{Name: "voltage", Unit: "mV", Values: []float64{-65, -64, -60}, StepMs: 0.1,
			Input: []float64{0, 10, 10}, InputName: "current", InputUnit: "uA/cm2"},
		Attrs: map[string]string{"model_kind": "laa", "route": idata.RouteMCMC},
	}
	store := filepath.Join(dir, "trace.idata.zarr")
	if err := idata.Write(store, d); err != nil {
		fmt.Println(err)
		return
	}
	filepath.WalkDir(store, func(path string, e os.DirEntry, err error) error {
		if rel, _ := filepath.Rel(store, path); err == nil && !e.IsDir() && !strings.HasPrefix(e.Name(), ".z") {
			fmt.Println(filepath.ToSlash(rel)) // the chunks; beside each, .zarray and .zattrs
		}
		return err
	})
	// Output:
	// observed_data/current/0
	// observed_data/time_ms/0
	// observed_data/voltage/0
	// posterior/chain/0
	// posterior/draw/0
	// posterior/g_L/0.0
	// sample_stats/acceptance_rate/0
}
