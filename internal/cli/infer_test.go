package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// untrainedModel saves an untrained model for cfg (ActNorm initialized from
// 200 simulations) and writes simulation 0 as a CSV recording.
func untrainedModel(t *testing.T, cfg neuron.Config, dir string) (model, trace string) {
	t.Helper()
	m, d := testmodel.Untrained(t, cfg)
	model, trace = filepath.Join(dir, "m.laa"), filepath.Join(dir, "obs.csv")
	if err := npe.Save(model, m, npe.Extra{}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("time_ms,voltage_mV,current_uA_per_cm2\n")
	for k := range d.T {
		fmt.Fprintf(&b, "%g,%.9g,%g\n", d.Time[k], d.Traces[k], d.Stimulus[k])
	}
	if err := os.WriteFile(trace, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return model, trace
}

// TestInferExactRoutes: with a tractable likelihood infer corrects the
// posterior and says how (here importance sampling: sigma_obs = 300 mV makes
// the posterior nearly the prior, which the untrained flow roughly is),
// writes the corrected and the amortized draws and records the route in
// the summary; --exact=false and intrinsic noise give the amortized route.
func TestInferExactRoutes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := neuron.Default()
	cfg.SigmaObs = 300
	model, trace := untrainedModel(t, cfg, dir)
	out := filepath.Join(dir, "post")
	code, msg := run("infer", "--model", model, "--trace", trace, "--draws", "300", "-o", out)
	if code != 0 || !strings.Contains(msg, "posterior: exact by importance sampling: Pareto k-hat") {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	for _, f := range []string{"obs.draws.npy", "obs.draws.csv", "obs.amortized.npy", "obs.summary.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("missing or empty %s: %v", f, err)
		}
	}
	var summary struct {
		Posterior struct {
			Route string   `json:"route"`
			KHat  *float64 `json:"k_hat"`
			ESS   *float64 `json:"ess"`
		} `json:"posterior"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "obs.summary.json"))
	if err := json.Unmarshal(b, &summary); err != nil || summary.Posterior.Route != "importance sampling" || summary.Posterior.KHat == nil || summary.Posterior.ESS == nil {
		t.Errorf("summary.json: %v\n%s", err, b)
	}

	code, msg = run("infer", "--model", model, "--trace", trace, "--draws", "300", "-o", filepath.Join(dir, "off"), "--exact=false")
	if code != 0 || !strings.Contains(msg, "posterior: amortized only: the correction is off") {
		t.Errorf("--exact=false: exit %d:\n%s", code, msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "off", "obs.amortized.npy")); err == nil {
		t.Error("--exact=false wrote an amortized copy of the draws")
	}

	noisy := neuron.Default()
	noisy.IntrinsicNoise.Enabled = true
	ndir := filepath.Join(dir, "noisy")
	os.MkdirAll(ndir, 0o755)
	model, trace = untrainedModel(t, noisy, ndir)
	code, msg = run("infer", "--model", model, "--trace", trace, "--draws", "100", "-o", ndir)
	if code != 0 || !strings.Contains(msg, "amortized only: the likelihood is intractable (intrinsic noise)") {
		t.Errorf("intrinsic noise: exit %d:\n%s", code, msg)
	}
}
