package npe_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/npe"
)

const (
	// corruptions is the number of random one-byte corruptions tried.
	corruptions = 10000
	// allocPerByte and allocSlack bound what one decode of a corrupted
	// file may allocate: allocPerByte times the file's size plus
	// allocSlack (the simulator's stimulus arrays for the 600 ms protocol
	// at dt 0.5 ms, 1,200 RK4 steps, and the JSON decoder's work).
	allocPerByte = 12
	allocSlack   = 256 << 10
)

// tinyFile returns the tiny untrained test model, its file's bytes and the
// data set it was initialized on.
func tinyFile(tb testing.TB) ([]byte, *npe.Model, *dataset.Set) {
	tb.Helper()
	m, d := testmodel.Untrained(tb, neuron.Default())
	b, err := npe.Encode(m, npe.Extra{})
	if err != nil {
		tb.Fatal(err)
	}
	return b, m, d
}

// parts splits a model file into its header (decoded, numbers kept
// exact) and its array bytes.
func parts(tb testing.TB, b []byte) (map[string]any, []byte) {
	tb.Helper()
	hlen := int(binary.LittleEndian.Uint32(b[12:16]))
	dec := json.NewDecoder(bytes.NewReader(b[16 : 16+hlen]))
	dec.UseNumber()
	var h map[string]any
	if err := dec.Decode(&h); err != nil {
		tb.Fatal(err)
	}
	return h, b[16+hlen : len(b)-4]
}

