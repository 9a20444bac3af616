package workflow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/laa-neuro/laa/buildinfo"
	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagreport"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/train"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// AssessOptions say what Assess measures besides calibration on the
// held-out set, and how the report names its inputs. Zero fields take the
// defaults in brackets.
type AssessOptions struct {
	Sims  int    // held-out simulations assessed [1000, or all if fewer]
	Draws int    // posterior draws per held-out simulation [200]
	Seed  uint64 // every random draw of the assessment flows from it

	// Recordings are fitted, each on a report page of its own. One that
	// cannot be read is an error; one that cannot be fitted is a warning
	// of the result, and the report goes on without its page.
	Recordings []RecordingFile
	// Comparison with the exact posterior [none: Obs 0].
	Comparison ComparisonOptions

	// How the report names the model and the held-out set (their files,
	// or "" for a model and data held in memory), and the loss history
	// the report draws (nil: no training section).
	ModelFile, DataFile string
	History             *train.History

	// Warn, when set, is told each warning as it arises (a recording not
	// fitted, a comparison that failed). The assessment holds them too: the
	// recordings' in its Warnings, a failed comparison's as the
	// comparison's Absent.
	Warn     func(string)
	Progress Progress
}

// ComparisonOptions set up the comparison of the neural posterior with
// the exact one (MCMC on the likelihood) on the first Obs held-out
// observations, each sampled twice for the comparison's noise floor.
type ComparisonOptions struct {
	// Obs, Draws, MCMC, Exact, ... as comparison.Run takes them; Obs
	// 0 means no new comparison. Progress is set by Assess.
	comparison.Options
	// Saved is a directory written by comparison.Result.Write ('laa compare'):
	// its comparison is shown instead of a new one.
	Saved string
	// Off says, for the report, why there is no comparison when Obs is 0
	// and Saved empty ["it was switched off"].
	Off string
}

// RecordingFile is a recording to fit and how to read it.
type RecordingFile struct {
	Path    string            // CSV/TSV or NWB
	Read    recording.Options // units, membrane area, NWB sweep
	StartMs float64           // where the model's window starts in the recording (ms from its first sample)
	Filter  recording.Filter  // anti-aliasing filter for resampling [sinc]
}

// Prepare reads the recording and puts it on the grid of the experiment
// cfg, as the model sees it.
func (r RecordingFile) Prepare(cfg neuron.Config) (recording.Recording, recording.Prepared, error) {
	raw, err := recording.Read(r.Path, r.Read)
	if err != nil {
		return raw, recording.Prepared{}, err
	}
	grid := recording.GridOf(cfg, r.StartMs)
	grid.Filter = r.Filter
	p, err := recording.Prepare(raw, grid)
	if err != nil {
		return raw, p, fmt.Errorf("%s: %w", r.Path, err)
	}
	return raw, p, nil
}

// Name is the recording's name in the report: the file's base name without
// its extension.
func (r RecordingFile) Name() string {
	return strings.TrimSuffix(filepath.Base(r.Path), filepath.Ext(r.Path))
}

// Assessment is everything the report shows, complete when Assess
// returns: calibration and recovery on the held-out set, the recordings'
// fits and the comparison with the exact posterior, with what they came
// from. Each part is the result of its own package, as it came.
type Assessment struct {
	// Result is the assessment on the held-out set: calibration,
	// recovery, typicality and the predictive check, with its warnings.
	Result *validation.Result
	// Recordings are the recordings fitted, in the order given; one that
	// could not be fitted has no entry, only a warning in Warnings.
	Recordings []trust.Result
	// Comparison is the comparison with the exact posterior (new or
	// saved), or one whose Absent says why there is none.
	Comparison *comparison.Result
	// Warnings are the run's own, besides Result's: a recording that
	// could not be fitted.
	Warnings []string
	// Info names the model, the data, the laa version and the experiment,
	// with the loss curves, for the report.
	Info diagreport.Info
	// Seconds each part took: the held-out set, the recordings, the
	// comparison.
	CalibrationSeconds, RecordingSeconds, ComparisonSeconds float64

	savedComparison string // the directory the comparison was read from; "" when made here
}

