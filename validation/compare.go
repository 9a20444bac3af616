package validation

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/reference"
)

// ComparisonRow holds, for one held-out observation, how the neural
// posterior differs from the reference (MCMC) posterior.
type ComparisonRow struct {
	Index      int       `json:"index"` // row of the test set
	C2ST       float64   `json:"c2st"`  // classifier accuracy: 0.5 = indistinguishable
	MeanDiffSD []float64 `json:"mean_diff_in_sd"`
	SDRatio    []float64 `json:"sd_ratio"`    // neural sd / reference sd
	W1         []float64 `json:"wasserstein"` // 1-D Wasserstein distance, parameter units
	MaxRHat    float64   `json:"max_rhat"`    // of the reference chains
	NeuralMs   float64   `json:"neural_ms"`   // time for the neural posterior
	MCMCSec    float64   `json:"mcmc_seconds"`
	Warnings   []string  `json:"warnings,omitempty"`
	neural     [][]float64
	ref        [][]float64
	truth      []float64
}

// Comparison is the neural posterior held against the reference posterior
// on several held-out observations.
type Comparison struct {
	Names     []string        `json:"param_names"`
	Rows      []ComparisonRow `json:"rows"`
	MeanC2ST  float64         `json:"mean_c2st"`
	MeanDiff  []float64       `json:"mean_abs_mean_diff_in_sd"`
	MeanRatio []float64       `json:"mean_sd_ratio"`
	MeanW1    []float64       `json:"mean_wasserstein"`
	NeuralMs  float64         `json:"neural_ms_per_posterior"`
	MCMCSec   float64         `json:"mcmc_seconds_per_posterior"`
	// Calibration error (median |empirical - nominal| coverage of central
	// intervals) of each posterior over the observations, per parameter:
	// the reference's checks the sampler, the neural one the network.
	ReferenceCalibration []float64 `json:"reference_calibration_error"`
	NeuralCalibration    []float64 `json:"neural_calibration_error"`
}

// CompareOptions tune Compare.
type CompareOptions struct {
	Obs      int               // held-out observations [20]
	Draws    int               // neural draws per observation, and the most reference draws used [2000]
	MCMC     reference.Options // the sampler's options; Init is set from the neural posterior
	Seed     uint64
	Progress func(done, total int)
}

// Compare draws the neural and the reference posterior for the first Obs
// test observations and compares them: C2ST, differences of means in
// reference sds, ratios of sds and Wasserstein distances per parameter.
// The reference chains start from neural draws (shorter burn-in).
func Compare(m *npe.Model, test *dataset.Set, opt CompareOptions) (*Comparison, error) {
	if opt.Obs <= 0 {
		opt.Obs = 20
	}
	if opt.Draws <= 0 {
		opt.Draws = 2000
	}
	opt.Obs = min(opt.Obs, test.N)
	c := &Comparison{Names: m.Names}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x636d70))
	for i := range opt.Obs {
		row := ComparisonRow{Index: i, truth: test.Theta[i*test.P : (i+1)*test.P]}
		trace := make([]float64, test.T)
		for t, v := range test.Traces[i*test.T : (i+1)*test.T] {
			trace[t] = float64(v)
		}
		t0 := time.Now()
		posts, err := m.Sample([]npe.Observation{npe.FromSet(test, i)}, opt.Draws, rng)
		if err != nil {
			return nil, err
		}
		row.NeuralMs = float64(time.Since(t0).Microseconds()) / 1000
		row.neural = posts[0].Draws
		lp, err := reference.NewLogPosterior(m.Experiment, trace)
		if err != nil {
			return nil, err
		}
		mo := opt.MCMC
		mo.Seed = opt.Seed + uint64(i)
		mo.Init = row.neural[:min(len(row.neural), 200)]
		t0 = time.Now()
		res, err := lp.Sample(mo)
		if err != nil {
			return nil, fmt.Errorf("validation: reference posterior of observation %d: %w", i, err)
		}
		row.MCMCSec = time.Since(t0).Seconds()
		row.Warnings = res.Warnings
		for _, r := range res.RHat {
			row.MaxRHat = math.Max(row.MaxRHat, r)
		}
		row.ref = thin(res.Draws, opt.Draws)
		if err := row.measure(opt.Seed); err != nil {
			return nil, err
		}
		c.Rows = append(c.Rows, row)
		if opt.Progress != nil {
			opt.Progress(i+1, opt.Obs)
		}
	}
	c.average()
	if err := c.calibration(); err != nil {
		return nil, err
	}
	return c, nil
}

