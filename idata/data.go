package idata

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/laa-neuro/laa/buildinfo"
)

// MaxValues bounds the values of one store (about 2 GiB of float64): a
// posterior larger than this is a mistake, not a result.
const MaxValues = 1 << 28

// maxValues is the bound check applies: MaxValues, lowered by tests.
var maxValues = MaxValues

// Group names of the InferenceData schema that Write produces.
const (
	GroupPosterior    = "posterior"
	GroupSampleStats  = "sample_stats"
	GroupObservedData = "observed_data"
)

// Dimension and coordinate names.
const (
	DimChain    = "chain"
	DimDraw     = "draw"
	DimTime     = "time"
	CoordTimeMs = "time_ms"
)

// Data is one InferenceData: the posterior draws kept per chain, the
// sampler's statistics, and the observation they condition on.
type Data struct {
	Names  []string      // parameters, one posterior variable each
	Units  []string      // their units ("" where none); nil: none known
	Chains [][][]float64 // draws, chain x draw x parameter; every chain as long
	Stats  []Stat        // the sample_stats group; empty: no group
	// Observed is the observed_data group; nil: no group.
	Observed *Observed
	// Attrs are attributes of the root and of every group, besides the
	// inference_library ("laa") and inference_library_version that Write
	// adds (and the posterior's "parameters"), e.g. "model_kind" and "route".
	Attrs map[string]string
}

// Stat is one variable of sample_stats.
type Stat struct {
	Name        string
	Description string // stored as the attribute "description"
	// Dims are the variable's dimensions: DimChain, DimDraw (Values
	// chain-major, chains x draws values), one dimension of another name
	// (as many values as it is long: all stats on it must agree), or none
	// (a scalar: one value).
	Dims   []string
	Values []float64
}

// Observed is the observation a posterior conditions on.
type Observed struct {
	Name   string    // variable name, e.g. "voltage"
	Unit   string    // e.g. "mV"
	Values []float64 // the observation
	// StepMs > 0 makes it a time series: dimension DimTime with the
	// coordinate CoordTimeMs = i * StepMs. Otherwise its dimension is
	// "<Name>_dim_0", the name ArviZ gives.
	StepMs float64
	// Input is a known input at each value (the injected current), nil if
	// none, stored as the variable InputName in InputUnit; InputNote, if
	// not empty, is its "description" (where it comes from).
	Input     []float64
	InputName string
	InputUnit string
	InputNote string
}

// array is one Zarr array: its name in its group, dimensions with their
// lengths, values (float64, or int64 when ints), and attributes.
type array struct {
	name   string
	dims   []string
	shape  []int
	values []float64
	ints   []int64
	attrs  map[string]any
}

// group is one Zarr group of the store.
type group struct {
	name   string
	attrs  map[string]any
	arrays []array
}

// groups checks d and returns the store's groups, in the order the schema
// lists them.
func (d *Data) groups() ([]group, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	attrs := d.attrs()
	chains, draws := len(d.Chains), len(d.Chains[0])
	coords := []array{intCoord(DimChain, chains), intCoord(DimDraw, draws)}
	// Stores list variables by name; "parameters" keeps laa's order.
	postAttrs := maps.Clone(attrs)
	postAttrs["parameters"] = d.Names
	post := group{name: GroupPosterior, attrs: postAttrs, arrays: slices.Clone(coords)}
	for j, name := range d.Names {
		v := make([]float64, 0, chains*draws)
		for _, ch := range d.Chains {
			for _, x := range ch {
				v = append(v, x[j])
			}
		}
		a := array{name: name, dims: []string{DimChain, DimDraw}, shape: []int{chains, draws}, values: v, attrs: map[string]any{}}
		if j < len(d.Units) && d.Units[j] != "" {
			a.attrs["units"] = d.Units[j]
		}
		post.arrays = append(post.arrays, a)
	}
	out := []group{post}
	if len(d.Stats) > 0 {
		g := group{name: GroupSampleStats, attrs: attrs}
		usesChains := false
		for _, s := range d.Stats {
			a := array{name: s.Name, dims: s.Dims, values: s.Values, attrs: map[string]any{}}
			switch len(s.Dims) {
			case 2:
				a.shape, usesChains = []int{chains, draws}, true
			case 1:
				a.shape = []int{len(s.Values)}
			}
			if s.Description != "" {
				a.attrs["description"] = s.Description
			}
			g.arrays = append(g.arrays, a)
		}
		if usesChains {
			g.arrays = slices.Concat(coords, g.arrays)
		}
		out = append(out, g)
	}
	if o := d.Observed; o != nil {
		out = append(out, group{name: GroupObservedData, attrs: attrs, arrays: o.arrays()})
	}
	return out, nil
}

