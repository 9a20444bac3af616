package external

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/prior"
)

// Limits on a model description, checked before anything is allocated or run.
const (
	// MaxModelBytes is the largest model description file Load reads.
	MaxModelBytes = 1 << 20
	// MaxParameters is the most parameters a model may have.
	MaxParameters = 64
	// MaxObservationLength is the most values one simulation may produce
	// (observation.length), model.MaxLength: 10 s at 1 MHz, 80 MB per row
	// as float64.
	MaxObservationLength = model.MaxLength
	// MaxBatchValues bounds batch x length, the values one simulator call
	// returns (1 GiB as float64). Without an explicit batch, the batch is
	// DefaultBatch or less, to stay within it.
	MaxBatchValues = 1 << 27
	// MaxArgs is the most entries of simulator.command.
	MaxArgs = 256
	// MaxTimeoutS is the longest simulator.timeout_s: one week.
	MaxTimeoutS = 7 * 24 * 3600
	// maxTextLen bounds a unit or one command argument, in bytes.
	maxTextLen = 4096
)

// Defaults of the simulator section.
const (
	// DefaultBatch is the number of rows per simulator call.
	DefaultBatch = 1000
	// DefaultTimeoutS is the time one simulator call may take, in seconds.
	DefaultTimeoutS = 600
)

// Description is a model's file form, the YAML that Load reads and the JSON
// that Spec writes. Field errors name the YAML key ("parameters[2].prior").
type Description struct {
	// Name names the model: 1 to 64 of A-Z a-z 0-9 . _ -.
	Name string `yaml:"name" json:"name"`
	// Parameters are the inferred parameters, in column order of theta.
	Parameters []ParameterSpec `yaml:"parameters" json:"parameters"`
	// Observation describes what one simulation produces.
	Observation ObservationSpec `yaml:"observation" json:"observation"`
	// Simulator is the external command that simulates; nil when the model
	// only describes data simulated elsewhere.
	Simulator *SimulatorSpec `yaml:"simulator,omitempty" json:"simulator,omitempty"`
	// Dir is the absolute folder the command runs in and its relative
	// paths resolve against: the YAML file's folder. It is not a YAML key;
	// it is empty for a model without a simulator.
	Dir string `yaml:"-" json:"dir,omitempty"`
	// File is the absolute path of the YAML file of a model with a
	// simulator, empty when the description came from text (Parse). A
	// model decoded from a spec simulates only if this file still
	// describes the same model and command; see Decode.
	File string `yaml:"-" json:"file,omitempty"`
}

// ParameterSpec is one parameter: its name, unit and prior.
type ParameterSpec struct {
	// Name is 1 to 64 characters: a letter or _, then letters, digits, _ . -.
	Name string `yaml:"name" json:"name"`
	// Unit is the parameter's unit ("mV"); it may be empty.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Prior is the parameter's prior distribution.
	Prior prior.Spec `yaml:"prior" json:"prior"`
}

// ObservationSpec describes one simulated observation.
type ObservationSpec struct {
	// Length is the number of values D of one observation, 1 to
	// MaxObservationLength.
	Length int `yaml:"length" json:"length"`
	// Series is true when the values are samples in time order (a trace).
	Series bool `yaml:"series,omitempty" json:"series,omitempty"`
	// StepMs is the sampling step of a series in ms (0: not known).
	StepMs float64 `yaml:"step_ms,omitempty" json:"step_ms,omitempty"`
	// Unit is the unit of the values; it may be empty.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
}

// SimulatorSpec is an external command that simulates batches of rows; see
// SimulatedModel.Simulate for the protocol.
type SimulatorSpec struct {
	// Command is the program and its first arguments. A program named
	// without a slash is looked up on PATH; one with a slash, and every
	// relative path among the arguments, is relative to the description's
	// folder, where the command runs.
	Command []string `yaml:"command" json:"command"`
	// Batch is the most rows per call (0: DefaultBatch, or less when
	// batch x length would pass MaxBatchValues).
	Batch int `yaml:"batch,omitempty" json:"batch,omitempty"`
	// TimeoutS is the most seconds one call may take (0: DefaultTimeoutS).
	TimeoutS float64 `yaml:"timeout_s,omitempty" json:"timeout_s,omitempty"`
}

