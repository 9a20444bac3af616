package external

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/prior"
)

// goodYAML is a complete description whose command is /bin/sh running
// sim.sh in its folder.
const goodYAML = `
name: lg.v2_test
parameters:
  - {name: a, unit: "mV", prior: {dist: normal, mean: 0, sd: 1}}
  - {name: g_L, unit: "mS/cm2", prior: {dist: lognormal, median: 0.1, sigma_log: 0.5}}
  - {name: w.1, prior: {dist: uniform, low: -2, high: 3}}
  - {name: _tau, unit: "ms", prior: {dist: loguniform, low: 1, high: 100}}
observation:
  length: 900
  series: true
  step_ms: 0.25
  unit: mV
simulator:
  command: ["/bin/sh", "sim.sh", "--fast"]
  timeout_s: 30
`

// modelDir returns a folder holding sim.sh (executable) and data.txt (not).
func modelDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sim.sh"), []byte("exit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.txt"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestParseGoodDescription(t *testing.T) {
	t.Parallel()
	dir := modelDir(t)
	m, err := Parse([]byte(goodYAML), dir)
	if err != nil {
		t.Fatal(err)
	}
	sm, ok := m.(*SimulatedModel)
	if !ok {
		t.Fatalf("Parse returned %T, want *SimulatedModel", m)
	}
	if m.Kind() != "external" || sm.Name() != "lg.v2_test" {
		t.Errorf("kind %q, name %q", m.Kind(), sm.Name())
	}
	want := []model.Parameter{
		{Name: "a", Unit: "mV", Prior: prior.Normal{Mu: 0, Sigma: 1}},
		{Name: "g_L", Unit: "mS/cm2", Prior: prior.LogNormal{Median: 0.1, SigmaLog: 0.5}},
		{Name: "w.1", Prior: prior.Uniform{Low: -2, High: 3}},
		{Name: "_tau", Unit: "ms", Prior: prior.LogUniform{Low: 1, High: 100}},
	}
	if got := m.Parameters(); !reflect.DeepEqual(got, want) {
		t.Errorf("parameters\n got %+v\nwant %+v", got, want)
	}
	wantObs := model.Observation{Length: 900, Series: true, StepMs: 0.25, Unit: "mV"}
	if got := m.Observation(); !reflect.DeepEqual(got, wantObs) {
		t.Errorf("observation %+v, want %+v", got, wantObs)
	}
	d := sm.Description()
	if d.Dir != dir || d.Simulator.Batch != DefaultBatch || d.Simulator.TimeoutS != 30 {
		t.Errorf("dir %q (want %q), batch %d (want %d), timeout %g s (want 30)", d.Dir, dir, d.Simulator.Batch, DefaultBatch, d.Simulator.TimeoutS)
	}
	// Description returns a copy: changing it leaves the model alone.
	d.Simulator.Command[0], d.Parameters[0].Name = "rm", "z"
	if sm.Description().Simulator.Command[0] != "/bin/sh" || sm.Parameters()[0].Name != "a" {
		t.Error("Description shares memory with the model")
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	dir := modelDir(t)
	text := strings.Replace(goodYAML, "timeout_s: 30", "", 1)
	text = strings.Replace(text, "length: 900", fmt.Sprintf("length: %d", MaxObservationLength), 1)
	m, err := Parse([]byte(text), dir)
	if err != nil {
		t.Fatal(err)
	}
	s := m.(*SimulatedModel).Description().Simulator
	// 2^27 values per call / 10^7 values per row = 13 rows.
	if s.Batch != 13 || s.TimeoutS != DefaultTimeoutS {
		t.Errorf("batch %d (want 13), timeout %g s (want %d)", s.Batch, s.TimeoutS, DefaultTimeoutS)
	}
}

func TestParseWithoutSimulatorIsNoSimulator(t *testing.T) {
	t.Parallel()
	text := goodYAML[:strings.Index(goodYAML, "simulator:")]
	m, err := Parse([]byte(text), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*Model); !ok {
		t.Fatalf("Parse returned %T, want *Model", m)
	}
	if _, ok := m.(model.Simulator); ok {
		t.Fatal("a model without a command satisfies model.Simulator")
	}
	if d := m.(*Model).Description(); d.Dir != "" || d.Simulator != nil {
		t.Errorf("dir %q, simulator %v: want neither", d.Dir, d.Simulator)
	}
}

