package comparison

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/reference"
)

// Cached references (Options.References). A directory holds, per
// compared observation (test row i), obs_<i>.json, the manifest, and the
// subsampled draws of each run: obs_<i>.npy (the main run) and
// obs_<i>_cross.npy (the second run, for the noise floor). The manifest
// ties the draws to the experiment and to the observed trace by SHA-256
// hashes, checked on load: a reference is the exact posterior of one trace
// under one experiment, whichever model's draws started its chains, so it
// may be reused across models trained on that experiment and refused for
// any other. It also keeps the run's seed, options, R-hat, ESS and MCMC
// seconds, so a reused reference still reports its cost and convergence.
//
// The main run's chains start from the neural draws of the model that was
// compared when the reference was made, not necessarily of the model being
// compared now. The start only shortens burn-in: the chains converge to
// the exact posterior regardless, and the cross-run check (a second run
// started from the prior) measures how well they did.

// refCacheVersion is the manifest format written.
const refCacheVersion = 1

// Run names in a manifest.
const (
	runMain  = "main"
	runCross = "cross"
)

// refRun is one reference run, reduced to a random subsample of its draws.
type refRun struct {
	Draws    [][]float64 `json:"-"`
	File     string      `json:"file"`
	Seed     uint64      `json:"seed"`
	Start    string      `json:"start"` // where the chains started
	Options  refOptions  `json:"options"`
	RHat     []*float64  `json:"rhat"` // per parameter; null where undefined
	ESS      []*float64  `json:"ess"`
	MaxRHat  float64     `json:"max_rhat"`
	Seconds  float64     `json:"mcmc_seconds"` // what the run cost when it was made
	Warnings []string    `json:"warnings,omitempty"`
	Cached   bool        `json:"-"` // loaded rather than sampled
}

// refOptions are the sampler options a run was made with.
type refOptions struct {
	Chains, Burnin, Iterations, MaxIterations, Thin int
}

// refManifest describes the cached runs of one observation.
type refManifest struct {
	Version    int                `json:"version"`
	Row        int                `json:"test_row"`
	TestSet    string             `json:"test_set,omitempty"` // the file, as the user named it
	Experiment string             `json:"experiment_sha256"`
	Trace      string             `json:"trace_sha256"`
	Names      []string           `json:"param_names"`
	Runs       map[string]*refRun `json:"runs"`
}

// sampleRun samples lp with mo and keeps n of its draws, drawn at random
// with rng.
func sampleRun(lp *reference.LogPosterior, mo reference.Options, n int, rng *rand.Rand, start string) (*refRun, error) {
	t0 := time.Now()
	res, err := lp.Sample(mo)
	if err != nil {
		return nil, err
	}
	r := &refRun{Draws: diagnose.SubsampleRows(res.Draws, n, rng), Seed: mo.Seed, Start: start,
		Options: refOptions{mo.Chains, mo.Burnin, mo.Iterations, mo.MaxIterations, mo.Thin},
		MaxRHat: maxRHat(res), Seconds: time.Since(t0).Seconds(), Warnings: res.Warnings}
	for j := range res.RHat {
		r.RHat = append(r.RHat, finite(res.RHat[j]))
		r.ESS = append(r.ESS, finite(res.ESS[j]))
	}
	return r, nil
}

// finite returns &v, or nil when v is NaN or infinite (JSON has no NaN).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// refCache is the cached references of one comparison.
type refCache struct {
	dir        string
	testSet    string
	experiment string
	names      []string
}

// newRefCache opens (creating it) the directory dir for the references of
// experiment cfg's parameters names.
func newRefCache(dir, testSet string, cfg neuron.Config, names []string) (*refCache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("comparison: references: %w", err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("comparison: references: %w", err)
	}
	h := sha256.Sum256(b)
	return &refCache{dir: dir, testSet: testSet, experiment: hex.EncodeToString(h[:]), names: names}, nil
}

// traceHash returns the SHA-256 of a trace's float64 values.
func traceHash(trace []float64) string {
	h := sha256.New()
	var b [8]byte
	for _, v := range trace {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *refCache) manifestPath(row int) string {
	return filepath.Join(c.dir, fmt.Sprintf("obs_%d.json", row))
}

// manifest returns the manifest of test row row, checked against the
// experiment and the trace, or a new empty one when there is none.
func (c *refCache) manifest(row int, trace []float64) (*refManifest, error) {
	want := &refManifest{Version: refCacheVersion, Row: row, TestSet: c.testSet, Experiment: c.experiment,
		Trace: traceHash(trace), Names: c.names, Runs: map[string]*refRun{}}
	path := c.manifestPath(row)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return want, nil
	}
	if err != nil {
		return nil, fmt.Errorf("comparison: references: %w", err)
	}
	var got refManifest
	if err := json.Unmarshal(b, &got); err != nil {
		return nil, fmt.Errorf("comparison: reference manifest %s: %w", path, err)
	}
	switch {
	case got.Version != refCacheVersion:
		return nil, fmt.Errorf("comparison: reference manifest %s has version %d; this laa reads version %d", path, got.Version, refCacheVersion)
	case got.Experiment != want.Experiment:
		return nil, fmt.Errorf("comparison: the cached reference %s was sampled under another experiment (configuration) than this model's; a reference is reusable only across models trained on the same experiment: use another --references directory", path)
	case got.Trace != want.Trace:
		return nil, fmt.Errorf("comparison: the cached reference %s was sampled for another trace than test row %d (test set %q then, %q now): use the same test set or another --references directory", path, row, got.TestSet, c.testSet)
	case !slices.Equal(got.Names, want.Names):
		return nil, fmt.Errorf("comparison: the cached reference %s has parameters %v, the model %v", path, got.Names, want.Names)
	}
	if got.Runs == nil {
		got.Runs = map[string]*refRun{}
	}
	return &got, nil
}

// run returns the run named name of test row row: loaded from the cache
// when it holds it (and then subsampled to n draws with rng), else made by
// sample and saved.
func (c *refCache) run(mf *refManifest, name string, n int, rng *rand.Rand, sample func() (*refRun, error)) (*refRun, error) {
	if r, ok := mf.Runs[name]; ok {
		draws, err := readNpy2D(filepath.Join(c.dir, r.File))
		if err != nil {
			return nil, err
		}
		switch {
		case len(draws) < n:
			return nil, fmt.Errorf("comparison: the cached reference %s holds %d draws, fewer than the %d wanted: compare fewer draws or use another --references directory", r.File, len(draws), n)
		case len(draws) > 0 && len(draws[0]) != len(c.names):
			return nil, fmt.Errorf("comparison: the cached reference %s has %d columns, want %d", r.File, len(draws[0]), len(c.names))
		}
		r.Draws, r.Cached = diagnose.SubsampleRows(draws, n, rng), true
		return r, nil
	}
	r, err := sample()
	if err != nil {
		return nil, err
	}
	r.File = fmt.Sprintf("obs_%d.npy", mf.Row)
	if name != runMain {
		r.File = fmt.Sprintf("obs_%d_%s.npy", mf.Row, name)
	}
	if err := dataset.WriteRowsNPY(filepath.Join(c.dir, r.File), r.Draws, len(c.names)); err != nil {
		return nil, fmt.Errorf("comparison: references: %w", err)
	}
	mf.Runs[name] = r
	if err := atomicfile.WriteJSON(c.manifestPath(mf.Row), mf); err != nil {
		return nil, fmt.Errorf("comparison: references: %w", err)
	}
	return r, nil
}
