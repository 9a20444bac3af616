package cli

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

// TestReaderWarningsPrinted: the warnings of the data set and model
// readers (a data set without meta, a model whose stimulus is an old-style
// path) reach stderr as "warning: <file>: ..." lines.
func TestReaderWarningsPrinted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	if code, out := run("simulate", "-n", "20", "-o", p("d.npz")); code != 0 {
		t.Fatal(out)
	}
	dropEntry(t, p("d.npz"), p("nometa.npz"), "meta.npy")
	_, out := run("merge", "-o", p("merged.npz"), p("nometa.npz"))
	if !strings.Contains(out, "warning: "+p("nometa.npz")+": no meta: the protocol was taken from the arrays") {
		t.Errorf("no warning for a data set without meta:\n%s", out)
	}

	stim := p("stim.csv")
	os.WriteFile(stim, []byte("time_ms,current\n0,0\n100,1\n400,0\n"), 0o644)
	cfg := neuron.Default()
	var err error
	if cfg.Stimulus, err = neuron.StimulusFromFile(stim); err != nil {
		t.Fatal(err)
	}
	m, _ := testmodel.Untrained(t, cfg)
	m.Experiment.Stimulus.Times, m.Experiment.Stimulus.Levels = nil, nil // the path alone, as older files stored it
	if err := npe.Save(p("old.laa"), m, npe.Extra{}); err != nil {
		t.Fatal(err)
	}
	code, out := run("info", p("old.laa"))
	if code != 0 || !strings.Contains(out, "warning: "+p("old.laa")+": the stimulus was read from") {
		t.Errorf("no warning for a model naming its stimulus file: exit %d\n%s", code, out)
	}
}

// dropEntry copies the zip archive src to dst without the entry name.
func dropEntry(t *testing.T, src, dst, name string) {
	t.Helper()
	r, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := zip.NewWriter(f)
	for _, e := range r.File {
		if e.Name == name {
			continue
		}
		in, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := w.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(out, in)
		in.Close()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