// attrs returns the attributes of the root and of every group.
func (d *Data) attrs() map[string]any {
	a := map[string]any{"inference_library": "laa", "inference_library_version": buildinfo.Version()}
	for k, v := range d.Attrs {
		a[k] = v
	}
	return a
}

// arrays returns the observed_data group's arrays.
func (o *Observed) arrays() []array {
	dim := o.Name + "_dim_0"
	var out []array
	coord := ""
	if o.StepMs > 0 {
		dim, coord = DimTime, CoordTimeMs
		t := make([]float64, len(o.Values))
		for i := range t {
			t[i] = float64(i) * o.StepMs
		}
		out = append(out, array{name: CoordTimeMs, dims: []string{dim}, shape: []int{len(t)}, values: t, attrs: map[string]any{"units": "ms"}})
	}
	v := array{name: o.Name, dims: []string{dim}, shape: []int{len(o.Values)}, values: o.Values, attrs: map[string]any{}}
	if o.Unit != "" {
		v.attrs["units"] = o.Unit
	}
	out = append(out, v)
	if o.Input != nil {
		in := array{name: o.InputName, dims: []string{dim}, shape: []int{len(o.Input)}, values: o.Input, attrs: map[string]any{}}
		if o.InputUnit != "" {
			in.attrs["units"] = o.InputUnit
		}
		if o.InputNote != "" {
			in.attrs["description"] = o.InputNote
		}
		out = append(out, in)
	}
	if coord != "" {
		for i := range out[1:] {
			out[1+i].attrs["coordinates"] = coord
		}
	}
	return out
}

// intCoord is the coordinate 0..n-1 of dimension dim.
func intCoord(dim string, n int) array {
	v := make([]int64, n)
	for i := range v {
		v[i] = int64(i)
	}
	return array{name: dim, dims: []string{dim}, shape: []int{n}, ints: v, attrs: map[string]any{}}
}

// check refuses a Data that would not make a valid store.
func (d *Data) check() error {
	if len(d.Names) == 0 {
		return fmt.Errorf("idata: no parameters")
	}
	if d.Units != nil && len(d.Units) != len(d.Names) {
		return fmt.Errorf("idata: %d units for %d parameters", len(d.Units), len(d.Names))
	}
	if len(d.Chains) == 0 || len(d.Chains[0]) == 0 {
		return fmt.Errorf("idata: no draws")
	}
	draws := len(d.Chains[0])
	for c, ch := range d.Chains {
		if len(ch) != draws {
			return fmt.Errorf("idata: chain %d has %d draws, chain 0 has %d; chains must be as long", c, len(ch), draws)
		}
		for k, x := range ch {
			if len(x) != len(d.Names) {
				return fmt.Errorf("idata: chain %d draw %d has %d values for %d parameters", c, k, len(x), len(d.Names))
			}
		}
	}
	total := float64(len(d.Chains)) * float64(draws) * float64(len(d.Names))
	names := map[string]string{DimChain: "a coordinate", DimDraw: "a coordinate"}
	for _, n := range d.Names {
		if err := claim(names, n, "a parameter"); err != nil {
			return err
		}
	}
	if err := d.checkStats(len(d.Chains)*draws, &total); err != nil {
		return err
	}
	if o := d.Observed; o != nil {
		if err := o.check(); err != nil {
			return err
		}
		total += 3 * float64(len(o.Values))
	}
	if total > float64(maxValues) {
		return fmt.Errorf("idata: %.0f values exceed MaxValues (%d)", total, maxValues)
	}
	for k := range d.Attrs {
		if k == "" || k == "inference_library" || k == "inference_library_version" || k == "parameters" {
			return fmt.Errorf("idata: attribute name %q is empty or reserved", k)
		}
	}
	return nil
}