// assemble writes a model file of a header and array bytes with a valid
// CRC, as a crafted file would have.
func assemble(tb testing.TB, h map[string]any, arrays []byte) []byte {
	tb.Helper()
	hdr, err := json.Marshal(h)
	if err != nil {
		tb.Fatal(err)
	}
	b := append([]byte("LAAMODEL"), 1, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	b = append(append(b, hdr...), arrays...)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// fixCRC returns b with its last four bytes set to the CRC of the rest.
func fixCRC(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	b = bytes.Clone(b)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

// sub returns the JSON object at the path of keys.
func sub(h map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		h = h[k].(map[string]any)
	}
	return h
}

// craftedNegLen is the defect of model_neg_len.laa: an extra array of
// length -1 before the others, with a valid CRC.
func craftedNegLen(tb testing.TB, b []byte) []byte {
	h, arrays := parts(tb, b)
	n := len(arrays) / 4
	h["arrays"] = []any{map[string]any{"name": "adam_m", "len": -1}, map[string]any{"name": "params", "len": n}}
	return assemble(tb, h, arrays)
}

// craftedStimulus replaces the experiment's stimulus with a file stimulus
// that names path only, as laa wrote them before stimuli were embedded.
func craftedStimulus(tb testing.TB, b []byte, path string) []byte {
	h, arrays := parts(tb, b)
	sub(h, "experiment")["stimulus"] = map[string]any{"kind": "file", "file": path}
	return assemble(tb, h, arrays)
}

func TestCraftedModelFilesAreRefused(t *testing.T) {
	t.Parallel()
	b, _, _ := tinyFile(t)
	_, arrays := parts(t, b)
	n := len(arrays) / 4
	nan := bytes.Clone(arrays)
	binary.LittleEndian.PutUint32(nan, math.Float32bits(float32(math.NaN())))
	edit := func(f func(h map[string]any)) []byte {
		h, a := parts(t, b)
		f(h)
		return assemble(t, h, a)
	}
	withArrays := func(list []any, a []byte) []byte {
		h, _ := parts(t, b)
		h["arrays"] = list
		return assemble(t, h, a)
	}
	entry := func(name string, n int) any { return map[string]any{"name": name, "len": n} }
	hugeHlen := bytes.Clone(b)
	binary.LittleEndian.PutUint32(hugeHlen[12:], 1<<31)
	pastEnd := bytes.Clone(b)
	binary.LittleEndian.PutUint32(pastEnd[12:], uint32(len(b)))
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"negative length":         {craftedNegLen(t, b), `array "adam_m" of -1 values does not fit`},
		"length past the end":     {withArrays([]any{entry("params", n+1)}, arrays), "does not fit"},
		"overflowing length":      {withArrays([]any{entry("params", n), entry("adam_m", 1<<62)}, arrays), "does not fit"},
		"duplicate array":         {withArrays([]any{entry("params", n/2), entry("params", n-n/2)}, arrays), "listed twice"},
		"bad array name":          {withArrays([]any{entry("params", n/2), entry("../x", n-n/2)}, arrays), "array name"},
		"no weights":              {withArrays([]any{entry("weights", n)}, arrays), `no "params" array`},
		"too many arrays":         {withArrays([]any{entry("params", n), entry("a", 0), entry("b", 0), entry("c", 0), entry("d", 0), entry("e", 0)}, arrays), "MaxExtraArrays"},
		"extra of another length": {withArrays([]any{entry("params", n-1), entry("adam_m", 1)}, arrays), `"adam_m" has 1 values, the weights`},
		"trailing bytes":          {withArrays([]any{entry("params", n-2)}, arrays), "8 bytes after the arrays"},
		"header over the limit":   {fixCRC(hugeHlen), "MaxHeaderBytes"},
		"header past the end":     {fixCRC(pastEnd), "runs past the end"},
		"mistyped header":         {assemble(t, map[string]any{"format": 3}, arrays), "header"},
		"huge layer": {edit(func(h map[string]any) {
			sub(h, "config", "summary")["hidden"], sub(h, "config", "summary")["out"] = 1000000, 1000000
		}), "exceeds the limit MaxWidth = 4096"},
		"huge network within the widths": {edit(func(h map[string]any) {
			sub(h, "config", "summary")["hidden"], sub(h, "config", "summary")["layers"] = 4096, 64
		}), "more than MaxParams"},
		"another network":      {edit(func(h map[string]any) { sub(h, "config", "summary")["hidden"] = 9 }), "the file holds"},
		"negative pool":        {edit(func(h map[string]any) { sub(h, "config", "summary")["pool"] = -1 }), "must be positive"},
		"unknown summary":      {edit(func(h map[string]any) { sub(h, "config", "summary")["kind"] = "transformer" }), "unknown summary network"},
		"negative flow":        {edit(func(h map[string]any) { sub(h, "config", "flow")["layers"] = -3 }), "flow layers -3 is negative"},
		"deep flow":            {edit(func(h map[string]any) { sub(h, "config", "flow")["hidden_layers"] = 1000 }), "MaxDepth"},
		"spline bins":          {edit(func(h map[string]any) { sub(h, "config", "flow")["bins"] = 1 << 40 }), "MaxWidth"},
		"parameter names":      {edit(func(h map[string]any) { h["param_names"] = []any{"g_L", "C_m", "E_L", "k", "V_thr"} }), "do not match the experiment"},
		"statistic names":      {edit(func(h map[string]any) { h["stat_names"].([]any)[0] = "v_max" }), `statistic 1 is "v_max", the experiment's is "rest_mean"`},
		"weight shape":         {edit(func(h map[string]any) { h["param_shapes"].([]any)[0].([]any)[0] = "conv0.W" }), "weight shape 0"},
		"missing shapes":       {edit(func(h map[string]any) { delete(h, "param_shapes") }), "weight shapes for a network of"},
		"short norm":           {edit(func(h map[string]any) { sub(h, "norms", "theta")["mean"] = []any{0} }), "norms.theta has 1 means"},
		"zero sd":              {edit(func(h map[string]any) { sub(h, "norms", "voltage")["sd"] = []any{0} }), "norms.voltage column 0"},
		"no stats norm":        {edit(func(h map[string]any) { delete(sub(h, "norms"), "stats") }), "norms.stats has 0 means"},
		"NaN weight":           {withArrays([]any{entry("params", n)}, nan), "is NaN"},
		"invalid experiment":   {edit(func(h map[string]any) { sub(h, "experiment")["duration_ms"] = -1 }), "duration_ms"},
		"endless experiment":   {edit(func(h map[string]any) { sub(h, "experiment")["duration_ms"] = 1e12 }), "MaxSamplesPerTrace"},
		"no experiment":        {edit(func(h map[string]any) { delete(h, "experiment") }), "experiment"},
		"foreign format":       {edit(func(h map[string]any) { h["format"] = "laa-dataset" }), "want laa-model"},
		"legacy file stimulus": {craftedStimulus(t, b, "/dev/zero"), "stimulus"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := npe.Decode(c.data)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", name, err, c.want)
		}
		if errors.Is(err, npe.ErrUnchecked) {
			t.Errorf("%s: only the last guard caught it: %v", name, err)
		}
		// Other tests run in parallel, so this bounds their allocations
		// too: it only catches a refusal that allocates what the header asks.
		if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
			t.Errorf("%s: refusing it allocated %d MB", name, got>>20)
		}
	}
	if _, _, err := npe.Decode(craftedStimulus(t, b, "/dev/zero")); !errors.Is(err, neuron.ErrStimulusNotEmbedded) {
		t.Errorf("a legacy stimulus path without legacy reading: %v, want neuron.ErrStimulusNotEmbedded", err)
	}
}

