package comparison

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/plots"
)

// Write stores the comparison in dir: compare.json, compare.csv and the
// overlaid marginals of the first observation (marginals.png/.svg). The
// CSV's noise_floor_c2st, cross_run_max_rhat and cross_run_seconds are
// empty for observations without a cross-run check, its exact_* columns
// for observations without an exact correction (Options.Exact);
// reference_cached is 1 where the reference was loaded from a cache.
func (c *Result) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("comparison: %w", err)
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, "compare.json"), c); err != nil {
		return err
	}
	err := atomicfile.Write(filepath.Join(dir, "compare.csv"), func(f *os.File) error {
		fmt.Fprint(f, "index,c2st,noise_floor_c2st,max_rhat,cross_run_max_rhat,neural_ms,mcmc_seconds,cross_run_seconds,reference_cached,exact_c2st,exact_route,exact_k_hat,exact_ess,exact_seconds")
		for _, n := range c.Names {
			fmt.Fprintf(f, ",mean_diff_sd_%s,sd_ratio_%s,w1_%s", n, n, n)
		}
		fmt.Fprintln(f)
		for _, r := range c.Rows {
			floor, rhat, sec := "", "", ""
			if cr := r.CrossRun; cr != nil {
				floor, rhat, sec = fmt.Sprintf("%.4f", cr.C2ST), fmt.Sprintf("%.4f", cr.MaxRHat), fmt.Sprintf("%.2f", cr.MCMCSec)
			}
			cached := 0
			if r.ReferenceCached {
				cached = 1
			}
			ex := ",,,,"
			if e := r.Exact; e != nil {
				ex = fmt.Sprintf("%.4f,%s,%s,%s,%.3f", e.C2ST, e.Route, optNum(e.KHat, "%.4f"), optNum(e.ESS, "%.1f"), e.Seconds)
			}
			fmt.Fprintf(f, "%d,%.4f,%s,%.4f,%s,%.3f,%.2f,%s,%d,%s", r.Index, r.C2ST, floor, r.MaxRHat, rhat, r.NeuralMs, r.MCMCSec, sec, cached, ex)
			for j := range c.Names {
				fmt.Fprintf(f, ",%.4g,%.4g,%.4g", r.MeanDiffSD[j], r.SDRatio[j], r.W1[j])
			}
			fmt.Fprintln(f)
		}
		return nil
	})
	if err != nil || len(c.Rows) == 0 {
		return err
	}
	fig, err := c.Marginals(0)
	if err != nil {
		return err
	}
	return plots.Save(fig, dir, "marginals")
}

// Marginals overlays the neural and reference marginals of row i.
func (c *Result) Marginals(i int) (*plots.Figure, error) {
	r := c.Rows[i]
	var panels []plots.MarginalPanel
	for j, n := range c.Names {
		panels = append(panels, plots.MarginalPanel{Param: plots.Param{Name: n}, A: column(r.neural, j), B: column(r.ref, j)})
	}
	f, err := plots.Marginals(panels, "neural (amortized)", "reference (MCMC)", r.truth)
	if err == nil {
		f.Title = fmt.Sprintf("Held-out observation %d: C2ST %.3f", r.Index, r.C2ST)
		if r.CrossRun != nil {
			f.Title += fmt.Sprintf(" (noise floor %.3f)", r.CrossRun.C2ST)
		}
	}
	return f, err
}

// WriteForReport stores the comparison in reportDir/comparison (see Write;
// 'laa diagnose --comparison' reads it back) and its marginals figure as
// reportDir/comparison_marginals.png/.svg, where the report shows it.
func (c *Result) WriteForReport(reportDir string) error {
	dir := filepath.Join(reportDir, "comparison")
	if err := c.Write(dir); err != nil || len(c.Rows) == 0 {
		return err
	}
	return copyMarginals(dir, reportDir)
}

// Load reads the comparison saved in dir (Read) and
// copies its marginals figure into reportDir (CopyFigure).
func Load(dir, reportDir string) (*Result, error) {
	c, err := Read(dir)
	if err != nil {
		return nil, err
	}
	if len(c.Rows) > 0 {
		if err := CopyFigure(dir, reportDir); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// CopyFigure copies the marginals figure of the comparison
// saved in dir into reportDir as comparison_marginals.png/.svg.
func CopyFigure(dir, reportDir string) error { return copyMarginals(dir, reportDir) }

// Read reads the compare.json that Write stored in dir.
// Comparisons written by older versions of laa load with the fields they
// lack left unknown: no noise floor (NoiseFloorObs 0) and an empty
// Subsample (their reference draws were thinned evenly).
func Read(dir string) (*Result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "compare.json"))
	if err != nil {
		return nil, fmt.Errorf("comparison: %w", err)
	}
	var c Result
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("comparison %s: %w", dir, err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("comparison %s: %w (not a compare.json written by 'laa compare'?)", dir, err)
	}
	return &c, nil
}

// check refuses a loaded comparison whose numbers the report cannot show.
func (c *Result) check() error {
	P := len(c.Names)
	switch {
	case len(c.Rows) == 0 && c.Absent == "":
		return fmt.Errorf("no observations and no reason for their absence")
	case len(c.Rows) == 0:
		return nil
	case P == 0:
		return fmt.Errorf("no parameter names")
	case len(c.MeanDiff) != P || len(c.MeanRatio) != P || len(c.MeanW1) != P:
		return fmt.Errorf("%d parameters but %d, %d and %d averages", P, len(c.MeanDiff), len(c.MeanRatio), len(c.MeanW1))
	}
	for _, r := range c.Rows {
		if len(r.MeanDiffSD) != P || len(r.SDRatio) != P || len(r.W1) != P {
			return fmt.Errorf("test row %d has metrics for %d, %d and %d parameters, want %d", r.Index, len(r.MeanDiffSD), len(r.SDRatio), len(r.W1), P)
		}
	}
	return nil
}

// copyMarginals copies dir/marginals.png/.svg to
// reportDir/comparison_marginals.png/.svg.
func copyMarginals(dir, reportDir string) error {
	if err := os.MkdirAll(reportDir, 0o755); err != nil {
		return fmt.Errorf("comparison: %w", err)
	}
	for _, ext := range []string{".png", ".svg"} {
		fig, err := os.ReadFile(filepath.Join(dir, "marginals"+ext))
		if err != nil {
			return fmt.Errorf("comparison: %w", err)
		}
		if err := atomicfile.WriteBytes(filepath.Join(reportDir, "comparison_marginals"+ext), fig); err != nil {
			return err
		}
	}
	return nil
}

// optNum formats an optional number with format, "" when absent.
func optNum(v *float64, format string) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(format, *v)
}

// column returns column j of rows.
func column(rows [][]float64, j int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[j]
	}
	return out
}