// checkStats checks the sample_stats variables (n: chains x draws) and adds
// their values to total.
func (d *Data) checkStats(n int, total *float64) error {
	names := map[string]string{DimChain: "a coordinate", DimDraw: "a coordinate"}
	dimLen := map[string]int{}
	for _, s := range d.Stats {
		if err := claim(names, s.Name, "a sample statistic"); err != nil {
			return err
		}
		want := 1
		switch {
		case len(s.Dims) == 2 && s.Dims[0] == DimChain && s.Dims[1] == DimDraw:
			want = n
		case len(s.Dims) == 1 && s.Dims[0] != DimChain && s.Dims[0] != DimDraw:
			if err := checkName(s.Dims[0], "dimension"); err != nil {
				return err
			}
			want = len(s.Values)
			if l, ok := dimLen[s.Dims[0]]; ok && l != want {
				return fmt.Errorf("idata: sample statistic %s has %d values on dimension %s, another has %d", s.Name, want, s.Dims[0], l)
			}
			dimLen[s.Dims[0]] = want
		case len(s.Dims) != 0:
			return fmt.Errorf("idata: sample statistic %s has dimensions %v; want (chain, draw), one other dimension, or none", s.Name, s.Dims)
		}
		if len(s.Values) != want || want == 0 {
			return fmt.Errorf("idata: sample statistic %s has %d values, want %d (> 0)", s.Name, len(s.Values), want)
		}
		*total += float64(len(s.Values))
	}
	for dim := range dimLen {
		if what, ok := names[dim]; ok && what != "a coordinate" {
			return fmt.Errorf("idata: dimension %s is also %s", dim, what)
		}
	}
	return nil
}

// check refuses an observation that would not make a valid group.
func (o *Observed) check() error {
	if len(o.Values) == 0 {
		return fmt.Errorf("idata: observation %s is empty", o.Name)
	}
	if math.IsNaN(o.StepMs) || math.IsInf(o.StepMs, 0) || o.StepMs < 0 {
		return fmt.Errorf("idata: observation %s: time step %g ms; want a finite step >= 0", o.Name, o.StepMs)
	}
	names := map[string]string{}
	if o.StepMs > 0 {
		names[CoordTimeMs], names[DimTime] = "a coordinate", "a dimension"
	}
	if err := claim(names, o.Name, "the observation"); err != nil {
		return err
	}
	if o.Input == nil {
		return nil
	}
	if len(o.Input) != len(o.Values) {
		return fmt.Errorf("idata: input %s has %d values, observation %s has %d", o.InputName, len(o.Input), o.Name, len(o.Values))
	}
	return claim(names, o.InputName, "the input")
}

// claim records name as what in names, refusing an invalid or taken name.
func claim(names map[string]string, name, what string) error {
	if err := checkName(name, what); err != nil {
		return err
	}
	if other, ok := names[name]; ok {
		return fmt.Errorf("idata: %s name %q is already %s", what, name, other)
	}
	names[name] = what
	return nil
}

// checkName refuses names that are not a single Zarr path component.
func checkName(name, what string) error {
	if name == "" || strings.ContainsAny(name, "/\\\x00") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "__") {
		return fmt.Errorf("idata: %s name %q: want a non-empty name without '/', '\\', a leading '.' or '__'", what, name)
	}
	return nil
}