func TestLoadReadsLegacyStimulusWithBounds(t *testing.T) {
	t.Parallel()
	b, m, d := tinyFile(t)
	dir := t.TempDir()
	stim := filepath.Join(dir, "stim.csv")
	if err := os.WriteFile(stim, []byte("time_ms,current\n50,0.5\n200,1\n350,1.5\n500,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(dir, "legacy.laa")
	if err := os.WriteFile(legacy, craftedStimulus(t, b, stim), 0o644); err != nil {
		t.Fatal(err)
	}
	back, _, err := npe.Load(legacy)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Warnings) != 1 || !strings.Contains(back.Warnings[0], stim) {
		t.Errorf("warnings %q, want one naming %s", back.Warnings, stim)
	}
	if got := back.Experiment.Stimulus; len(got.Times) != 4 || got.Levels[2] != 1.5 {
		t.Errorf("embedded stimulus %+v, want the file's four breakpoints", got)
	}
	// The same stimulus as the default staircase: the same draws.
	rng := func() *rand.Rand { return rand.New(rand.NewPCG(5, 5)) }
	o, err := m.FromSet(d, 3)
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.Sample([]npe.Observation{o}, 5, rng())
	if err != nil {
		t.Fatal(err)
	}
	c, err := back.Sample([]npe.Observation{o}, 5, rng())
	if err != nil {
		t.Fatal(err)
	}
	if a[0].Draws[4][0] != c[0].Draws[4][0] {
		t.Errorf("draw %v after loading the legacy file, %v before", c[0].Draws[4], a[0].Draws[4])
	}

	devzero := filepath.Join(dir, "devzero.laa")
	if err := os.WriteFile(devzero, craftedStimulus(t, b, "/dev/zero"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := npe.Load(devzero); err == nil || !strings.Contains(err.Error(), "regular") {
		t.Errorf("a model naming /dev/zero as its stimulus: %v, want a refusal of a file that is not regular", err)
	}
	for _, p := range []string{"/dev/zero", dir} {
		if _, _, err := npe.Load(p); err == nil || !strings.Contains(err.Error(), "only a regular file is read") {
			t.Errorf("load %s: %v, want a refusal of a file that is not regular", p, err)
		}
	}
}

// TestOneByteCorruptions corrupts one random byte of the tiny model's
// file, 10,000 times (fixed seed): as found on a disk, where the CRC must
// catch every one, and with the CRC recomputed, as a crafted file would
// have it, where decode must refuse or load without a panic, a fatal error
// or an allocation beyond a small multiple of the file's size, and every
// model it loads must work or refuse its input. It runs alone (not in
// parallel) so that the allocation it measures is its own.
func TestOneByteCorruptions(t *testing.T) {
	b, _, d := tinyFile(t)
	obs := make([]float64, d.T)
	for i, v := range d.Traces[:d.T] {
		obs[i] = float64(v)
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	type corruption struct {
		pos int
		xor byte
	}
	cs := make([]corruption, corruptions)
	for i := range cs {
		cs[i] = corruption{rng.IntN(len(b)), byte(1 + rng.IntN(255))}
	}
	corrupt := func(c corruption) []byte {
		x := bytes.Clone(b)
		x[c.pos] ^= c.xor
		return x
	}

	start := time.Now()
	var crc, other int
	for _, c := range cs {
		_, _, err := npe.Decode(corrupt(c))
		switch {
		case err == nil:
			t.Fatalf("byte %d ^ %#x: the corrupted file loaded", c.pos, c.xor)
		case errors.Is(err, npe.ErrUnchecked):
			t.Fatalf("byte %d ^ %#x: %v", c.pos, c.xor, err)
		case strings.Contains(err.Error(), "truncated or corrupt"):
			crc++
		default:
			other++ // the magic or the version, read before the CRC
		}
	}
	t.Logf("%d corruptions as found: %d caught by the CRC, %d by the magic or version, 0 loaded (%.2f s)",
		corruptions, crc, other, time.Since(start).Seconds())

	start = time.Now()
	var refused, loaded, used int
	var worst uint64
	var ms runtime.MemStats
	for _, c := range cs {
		x := fixCRC(corrupt(c))
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		m, _, err := npe.Decode(x)
		runtime.ReadMemStats(&ms)
		if a := ms.TotalAlloc - before; a > worst {
			worst = a
			if a > allocPerByte*uint64(len(x))+allocSlack {
				t.Errorf("byte %d ^ %#x: decode allocated %d bytes for a file of %d", c.pos, c.xor, a, len(x))
			}
		}
		if errors.Is(err, npe.ErrUnchecked) {
			t.Fatalf("byte %d ^ %#x: %v", c.pos, c.xor, err)
		}
		if err != nil {
			refused++
			continue
		}
		loaded++
		if exercise(t, m, obs, fmt.Sprintf("byte %d ^ %#x", c.pos, c.xor)) {
			used++
		}
	}
	t.Logf("%d corruptions with the CRC recomputed: %d refused, %d loaded (%d of them sampled, the others refused the observation); at most %d bytes allocated per decode of a %d-byte file (%.2f s)",
		corruptions, refused, loaded, used, worst, len(b), time.Since(start).Seconds())
}

// exercise runs a loaded model on a trace and reports whether it drew from
// the posterior (false: it refused the trace with an error). A panic fails
// the test, naming what.
func exercise(t *testing.T, m *npe.Model, trace []float64, what string) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: the loaded model panics: %v", what, r)
		}
	}()
	o, err := m.Observe(trace)
	if err != nil {
		return false
	}
	if _, err := m.Sample([]npe.Observation{o}, 4, rand.New(rand.NewPCG(1, 2))); err != nil {
		return false
	}
	if _, err := m.Summaries([]npe.Observation{o}); err != nil {
		return false
	}
	_, err = m.LogProb(o, [][]float64{{1, 0.1, -65, 6, -50}})
	return err == nil
}

func TestLimitsRefuseOversizedNetworks(t *testing.T) {
	t.Parallel()
	_, _, d := tinyFile(t)
	for _, c := range []struct {
		cfg  npe.Config
		want string
	}{
		{npe.Config{Summary: npe.SummaryConfig{Hidden: 1000000}}, "MaxWidth"},
		{npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryLSTM, Hidden: 4096, Layers: 64}}, "MaxParams"},
		{npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryCNN, Channels: make([]int, 65)}}, "MaxDepth"},
		{npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryCNN, Kernel: 1000}}, "MaxKernel"},
		{npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryCNN, Pool: 1, Channels: []int{4096}, Stride: 1}}, "MaxParams"},
		{npe.Config{Summary: npe.SummaryConfig{Pool: 5000}}, "MaxPool"},
		{npe.Config{Flow: npe.FlowConfig{Layers: 1000}}, "MaxDepth"},
		{npe.Config{Flow: npe.FlowConfig{Hidden: -1}}, "negative"},
	} {
		if _, err := npe.New(c.cfg, d, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %s", c.cfg, err, c.want)
		}
	}
}

