package fit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/recording"
)

func TestPriorDataConflictWarned(t *testing.T) {
	dir := t.TempDir()
	// The same cell 30 mV lower: resting near -95 mV, where the prior of
	// E_L (-65 mV, sd 3 mV) puts almost nothing.
	path, _ := writeRecording(t, dir, recordingConfig(), 1, -30)
	opt, err := smallOptions(filepath.Join(dir, "cache"), "").withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	res, _, _, err := check(path, recording.Options{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range res.Warnings {
		if strings.HasPrefix(w, "prior-data conflict: ") && strings.Contains(w, "resting potential") {
			found = true
		}
	}
	if !found {
		t.Errorf("no prior-data conflict warning on the resting potential; warnings %q, checks %+v", res.Warnings, res.PriorChecks)
	}
	// The unshifted trace has none.
	path, _ = writeRecording(t, dir, recordingConfig(), 2, 0)
	if res, _, _, err = check(path, recording.Options{}, opt); err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		if strings.HasPrefix(w, "prior-data conflict") {
			t.Errorf("a trace from the prior: %s", w)
		}
	}
}

func TestDamagedCacheIsRetrained(t *testing.T) {
	dir := t.TempDir()
	opt, err := Options{CacheDir: filepath.Join(dir, "cache"), NTrain: 400, Preset: "mlp", Epochs: 2, Seed: 3}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg := recordingConfig()
	cfg.RecordStepMs, cfg.DtMs = 0.5, 0.5
	train := func(what string) *Result {
		t.Helper()
		res := &Result{}
		if err := model(cfg, opt, res); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return res
	}
	first := train("first")
	if first.CacheHit {
		t.Fatal("cache hit in an empty cache")
	}
	if hit := train("again"); !hit.CacheHit || hit.CacheNote != "" {
		t.Fatalf("second call: hit %v, note %q; want a clean hit", hit.CacheHit, hit.CacheNote)
	}
	modelPath, descPath := paths(opt.CacheDir, first.Key)
	for _, damage := range []struct {
		name, path string
		edit       func([]byte) []byte
	}{
		{"a flipped byte in the model", modelPath, func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }},
		{"a truncated model", modelPath, func(b []byte) []byte { return b[:len(b)/3] }},
		{"a description of another key", descPath, func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `"n_train": 400`, `"n_train": 401`, 1))
		}},
		{"a description that is not JSON", descPath, func(b []byte) []byte { return b[:len(b)-5] }},
		{"no description", descPath, nil},
	} {
		b, err := os.ReadFile(damage.path)
		if err != nil {
			t.Fatal(err)
		}
		if damage.edit == nil {
			err = os.Remove(damage.path)
		} else {
			err = os.WriteFile(damage.path, damage.edit(b), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		res := train(damage.name)
		if res.CacheHit || !strings.Contains(res.CacheNote, "retraining") {
			t.Errorf("%s: cache hit %v, note %q; want it retrained", damage.name, res.CacheHit, res.CacheNote)
		}
		if again := train(damage.name + ", then again"); !again.CacheHit {
			t.Errorf("%s: the retrained entry is not used: %q", damage.name, again.CacheNote)
		}
	}
}

func TestNoiseFloor(t *testing.T) {
	dir := t.TempDir()
	cfg := recordingConfig()
	cfg.SigmaObs = 1e-6
	path, _ := writeRecording(t, dir, cfg, 1, 0)
	opt, err := smallOptions(filepath.Join(dir, "cache"), "").withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	res, _, _, err := check(path, recording.Options{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.NoiseMV != MinNoiseMV || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "below 0.01 mV") {
		t.Errorf("a noise-free trace: model noise %g mV, warnings %q; want the floor %g mV with a warning", res.NoiseMV, res.Warnings, MinNoiseMV)
	}
}
