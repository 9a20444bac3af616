package diagreport

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/comparison"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/trust"
	"github.com/laa-neuro/laa/validation"
)

// jsonFields returns the fields of a JSON object in their order, with
// their raw values.
func jsonFields(t *testing.T, b []byte) ([]string, map[string]json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %v %v", tok, err)
	}
	var keys []string
	vals := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		k := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals
}

// TestWriteReport: the report of an assessment with a recording and a
// saved comparison has their sections and files, and metrics.json holds
// the assessment's numbers with the recording, the comparison, the run's
// warnings after the assessment's, and the version; every field of
// validation.Result is in metrics.json, in its order and with its value.
func TestWriteReport(t *testing.T) {
	t.Parallel()
	s := tiny(t, neuron.Default())
	res, err := validation.Assess(s.m, s.test, validation.Options{Sims: 60, Draws: 50, PPCDraws: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	res.Warnings = append(res.Warnings, "an assessment warning") // so that the field is written
	opt := fastOptions()
	opt.NoExact = true
	rec, err := trust.Assess(s.m, s.ref, "cell", s.raw, s.prep, opt)
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := comparison.Read(savedComparison)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyMarginals(t, dir)
	in := Results{Assessment: res, Recordings: []trust.Result{rec}, Comparison: cmp, Warnings: []string{"recording other.csv could not be fitted"}}
	if err := Write(in, Info{Model: "m.laa", Data: "test.npz", Version: "v9.9.9", Experiment: s.m.Experiment}, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"tarp.png", "tarp.svg", "metrics.csv", "recordings.csv", "comparison.csv", "recording_1_ppc.png", "pairs.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Recording: cell", "Against the exact posterior (MCMC)", "an assessment warning", "recording other.csv could not be fitted", "v9.9.9"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}

	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys, vals := jsonFields(t, b)
	rb, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	resKeys, resVals := jsonFields(t, rb)
	added := []string{"recordings", "comparison", "laa_version"}
	var kept []string
	for _, k := range keys {
		if !slices.Contains(added, k) {
			kept = append(kept, k)
		}
	}
	if !slices.Equal(kept, resKeys) {
		t.Fatalf("metrics.json has the assessment's fields %q, validation.Result %q", kept, resKeys)
	}
	for _, k := range resKeys {
		if k == "warnings" {
			continue
		}
		var a, b bytes.Buffer
		json.Compact(&a, vals[k])
		json.Compact(&b, resVals[k])
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("metrics.json's %s differs from the assessment's", k)
		}
	}
	if i, j := slices.Index(keys, "joint_calibrated"), slices.Index(keys, "recordings"); j != i+1 || keys[j+1] != "comparison" || keys[len(keys)-1] != "laa_version" {
		t.Errorf("fields in the order %q; want recordings and comparison after joint_calibrated, laa_version last", keys)
	}
	var m struct {
		Recordings []trust.Result     `json:"recordings"`
		Comparison *comparison.Result `json:"comparison"`
		Warnings   []string           `json:"warnings"`
		Version    string             `json:"laa_version"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	wantWarn := append(slices.Clone(res.Warnings), in.Warnings...)
	if len(m.Recordings) != 1 || m.Recordings[0].Name != "cell" || m.Comparison == nil || len(m.Comparison.Rows) != 2 || !slices.Equal(m.Warnings, wantWarn) || m.Version != "v9.9.9" {
		t.Errorf("metrics.json: %d recordings, comparison %v, warnings %q (want %q), version %q", len(m.Recordings), m.Comparison != nil, m.Warnings, wantWarn, m.Version)
	}
}

// TestWriteReportAssessmentOnly: without recordings, comparison or run
// warnings the report has none of their sections, metrics.json none of
// their fields, and a missing assessment is an error.
func TestWriteReportAssessmentOnly(t *testing.T) {
	t.Parallel()
	s := tiny(t, neuron.Default())
	res, err := validation.Assess(s.m, s.test, validation.Options{Sims: 60, Draws: 50, PPCDraws: 20, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Write(Results{Assessment: res}, Info{Model: "m.laa", Data: "test.npz", Experiment: s.m.Experiment}, dir); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"Recording: ", "Against the exact posterior"} {
		if strings.Contains(string(html), absent) {
			t.Errorf("report has %q", absent)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := jsonFields(t, b)
	for _, absent := range []string{"recordings", "comparison", "laa_version"} {
		if slices.Contains(keys, absent) {
			t.Errorf("metrics.json has %q", absent)
		}
	}
	if err := Write(Results{}, Info{}, t.TempDir()); err == nil {
		t.Error("a report without an assessment was written")
	}
}