// TestWeightCountMatchesNetwork checks the count made before allocating
// (and compared with the file) against the networks built.
func TestWeightCountMatchesNetwork(t *testing.T) {
	t.Parallel()
	_, _, d := tinyFile(t)
	cfg := neuron.Default()
	ga := neuron.LogNormal(2, 0.3)
	cfg.Priors.Gact = &ga // six parameters: an even split in the couplings
	sim, err := neuron.NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d6, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 1, N: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []npe.Config{
		{},
		{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 3, Hidden: 5, Layers: 3}, Flow: npe.FlowConfig{Layers: 1, Hidden: 7, HiddenLayers: 1}},
		{Summary: npe.SummaryConfig{Kind: npe.SummaryLSTM, Out: 6, Hidden: 5, Layers: 3, Pool: 7}, Flow: npe.FlowConfig{Coupling: "spline", Bins: 5, Hidden: 4}},
		{Summary: npe.SummaryConfig{Kind: npe.SummaryCNN, Pool: 7, Channels: []int{3, 5}, Kernel: 4, Stride: 3}, Flow: npe.FlowConfig{HiddenLayers: 3, Hidden: 6}},
		{Summary: npe.SummaryConfig{Kind: npe.SummaryHybrid, Out: 2, Hidden: 3, Layers: 1, Pool: 9, Channels: []int{2}, Kernel: 1, Stride: 5}, Flow: npe.FlowConfig{Coupling: "spline", Layers: 3, Hidden: 4}},
		{Summary: npe.SummaryConfig{Kind: npe.SummaryCNN}},
	} {
		for _, set := range []*dataset.Set{d, d6} {
			m, err := npe.New(c, set, 1)
			if err != nil {
				t.Fatalf("%+v: %v", c, err)
			}
			if got, want := npe.NumParams(m), nn.NumValues(m.Params()); got != want {
				t.Errorf("%+v, %d parameters: counted %d weights, the network has %d", c, set.P, got, want)
			}
		}
	}
}