var (
	modelName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	paramName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)
)

// scriptExts are the endings of arguments taken to name a script file,
// which must exist when a description is loaded.
var scriptExts = []string{".py", ".r", ".jl", ".sh", ".pl", ".rb", ".js", ".m", ".lua"}

// Load reads a model description (YAML, at most MaxModelBytes) and returns
// the model it describes: a *SimulatedModel when it names a simulator
// command, else a *Model, so that a type assertion to model.Simulator tells
// whether the model can simulate. Relative paths of the command resolve
// against the file's folder.
func Load(path string) (model.Model, error) {
	text, err := inputfile.ReadAll(path, MaxModelBytes, "external.MaxModelBytes")
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	file, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	m, err := parse(text, filepath.Dir(file), file)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes and checks a YAML model description whose relative paths
// resolve against dir (the current folder when empty); it returns a
// *SimulatedModel or a *Model as Load does. Unknown keys are errors. The
// simulator's program, and any argument ending in a script extension (.py,
// .R, .jl, .sh, ...), must exist.
func Parse(text []byte, dir string) (model.Model, error) {
	return parse(text, dir, "")
}

// parse is Parse of the text of file (empty when the text comes from no
// file).
func parse(text []byte, dir, file string) (model.Model, error) {
	if len(text) > MaxModelBytes {
		return nil, fmt.Errorf("model description: %d bytes, more than MaxModelBytes = %d", len(text), MaxModelBytes)
	}
	var d Description
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("model description is empty")
		}
		return nil, fmt.Errorf("model description: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("model description holds more than one YAML document")
	}
	if d.Simulator != nil {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("model folder %q: %w", dir, err)
		}
		d.Dir, d.File = abs, file
	}
	if err := d.normalize(); err != nil {
		return nil, err
	}
	if err := d.checkCommand(); err != nil {
		return nil, err
	}
	return newModel(d, "")
}

// normalize checks every field of d but the command's files and fills in
// the simulator's defaults.
func (d *Description) normalize() error {
	if d.Name == "" {
		return errors.New("name: missing (a model needs a name)")
	}
	if !modelName.MatchString(d.Name) {
		return fmt.Errorf("name: %q is not 1 to 64 of A-Z a-z 0-9 . _ -", clip(d.Name))
	}
	if len(d.Parameters) == 0 {
		return errors.New("parameters: missing (a model needs at least one parameter)")
	}
	if len(d.Parameters) > MaxParameters {
		return fmt.Errorf("parameters: %d entries, more than MaxParameters = %d", len(d.Parameters), MaxParameters)
	}
	first := map[string]int{}
	for i := range d.Parameters {
		p := &d.Parameters[i]
		where := fmt.Sprintf("parameters[%d]", i)
		if !paramName.MatchString(p.Name) {
			return fmt.Errorf("%s.name: %q is not a letter or _ then up to 63 letters, digits, _ . -", where, clip(p.Name))
		}
		if j, ok := first[p.Name]; ok {
			return fmt.Errorf("%s.name: %q is also the name of parameters[%d]", where, p.Name, j)
		}
		first[p.Name] = i
		if err := checkText(p.Unit); err != nil {
			return fmt.Errorf("%s.unit: %w", where, err)
		}
		if err := p.Prior.Validate(); err != nil {
			return fmt.Errorf("%s.prior (%s): %w", where, p.Name, err)
		}
	}
	o := &d.Observation
	if o.Length < 1 || o.Length > MaxObservationLength {
		return fmt.Errorf("observation.length: %d, want 1 to MaxObservationLength = %d values per simulation", o.Length, MaxObservationLength)
	}
	if math.IsNaN(o.StepMs) || math.IsInf(o.StepMs, 0) || o.StepMs < 0 {
		return fmt.Errorf("observation.step_ms: %v, want a finite step >= 0 ms", o.StepMs)
	}
	if o.StepMs != 0 && !o.Series {
		return errors.New("observation.step_ms: given for an observation that is not a series (set series: true)")
	}
	if err := checkText(o.Unit); err != nil {
		return fmt.Errorf("observation.unit: %w", err)
	}
	if d.Simulator == nil {
		d.Dir, d.File = "", ""
		return nil
	}
	if d.File != "" && (!filepath.IsAbs(d.File) || filepath.Dir(d.File) != d.Dir) {
		return fmt.Errorf("model file %q is not an absolute path in the model folder %s", d.File, d.Dir)
	}
	return d.Simulator.normalize(o.Length, d.Dir)
}

