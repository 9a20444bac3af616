package fit

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagreport"
	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/report"
	"github.com/laa-neuro/laa/trust"
)

// OutputSuffixes are the endings of the files Run writes into Options.Out:
// the report (index.html, figures, metrics) and <name>.draws.npy,
// <name>.draws.csv, <name>.summary.json.
var OutputSuffixes = []string{".html", ".csv", ".json", ".png", ".svg", ".npy"}

// write puts the report page, the draws and the summary into opt.Out.
func write(opt Options, res *Result) error {
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	r := res.Recording
	cache := "trained now"
	if res.CacheHit {
		cache = "cached"
	}
	info := diagreport.Info{Model: res.ModelPath, Data: fmt.Sprintf("%d simulations from the model's prior (held out)", res.Assessment.Sims),
		Version: opt.Version, Experiment: res.Config, Extra: []report.KV{
			{Key: "recording", Value: r.Source},
			{Key: "observation noise", Value: res.NoiseNote},
			{Key: "model", Value: cache + ", cache key " + res.Key},
		}}
	for _, c := range res.PriorChecks {
		info.Extra = append(info.Extra, report.KV{Key: "prior check: " + c.Feature,
			Value: fmt.Sprintf("observed %s, prior predictive 99 %% range %s to %s, quantile %s", fmtG(c.Observed), fmtG(c.Lo), fmtG(c.Hi), fmtG(c.Quantile))})
	}
	if err := diagreport.Write(diagreport.Results{Assessment: res.Assessment, Recordings: []trust.Result{r}}, info, opt.Out); err != nil {
		return fmt.Errorf("fit: report: %w", err)
	}
	res.Report = filepath.Join(opt.Out, "index.html")
	base := filepath.Join(opt.Out, recording.SafeName(res.Name))
	names := res.Model.Names
	if err := dataset.WriteRowsNPY(base+".draws.npy", r.Draws, len(names)); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	if err := dataset.WriteRowsCSV(base+".draws.csv", names, r.Draws); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	summary := map[string]any{"trace": res.Name, "source": r.Source, "draws": len(r.Draws), "params": names,
		"summary": r.Summary, "leakage": r.Leakage, "typicality": r.Typicality, "posterior": r.Correction, "ppc": r.PPC,
		"prior_z": r.PriorZ, "trustworthy": r.Trustworthy, "untrustworthy_because": r.Untrustworthy, "warnings": res.Warnings,
		"noise":        map[string]any{"estimate": res.Noise, "model_mv": res.NoiseMV, "note": res.NoiseNote},
		"prior_checks": res.PriorChecks, "experiment": res.Config,
		"model": map[string]any{"path": res.ModelPath, "key": res.Key, "cache_hit": res.CacheHit}}
	if err := atomicfile.WriteJSON(base+".summary.json", summary); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	res.Files = append(res.Files, res.Report, base+".draws.npy", base+".draws.csv", base+".summary.json")
	return nil
}