// calibration fills the coverage calibration errors of both posteriors.
func (c *Comparison) calibration() error {
	truths := make([][]float64, len(c.Rows))
	neural := make([][][]float64, len(c.Rows))
	ref := make([][][]float64, len(c.Rows))
	for i, r := range c.Rows {
		truths[i], neural[i], ref[i] = r.truth, r.neural, r.ref
	}
	for _, s := range []struct {
		draws [][][]float64
		dst   *[]float64
	}{{ref, &c.ReferenceCalibration}, {neural, &c.NeuralCalibration}} {
		cov, err := diagnose.Coverage(truths, s.draws, diagnose.CoverageConfig{})
		if err != nil {
			return err
		}
		for _, cv := range cov {
			*s.dst = append(*s.dst, cv.CalibrationError)
		}
	}
	return nil
}

// thin keeps at most n rows, evenly spaced.
func thin(rows [][]float64, n int) [][]float64 {
	if len(rows) <= n {
		return rows
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = rows[i*len(rows)/n]
	}
	return out
}

// measure computes the row's metrics from its two samples.
func (r *ComparisonRow) measure(seed uint64) error {
	c2st, err := diagnose.C2ST(r.neural, r.ref, diagnose.C2STConfig{Seed: seed})
	if err != nil {
		return err
	}
	r.C2ST = c2st.Accuracy
	if r.W1, err = diagnose.Wasserstein1Columns(r.neural, r.ref); err != nil {
		return err
	}
	sn, err := diagnose.Summarize(r.neural, 0.9)
	if err != nil {
		return err
	}
	sr, err := diagnose.Summarize(r.ref, 0.9)
	if err != nil {
		return err
	}
	for j := range sn {
		r.MeanDiffSD = append(r.MeanDiffSD, (sn[j].Mean-sr[j].Mean)/sr[j].SD)
		r.SDRatio = append(r.SDRatio, sn[j].SD/sr[j].SD)
	}
	return nil
}

// average fills the means over rows.
func (c *Comparison) average() {
	P := len(c.Names)
	c.MeanDiff, c.MeanRatio, c.MeanW1 = make([]float64, P), make([]float64, P), make([]float64, P)
	n := float64(len(c.Rows))
	for _, r := range c.Rows {
		c.MeanC2ST += r.C2ST / n
		c.NeuralMs += r.NeuralMs / n
		c.MCMCSec += r.MCMCSec / n
		for j := range P {
			c.MeanDiff[j] += math.Abs(r.MeanDiffSD[j]) / n
			c.MeanRatio[j] += r.SDRatio[j] / n
			c.MeanW1[j] += r.W1[j] / n
		}
	}
}

// Write stores the comparison in dir: compare.json, compare.csv and the
// overlaid marginals of the first observation (marginals.png/.svg).
func (c *Comparison) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("comparison: %w", err)
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, "compare.json"), c); err != nil {
		return err
	}
	err := atomicfile.Write(filepath.Join(dir, "compare.csv"), func(f *os.File) error {
		fmt.Fprint(f, "index,c2st,max_rhat,neural_ms,mcmc_seconds")
		for _, n := range c.Names {
			fmt.Fprintf(f, ",mean_diff_sd_%s,sd_ratio_%s,w1_%s", n, n, n)
		}
		fmt.Fprintln(f)
		for _, r := range c.Rows {
			fmt.Fprintf(f, "%d,%.4f,%.4f,%.3f,%.2f", r.Index, r.C2ST, r.MaxRHat, r.NeuralMs, r.MCMCSec)
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
func (c *Comparison) Marginals(i int) (*plots.Figure, error) {
	r := c.Rows[i]
	var panels []plots.MarginalPanel
	for j, n := range c.Names {
		panels = append(panels, plots.MarginalPanel{Param: plots.Param{Name: n}, A: column(r.neural, j), B: column(r.ref, j)})
	}
	f, err := plots.Marginals(panels, "neural (amortized)", "reference (MCMC)", r.truth)
	if err == nil {
		f.Title = fmt.Sprintf("Held-out observation %d: C2ST %.3f", r.Index, r.C2ST)
	}
	return f, err
}

// LoadComparison reads the compare.json that Write stored in dir and copies
// its marginals figure into reportDir as comparison_marginals.png/.svg.
func LoadComparison(dir, reportDir string) (*Comparison, error) {
	b, err := os.ReadFile(filepath.Join(dir, "compare.json"))
	if err != nil {
		return nil, fmt.Errorf("comparison: %w", err)
	}
	var c Comparison
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("comparison %s: %w", dir, err)
	}
	if err := os.MkdirAll(reportDir, 0o755); err != nil {
		return nil, fmt.Errorf("comparison: %w", err)
	}
	for _, ext := range []string{".png", ".svg"} {
		fig, err := os.ReadFile(filepath.Join(dir, "marginals"+ext))
		if err != nil {
			return nil, fmt.Errorf("comparison: %w", err)
		}
		if err := atomicfile.WriteBytes(filepath.Join(reportDir, "comparison_marginals"+ext), fig); err != nil {
			return nil, err
		}
	}
	return &c, nil
}
