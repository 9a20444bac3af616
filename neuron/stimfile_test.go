package neuron

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestCompileNeverOpensTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "stim.csv")
	os.WriteFile(path, []byte("time_ms,current\n0,1\n"), 0o644)
	for _, s := range []Stimulus{{Kind: StimFile, File: path}, {Kind: StimFile}} {
		if _, err := s.Compile(); !errors.Is(err, ErrStimulusNotEmbedded) {
			t.Errorf("%+v: error %v, want ErrStimulusNotEmbedded", s, err)
		}
	}
	// Embedded breakpoints compile without the file, and win over it.
	s := Stimulus{Kind: StimFile, File: "/nonexistent/stim.csv", Times: []float64{0, 10}, Levels: []float64{1, 0}}
	c, err := s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if c.At(5) != 1 || c.At(10) != 0 {
		t.Errorf("I(5) = %g, I(10) = %g; want 1, 0", c.At(5), c.At(10))
	}
	if _, err := Parse([]byte("stimulus: {kind: file, file: " + path + "}")); !errors.Is(err, ErrStimulusNotEmbedded) {
		t.Errorf("Parse read the file or failed otherwise: %v", err)
	}
}

// TestEmbeddedStimulusRoundTrip saves a configuration whose stimulus came
// from a file as data sets and model files do (encoding/json), deletes the
// file, and reads the configuration back.
func TestEmbeddedStimulusRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stim := filepath.Join(dir, "stim.csv")
	os.WriteFile(stim, []byte("time_ms,current\n0,0\n100,0.8\n300,0\n"), 0o644)
	cfgPath := filepath.Join(dir, "cfg.yaml")
	os.WriteFile(cfgPath, []byte("stimulus: {kind: file, file: "+stim+"}\n"), 0o644)
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(stim)
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if w, err := back.EmbedLegacyStimulus(); w != "" || err != nil {
		t.Errorf("EmbedLegacyStimulus on an embedded stimulus: %q, %v; want a no-op", w, err)
	}
	sim, err := NewSimulator(back)
	if err != nil {
		t.Fatal(err)
	}
	if st := sim.StimulusAtSamples(); st[100] != 0.8 || st[300] != 0 || back.Stimulus.File != stim {
		t.Errorf("stimulus %v %v, file %q", st[100], st[300], back.Stimulus.File)
	}
}

func TestEmbedLegacyStimulus(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stim := filepath.Join(dir, "stim.csv")
	os.WriteFile(stim, []byte("time_ms,current\n0,0\n100,0.8\n"), 0o644)
	cfg := Default()
	cfg.Stimulus = Stimulus{Kind: StimFile, File: stim}
	w, err := cfg.EmbedLegacyStimulus()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w, stim) || !strings.Contains(w, "re-save") || strings.Contains(w, "\n") {
		t.Errorf("warning %q: want one line naming the path and asking to re-save", w)
	}
	if !slices.Equal(cfg.Stimulus.Times, []float64{0, 100}) || !slices.Equal(cfg.Stimulus.Levels, []float64{0, 0.8}) {
		t.Errorf("embedded %v %v", cfg.Stimulus.Times, cfg.Stimulus.Levels)
	}
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
	// Nothing to embed: no warning, no read.
	def := Default()
	if w, err := def.EmbedLegacyStimulus(); w != "" || err != nil {
		t.Errorf("default config: %q, %v", w, err)
	}

	// A local file named inside a shared model file: its text never
	// appears in the error, only the line and what is wrong.
	secret := filepath.Join(dir, "secret.txt")
	os.WriteFile(secret, []byte("user,password\nalice,SECRET-hunter2\n"), 0o644)
	for _, path := range []string{secret, dir, filepath.Join(dir, "missing.csv")} {
		cfg.Stimulus = Stimulus{Kind: StimFile, File: path}
		w, err := cfg.EmbedLegacyStimulus()
		if err == nil || w != "" {
			t.Errorf("%s: warning %q, error %v; want an error", path, w, err)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "alice") {
			t.Errorf("the error quotes the file: %v", err)
		}
	}
	cfg.Stimulus = Stimulus{Kind: StimFile, File: secret}
	if _, err := cfg.EmbedLegacyStimulus(); err == nil || !strings.Contains(err.Error(), "line 2: time_ms is not a number") {
		t.Errorf("error %v, want it to name line 2 and the problem", err)
	}
	cfg.Stimulus = Stimulus{Kind: StimFile, File: dir}
	if _, err := cfg.EmbedLegacyStimulus(); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("a directory: %v", err)
	}
	big := filepath.Join(dir, "big.csv")
	f, _ := os.Create(big)
	f.Truncate(MaxStimulusFileBytes + 1) // sparse: no disk used
	f.Close()
	cfg.Stimulus = Stimulus{Kind: StimFile, File: big}
	if _, err := cfg.EmbedLegacyStimulus(); err == nil || !strings.Contains(err.Error(), "MaxStimulusFileBytes") {
		t.Errorf("a file over the limit: %v", err)
	}
}

// endless is an io.Reader of one line repeated forever.
type endless struct {
	line []byte
	off  int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.line[e.off]
		e.off = (e.off + 1) % len(e.line)
	}
	return len(p), nil
}

func TestReadStimulusBounds(t *testing.T) {
	t.Parallel()
	// An endless comment stops at MaxStimulusFileBytes.
	_, _, err := ReadStimulus(&endless{line: []byte("# padding\n")}, "endless")
	if err == nil || !strings.Contains(err.Error(), "MaxStimulusFileBytes") {
		t.Errorf("endless input: %v", err)
	}
	// One row more than MaxStimulusRows.
	var b strings.Builder
	for i := range MaxStimulusRows + 1 {
		b.WriteString(strconv.Itoa(i))
		b.WriteString(",0\n")
	}
	_, _, err = ReadStimulus(strings.NewReader(b.String()), "rows")
	if err == nil || !strings.Contains(err.Error(), "MaxStimulusRows") {
		t.Errorf("too many rows: %v", err)
	}
	// Exactly MaxStimulusRows rows are read.
	text := b.String()
	text = text[:strings.LastIndex(text[:len(text)-1], "\n")+1]
	times, _, err := ReadStimulus(strings.NewReader(text), "rows")
	if err != nil || len(times) != MaxStimulusRows {
		t.Errorf("%d rows: read %d, %v", MaxStimulusRows, len(times), err)
	}
	// A stray quote (shared/bad-inputs/stray_quote.csv) is an error, not a panic.
	f, err := os.Open("testdata/stray_quote.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := ReadStimulus(f, "stray_quote.csv"); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("stray quote: %v", err)
	}
	for _, body := range []string{"", "\n\n", "#only\n", "a\n", "\"\n", "0\n"} {
		if _, _, err := ReadStimulus(strings.NewReader(body), "x"); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
}