// normalize checks a simulator section and fills its defaults; length is
// the observation's length.
func (s *SimulatorSpec) normalize(length int, dir string) error {
	if len(s.Command) == 0 || s.Command[0] == "" {
		return errors.New("simulator.command: missing (the program to run, then its first arguments)")
	}
	if len(s.Command) > MaxArgs {
		return fmt.Errorf("simulator.command: %d entries, more than MaxArgs = %d", len(s.Command), MaxArgs)
	}
	for i, a := range s.Command {
		if len(a) > maxTextLen || strings.ContainsRune(a, 0) {
			return fmt.Errorf("simulator.command[%d]: longer than %d bytes or holds a NUL byte", i, maxTextLen)
		}
	}
	if !filepath.IsAbs(dir) {
		return fmt.Errorf("model folder %q is not an absolute path", dir)
	}
	maxBatch := MaxBatchValues / length
	switch {
	case s.Batch == 0:
		s.Batch = min(DefaultBatch, maxBatch)
	case s.Batch < 0:
		return fmt.Errorf("simulator.batch: %d, want at least 1 row per call", s.Batch)
	case s.Batch > maxBatch:
		return fmt.Errorf("simulator.batch: %d rows of %d values pass MaxBatchValues = %d per call; use at most %d", s.Batch, length, MaxBatchValues, maxBatch)
	}
	switch {
	case s.TimeoutS == 0:
		s.TimeoutS = DefaultTimeoutS
	case math.IsNaN(s.TimeoutS) || !(s.TimeoutS > 0 && s.TimeoutS <= MaxTimeoutS):
		return fmt.Errorf("simulator.timeout_s: %v, want more than 0 and at most MaxTimeoutS = %d s", s.TimeoutS, MaxTimeoutS)
	}
	return nil
}

// checkCommand checks that the simulator's program and script arguments
// exist, as Parse requires and Decode does not (a model file may be read on
// a machine without the simulator).
func (d *Description) checkCommand() error {
	if d.Simulator == nil {
		return nil
	}
	argv := d.Simulator.Command
	if _, err := program(argv[0], d.Dir); err != nil {
		return fmt.Errorf("simulator.command[0]: %w", err)
	}
	for i, a := range argv[1:] {
		ext := strings.ToLower(filepath.Ext(a))
		if strings.HasPrefix(a, "-") || !slices.Contains(scriptExts, ext) {
			continue
		}
		path := a
		if !filepath.IsAbs(path) {
			path = filepath.Join(d.Dir, path)
		}
		if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("simulator.command[%d]: script %q is not a file in %s", i+1, a, d.Dir)
		}
	}
	return nil
}

// program resolves the program name of a command: a name without a slash
// on PATH, any other path relative to dir. It must be an executable file.
func program(name, dir string) (string, error) {
	if !strings.ContainsRune(name, '/') {
		path, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("program %q is not on PATH", name)
		}
		return path, nil
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return "", fmt.Errorf("program %q: no such file (paths with a slash are relative to %s)", name, dir)
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("program %q is not a regular file", name)
	case fi.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("program %q is not executable (chmod +x, or name its interpreter first)", name)
	}
	return path, nil
}

// checkText refuses text too long or holding control characters.
func checkText(s string) error {
	if len(s) > maxTextLen {
		return fmt.Errorf("%d bytes, more than %d", len(s), maxTextLen)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("%q holds a control character", clip(s))
	}
	return nil
}

// clip shortens a quoted value for an error message.
func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "..."
	}
	return s
}