// Assess checks the model on the held-out set test (calibration, recovery,
// typicality, a predictive check), fits each recording and compares the
// posterior with the exact one, as opt says, and returns it all at once.
func Assess(ctx context.Context, m *npe.Model, test *dataset.Set, opt AssessOptions) (*Assessment, error) {
	if err := checkContext(ctx, "assess"); err != nil {
		return nil, err
	}
	a := &Assessment{Info: diagreport.Info{Model: orMemory(opt.ModelFile), Data: orMemory(opt.DataFile), Version: buildinfo.Version(), Experiment: m.Experiment, Generative: m.Generative}}
	if h := opt.History; h != nil {
		a.Info.TrainLoss, a.Info.ValLoss = h.Train, h.Val
	}
	if !m.IsLAA() {
		a.Info.Generative = m.Generative // the report lists its kind and description
	}
	t0 := time.Now()
	opt.Progress.report(Update{Stage: StageAssess, Total: min(orDefault(opt.Sims, 1000), test.N), Unit: "posteriors"})
	res, err := validation.Assess(m, test, validation.Options{Sims: opt.Sims, Draws: opt.Draws, Seed: opt.Seed,
		Progress: func(done, total int) {
			opt.Progress.report(Update{Stage: StageAssess, Done: done, Total: total, Unit: "posteriors"})
		}})
	if err != nil {
		return nil, err
	}
	a.Result, a.CalibrationSeconds = res, time.Since(t0).Seconds()
	warn := func(w string) {
		a.Warnings = append(a.Warnings, w)
		if opt.Warn != nil {
			opt.Warn(w)
		}
	}
	if err := checkContext(ctx, "assess recordings"); err != nil {
		return nil, err
	}
	t0 = time.Now()
	if a.Recordings, err = assessRecordings(m, test, opt, warn); err != nil {
		return nil, err
	}
	a.RecordingSeconds = time.Since(t0).Seconds()
	if err := checkContext(ctx, "compare with the exact posterior"); err != nil {
		return nil, err
	}
	t0 = time.Now()
	// A failed comparison is told to Warn but not added to the
	// assessment's warnings: the report's comparison section says it
	// (Absent).
	tell := func(w string) {
		if opt.Warn != nil {
			opt.Warn(w)
		}
	}
	if a.Comparison, err = compare(m, test, opt, tell); err != nil {
		return nil, err
	}
	a.savedComparison, a.ComparisonSeconds = opt.Comparison.Saved, time.Since(t0).Seconds()
	return a, nil
}

// assessRecordings fits each recording of opt against the typicality
// reference of the held-out set.
func assessRecordings(m *npe.Model, test *dataset.Set, opt AssessOptions, warn func(string)) ([]trust.Result, error) {
	if len(opt.Recordings) == 0 {
		return nil, nil
	}
	ref, _, err := validation.Reference(m, test, opt.Seed)
	if err != nil {
		return nil, err
	}
	var out []trust.Result
	for i, rf := range opt.Recordings {
		opt.Progress.report(Update{Stage: StageRecordings, Done: i, Total: len(opt.Recordings), Unit: "recordings"})
		raw, p, err := rf.Prepare(m.Experiment)
		if err != nil {
			return nil, err
		}
		r, err := trust.Assess(m, ref, rf.Name(), raw, p, trust.Options{Draws: 2000, PPCDraws: 200, Seed: opt.Seed})
		if err != nil { // the report goes on without this recording's page
			warn(fmt.Sprintf("recording %s could not be fitted: %v", rf.Path, err))
			continue
		}
		out = append(out, r)
	}
	opt.Progress.report(Update{Stage: StageRecordings, Done: len(opt.Recordings), Total: len(opt.Recordings), Unit: "recordings"})
	return out, nil
}

// compare returns the comparison with the exact posterior: the saved one,
// a new one, or one whose Absent says why there is none (switched off, the
// likelihood is intractable, or the comparison failed, which is also a
// warning: the report goes on without it).
func compare(m *npe.Model, test *dataset.Set, opt AssessOptions, warn func(string)) (*comparison.Result, error) {
	c := opt.Comparison
	if c.Saved != "" {
		return readComparison(c.Saved)
	}
	if !m.IsLAA() {
		return &comparison.Result{Names: m.Names, Absent: fmt.Sprintf("the comparison samples the exact posterior by MCMC on the LAA neuron's likelihood; model %s has no such sampler here (laa infer corrects its posteriors by importance sampling when it has a likelihood)", m.Generative.Kind())}, nil
	}
	if c.Obs <= 0 {
		off := c.Off
		if off == "" {
			off = "it was switched off"
		}
		return &comparison.Result{Names: m.Names, Absent: off}, nil
	}
	co := c.Options
	co.Progress = func(done, total int) {
		opt.Progress.report(Update{Stage: StageComparison, Done: done, Total: total, Unit: "obs"})
	}
	opt.Progress.report(Update{Stage: StageComparison, Total: min(co.Obs, test.N), Unit: "obs"})
	cmp, err := comparison.RunForReport(m, test, co)
	if err != nil {
		w := fmt.Sprintf("the comparison with the exact posterior failed: %v", err)
		warn(w)
		return &comparison.Result{Names: m.Names, Absent: w}, nil
	}
	return cmp, nil
}

// readComparison reads the comparison saved in dir; Report copies its
// figure where the report is.
func readComparison(dir string) (*comparison.Result, error) {
	return comparison.Read(dir)
}

// Report writes the assessment's HTML report into dir (index.html, every
// figure as PNG and SVG, metrics.csv and metrics.json) with the comparison
// it holds (dir/comparison/, which 'laa diagnose --comparison' reads
// back).
func Report(a *Assessment, dir string) error {
	if a == nil || a.Result == nil {
		return fmt.Errorf("workflow: report: no assessment")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("workflow: report: %w", err)
	}
	if c := a.Comparison; c != nil {
		var err error
		if a.savedComparison != "" {
			if len(c.Rows) > 0 {
				err = comparison.CopyFigure(a.savedComparison, dir)
			}
		} else {
			err = c.WriteForReport(dir)
		}
		if err != nil {
			return fmt.Errorf("workflow: report: %w", err)
		}
	}
	return diagreport.Write(diagreport.Results{Assessment: a.Result, Recordings: a.Recordings, Comparison: a.Comparison, Warnings: a.Warnings}, a.Info, dir)
}

// orMemory names an input that has no file.
func orMemory(path string) string {
	if path == "" {
		return "(in memory)"
	}
	return path
}

// orDefault returns v, or def when v is not positive.
func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
