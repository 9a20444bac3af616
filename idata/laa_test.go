package idata

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/reference"
)

func TestFromPosteriorKeepsEachRoute(t *testing.T) {
	draws := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	psis := &diagnose.PSISResult{KHat: 0.3, Threshold: 0.6, ESS: 2.5, LogWeights: []float64{-1.2, -0.9, -1.5, -1.0}}
	chains := [][][]float64{{{1, 2}, {1, 3}}, {{2, 2}, {2, 3}}}
	cases := []struct {
		r      *exact.Result
		route  string
		chains [][][]float64
		stats  []string
	}{
		{&exact.Result{Route: exact.Amortized, Reason: "off", Draws: draws}, RouteAmortized, [][][]float64{draws}, nil},
		{&exact.Result{Route: exact.Importance, Reason: "ok", Draws: draws, PSIS: psis}, RouteImportance, [][][]float64{draws},
			[]string{"log_weight", "pareto_k", "pareto_k_threshold", "importance_ess"}},
		{&exact.Result{Route: exact.MCMC, Reason: "k-hat", Draws: draws, PSIS: psis, Reference: &reference.Result{Chains: chains, AcceptRate: 0.2}}, RouteMCMC, chains,
			[]string{"acceptance_rate", "log_weight", "pareto_k", "pareto_k_threshold", "importance_ess"}},
	}
	for _, c := range cases {
		d := FromPosterior([]string{"a", "b"}, []string{"mV", ""}, c.r)
		var stats []string
		for _, s := range d.Stats {
			stats = append(stats, s.Name)
		}
		if d.Attrs["route"] != c.route || d.Attrs["route_reason"] != c.r.Reason || !reflect.DeepEqual(d.Chains, c.chains) || !reflect.DeepEqual(stats, c.stats) {
			t.Errorf("%s: attrs %v, chains %v, stats %v", c.r.Route, d.Attrs, d.Chains, stats)
		}
		if err := Write(filepath.Join(t.TempDir(), "s.zarr"), d); err != nil {
			t.Errorf("%s: %v", c.r.Route, err)
		}
	}
}

func TestObservedOfNamesAndStimulus(t *testing.T) {
	o := model.Observation{Length: 3, Series: true, StepMs: 0.25, Unit: "mV", Input: []float64{0, 1, 1}, InputUnit: "uA/cm2"}
	got := ObservedOf(neuron.Kind, o, []float64{-65, -64, -63}, nil)
	if got.Name != "voltage" || got.InputName != "current" || got.StepMs != 0.25 || !reflect.DeepEqual(got.Input, o.Input) || got.InputNote == "" {
		t.Errorf("protocol stimulus: %+v", got)
	}
	rec := []float64{0, 2, 2}
	if got := ObservedOf(neuron.Kind, o, []float64{-65, -64, -63}, rec); !reflect.DeepEqual(got.Input, rec) {
		t.Errorf("recorded stimulus: %+v", got)
	}
	vec := model.Observation{Length: 2, Unit: ""}
	got = ObservedOf("coin", vec, []float64{1, 0}, nil)
	if got.Name != "y" || got.StepMs != 0 || got.Input != nil {
		t.Errorf("vector observation: %+v", got)
	}
	store := filepath.Join(t.TempDir(), "s.zarr")
	if err := Write(store, &Data{Names: []string{"p"}, Chains: [][][]float64{{{0.5}}}, Observed: got}); err != nil {
		t.Fatal(err)
	}
	if a := readArray(t, store, GroupObservedData+"/y"); !reflect.DeepEqual(dims(a), []string{"y_dim_0"}) || a.attrs["coordinates"] != nil {
		t.Errorf("vector observation stored on %v with attributes %v", dims(a), a.attrs)
	}
}