// TestSaveRefusesWhatLoadRefuses checks that Save never writes a file Load
// would refuse, and that extra state comes back as saved.
func TestSaveRefusesWhatLoadRefuses(t *testing.T) {
	t.Parallel()
	_, m, _ := tinyFile(t)
	n := nn.NumValues(m.Params())
	per := func(v float32) []float32 {
		a := make([]float32, n)
		for i := range a {
			a[i] = v * float32(i)
		}
		return a
	}
	for name, c := range map[string]struct {
		extra npe.Extra
		want  string
	}{
		"short extra":   {npe.Extra{Arrays: map[string][]float32{"adam_m": per(1)[:n-1]}}, "the model"},
		"reserved name": {npe.Extra{Arrays: map[string][]float32{"params": per(1)}}, "reserved"},
		"bad name":      {npe.Extra{Arrays: map[string][]float32{"Adam M": per(1)}}, "lower-case identifier"},
		"too many":      {npe.Extra{Arrays: map[string][]float32{"a": per(1), "b": per(1), "c": per(1), "d": per(1), "e": per(1)}}, "MaxExtraArrays"},
		"invalid JSON":  {npe.Extra{Training: json.RawMessage("{")}, "JSON"},
	} {
		if _, err := npe.Encode(m, c.extra); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", name, err, c.want)
		}
	}
	extra := npe.Extra{Training: json.RawMessage(`{"epoch":3}`), Arrays: map[string][]float32{"adam_m": per(1), "adam_v": per(2)}}
	b, err := npe.Encode(m, extra)
	if err != nil {
		t.Fatal(err)
	}
	_, back, err := npe.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Training) != `{"epoch":3}` || len(back.Arrays) != 2 || back.Arrays["adam_v"][n-1] != 2*float32(n-1) {
		t.Errorf("extra state %s, %d arrays came back, want %s and 2", back.Training, len(back.Arrays), extra.Training)
	}

	p := m.Params()[0]
	old := p.Value.Data[3]
	p.Value.Data[3] = float32(math.Inf(1))
	defer func() { p.Value.Data[3] = old }()
	if _, err := npe.Encode(m, npe.Extra{}); err == nil || !strings.Contains(err.Error(), "dense0.W[3] is +Inf") {
		t.Errorf("a model with an infinite weight: %v", err)
	}
}