func TestParseRefusesBadDescriptions(t *testing.T) {
	t.Parallel()
	dir := modelDir(t)
	sixtyFive := "name: m\nobservation: {length: 1}\nparameters:\n"
	for i := range 65 {
		sixtyFive += fmt.Sprintf("  - {name: p%d, prior: {dist: normal, mean: 0, sd: 1}}\n", i)
	}
	cases := []struct{ name, old, new, want string }{
		{"unknown top key", "name: lg.v2_test", "name: lg\ncolour: red", "colour"},
		{"unknown parameter key", `unit: "mV",`, `units: "mV",`, "units"},
		{"unknown prior key", "sd: 1}", "sd: 1, shape: 2}", "shape"},
		{"unknown observation key", "series: true", "series: true\n  samples: 3", "samples"},
		{"unknown simulator key", "timeout_s: 30", "timeout: 30", "timeout"},
		{"dir is not a key", "name: lg.v2_test", "name: lg\ndir: /tmp", "dir"},
		{"duplicate key", "name: lg.v2_test", "name: lg\nname: lg", "already defined"},
		{"missing name", "name: lg.v2_test", "", "name: missing"},
		{"bad name", "name: lg.v2_test", "name: my model", `name: "my model"`},
		{"bad parameter name", "{name: w.1,", "{name: 1w,", `parameters[2].name: "1w"`},
		{"duplicate parameter", "{name: w.1,", "{name: a,", `parameters[2].name: "a" is also the name of parameters[0]`},
		{"bad prior", "sd: 1}", "sd: -1}", "parameters[0].prior (a)"},
		{"unknown family", "dist: uniform", "dist: cauchy", "parameters[2].prior (w.1)"},
		{"field of another family", "sd: 1}", "sd: 1, low: 2}", "parameters[0].prior (a): prior normal takes mean and sd only (low is set)"},
		{"control character in unit", `unit: "ms"`, `unit: "m\x07s"`, "parameters[3].unit"},
		{"length 0", "length: 900", "length: 0", "observation.length: 0"},
		{"length too long", "length: 900", "length: 10000001", "MaxObservationLength"},
		{"length missing", "length: 900", "", "observation.length: 0"},
		{"length not a number", "length: 900", "length: many", "many"},
		{"negative step", "step_ms: 0.25", "step_ms: -1", "observation.step_ms"},
		{"step of a vector", "series: true", "series: false", "observation.step_ms: given for an observation that is not a series"},
		{"empty command", `command: ["/bin/sh", "sim.sh", "--fast"]`, "command: []", "simulator.command: missing"},
		{"program not on PATH", `"/bin/sh", "sim.sh"`, `"laa-no-such-program", "sim.sh"`, `simulator.command[0]: program "laa-no-such-program" is not on PATH`},
		{"missing program file", `"/bin/sh", "sim.sh"`, `"./nosuch", "sim.sh"`, `simulator.command[0]: program "./nosuch": no such file`},
		{"program not executable", `"/bin/sh", "sim.sh"`, `"./data.txt", "sim.sh"`, "is not executable"},
		{"program is a folder", `"/bin/sh", "sim.sh"`, `"./", "sim.sh"`, "not a regular file"},
		{"missing script", `"sim.sh"`, `"sims.sh"`, `simulator.command[1]: script "sims.sh" is not a file in ` + dir},
		{"negative batch", "timeout_s: 30", "batch: -1", "simulator.batch: -1"},
		{"batch too large", "timeout_s: 30", "batch: 200000", "MaxBatchValues"},
		{"negative timeout", "timeout_s: 30", "timeout_s: -5", "simulator.timeout_s: -5"},
		{"timeout too long", "timeout_s: 30", "timeout_s: 1e9", "MaxTimeoutS"},
		{"two documents", "name: lg.v2_test", "name: lg\n---\nname: other", "more than one YAML document"},
	}
	for _, c := range cases {
		text := strings.Replace(goodYAML, c.old, c.new, 1)
		if text == goodYAML {
			t.Fatalf("%s: %q is not in the good description", c.name, c.old)
		}
		if _, err := Parse([]byte(text), dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	more := []struct{ name, text, want string }{
		{"empty", "", "empty"},
		{"no parameters", "name: m\nobservation: {length: 1}\n", "parameters: missing"},
		{"65 parameters", sixtyFive, "MaxParameters = 64"},
		{"not a mapping", "- a\n- b\n", "cannot unmarshal"},
	}
	for _, c := range more {
		if _, err := Parse([]byte(c.text), dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := modelDir(t)
	path := filepath.Join(dir, "model.yaml")
	if err := os.WriteFile(path, []byte(goodYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	// A relative path: the command's folder is still made absolute.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(rel)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*SimulatedModel).Description().Dir; got != dir {
		t.Errorf("dir %q, want %q", got, dir)
	}

	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(goodYAML+"#"+strings.Repeat("x", MaxModelBytes)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{big, "MaxModelBytes"},
		{dir, "a folder"},
		{filepath.Join(dir, "none.yaml"), "no such file"},
	} {
		if _, err := Load(c.path); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("Load(%s): error %v, want one naming the file and containing %q", c.path, err, c.want)
		}
	}
}

// roundTrip returns Decode(Kind, m.Spec()).
func roundTrip(t *testing.T, m model.Model) model.Model {
	t.Helper()
	spec, err := m.Spec()
	if err != nil {
		t.Fatal(err)
	}
	got, err := model.Decode("external", spec)
	if err != nil {
		t.Fatalf("decode %s: %v", spec, err)
	}
	again, err := got.Spec()
	if err != nil || string(again) != string(spec) {
		t.Errorf("second spec differs (%v):\n%s\n%s", err, again, spec)
	}
	return got
}

func TestSpecRoundTrip(t *testing.T) {
	t.Parallel()
	dir := modelDir(t)
	path := filepath.Join(dir, "model.yaml")
	if err := os.WriteFile(path, []byte(goodYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Parse([]byte(goodYAML[:strings.Index(goodYAML, "simulator:")]), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []model.Model{loaded, plain} {
		if got := roundTrip(t, m); !reflect.DeepEqual(got, m) {
			t.Errorf("round trip\n got %#v\nwant %#v", got, m)
		}
	}
}

func TestDecodeRunsOnlyCommandsItsFileNames(t *testing.T) {
	t.Parallel()
	dir := modelDir(t)
	path := filepath.Join(dir, "model.yaml")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(goodYAML)
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := m.Spec()
	if err != nil {
		t.Fatal(err)
	}
	decode := func(spec string) model.Model {
		t.Helper()
		got, err := Decode([]byte(spec))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	refused := func(name string, got model.Model, want string) {
		t.Helper()
		if _, ok := got.(model.Simulator); ok {
			t.Errorf("%s: the decoded model simulates", name)
			return
		}
		if why := got.(*Model).NotSimulated(); !strings.Contains(why, want) {
			t.Errorf("%s: NotSimulated %q, want it to contain %q", name, why, want)
		}
	}
	crafted := strings.Replace(string(spec), `"/bin/sh","sim.sh","--fast"`, `"/bin/sh","-c","touch pwned"`, 1)
	if crafted == string(spec) {
		t.Fatalf("the command is not in the spec: %s", spec)
	}
	refused("crafted command", decode(crafted), "now describes another model or command")
	refused("crafted name", decode(strings.Replace(string(spec), `"name":"lg.v2_test"`, `"name":"other"`, 1)), "another model")
	refused("no file", decode(strings.Replace(string(spec), `,"file":"`+path+`"`, "", 1)), "described from text")
	refused("parsed from text", roundTrip(t, must(Parse([]byte(goodYAML), dir))), "described from text")

	// The file's batch and timeout may change; its command may not.
	write(strings.Replace(goodYAML, "timeout_s: 30", "timeout_s: 90\n  batch: 7", 1))
	if got, ok := decode(string(spec)).(*SimulatedModel); !ok {
		t.Error("a new timeout and batch in the file stopped the model simulating")
	} else if s := got.Description().Simulator; s.Batch != DefaultBatch || s.TimeoutS != 30 {
		t.Errorf("batch %d, timeout %g s: want the spec's, %d and 30", s.Batch, s.TimeoutS, DefaultBatch)
	}
	write(strings.Replace(goodYAML, `"--fast"`, `"--slow"`, 1))
	refused("changed command", decode(string(spec)), "now describes another model or command")
	write(goodYAML[:strings.Index(goodYAML, "simulator:")])
	refused("no simulator", decode(string(spec)), "names no simulator now")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	refused("file gone", decode(string(spec)), "its description cannot be read")
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("a crafted spec ran its command")
	}
}

func TestDecodeRefusesBadSpecs(t *testing.T) {
	t.Parallel()
	dir := modelDir(t)
	path := filepath.Join(dir, "model.yaml")
	if err := os.WriteFile(path, []byte(goodYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := m.Spec()
	if err != nil {
		t.Fatal(err)
	}
	s := string(spec)
	cases := []struct{ name, text, want string }{
		{"unknown key", strings.Replace(s, `"name":"lg.v2_test"`, `"name":"lg","colour":1`, 1), "colour"},
		{"text after", s + "{}", "text after"},
		{"bad length", strings.Replace(s, `"length":900`, `"length":0`, 1), "observation.length"},
		{"relative dir", strings.Replace(s, `"dir":"/`, `"dir":"`, 1), "not an absolute path"},
		{"file elsewhere", strings.Replace(s, `"file":"/`, `"file":"/elsewhere/`, 1), "not an absolute path in the model folder"},
		{"not JSON", "name: x", "invalid character"},
	}
	for _, c := range cases {
		if c.text == s {
			t.Fatalf("%s: the spec did not change: %s", c.name, s)
		}
		if _, err := Decode([]byte(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
