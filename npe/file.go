package npe

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"os"
	"slices"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/buildinfo"
	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/nn"
)

// The model file, all integers little-endian:
//
//	magic    "LAAMODEL"
//	version  uint32 (FileVersion)
//	hlen     uint32, header [hlen]byte: JSON (fileHeader)
//	arrays   the float32 arrays the header lists, in its order
//	crc      uint32: CRC-32 (IEEE) of everything before it
//
// A truncated or altered file fails the length checks or the CRC; a file of
// another kind fails the magic. A crafted file with a valid CRC is checked
// field by field before anything it describes is allocated: the header's
// size against the bytes left, each array's length against the bytes
// present, the network against the limits and the weights the file holds,
// the experiment against neuron's validation, the names, shapes and
// standardizations against the experiment and the network.
const (
	FileVersion = 1
	fileMagic   = "LAAMODEL"
	// ArrayParams holds the model's weights, in Params order.
	ArrayParams = "params"
	// fixedBytes is the size of the magic (8 bytes), version, header length
	// and CRC.
	fixedBytes = 20
)

// Limits on model files, beside the network's (MaxParams and the others in
// limits.go).
const (
	// MaxHeaderBytes bounds the JSON header. A default model's is 5 KB; the
	// room is for an experiment whose stimulus, read from a recording, holds
	// up to neuron.MaxStimulusRows breakpoints (about 50 bytes of JSON each).
	MaxHeaderBytes = 64 << 20
	// MaxExtraArrays bounds the arrays stored beside the weights (the trainer
	// stores three: its current weights and Adam's two moments).
	MaxExtraArrays = 4
	// MaxArrayName bounds the length of an array's name.
	MaxArrayName = 64
	// MaxFileBytes bounds a model file: the largest header and MaxParams
	// weights in the weights array and every extra array (384 MiB). Load
	// refuses a larger file before reading it.
	MaxFileBytes = fixedBytes + MaxHeaderBytes + (1+MaxExtraArrays)*MaxParams*4
)

type fileHeader struct {
	Format      string          `json:"format"`
	LaaVersion  string          `json:"laa_version"`
	Config      Config          `json:"config"`
	Experiment  json.RawMessage `json:"experiment"`
	Model       *model.Stored   `json:"model,omitempty"` // a model other than the LAA neuron
	Names       []string        `json:"param_names"`
	StatNames   []string        `json:"stat_names"`
	Norm        Norms           `json:"norms"`
	Seed        uint64          `json:"seed"`
	FlowReady   bool            `json:"flow_initialized"`
	ParamShapes [][3]any        `json:"param_shapes"`
	Arrays      []arrayEntry    `json:"arrays"`
	Training    json.RawMessage `json:"training,omitempty"`
}

type arrayEntry struct {
	Name string `json:"name"`
	Len  int    `json:"len"`
}

// Extra is state saved beside a model: the trainer's own (opaque JSON) and
// named float32 arrays (optimizer moments, best weights), each holding one
// value per weight of the model (at most MaxExtraArrays of them).
type Extra struct {
	Training json.RawMessage
	Arrays   map[string][]float32
}

// Version is the laa build recorded in model files (buildinfo.Version).
var Version = buildinfo.Version()

// Save writes the model and extra state to path atomically. It refuses
// what Load would refuse: weights that are not finite, extra arrays that are
// not one value per weight or have bad names, too many of them.
func Save(path string, m *Model, extra Extra) error {
	b, err := encode(m, extra)
	if err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(b)
		return err
	})
}

// encode returns the bytes of the model file.
func encode(m *Model, extra Extra) ([]byte, error) {
	exp, err := json.Marshal(m.Experiment)
	if err != nil {
		return nil, err
	}
	var stored *model.Stored
	if !m.IsLAA() {
		s, err := model.Store(m.Generative)
		if err != nil {
			return nil, err
		}
		stored, exp = &s, nil
	}
	h := fileHeader{Format: "laa-model", LaaVersion: Version, Config: m.Config, Experiment: exp, Model: stored, Names: m.Names,
		StatNames: m.StatNames, Norm: m.Norm, Seed: m.Seed, FlowReady: m.flow.Initialized(), Training: extra.Training}
	params := FlatParams(m.Params())
	if err := checkFinite(m.Params()); err != nil {
		return nil, err
	}
	for _, p := range m.Params() {
		h.ParamShapes = append(h.ParamShapes, [3]any{p.Name, p.Value.Rows, p.Value.Cols})
	}
	if len(extra.Arrays) > MaxExtraArrays {
		return nil, fmt.Errorf("%d extra arrays exceed the limit MaxExtraArrays = %d", len(extra.Arrays), MaxExtraArrays)
	}
	arrays := map[string][]float32{ArrayParams: params}
	for k, v := range extra.Arrays {
		if err := checkArrayName(k); err != nil || k == ArrayParams {
			return nil, fmt.Errorf("extra array name %q: reserved or not a lower-case identifier of at most %d characters", k, MaxArrayName)
		}
		if len(v) != len(params) {
			return nil, fmt.Errorf("extra array %q has %d values, the model %d weights", k, len(v), len(params))
		}
		arrays[k] = v
	}
	names := slices.Sorted(maps.Keys(arrays))
	for _, k := range names {
		h.Arrays = append(h.Arrays, arrayEntry{k, len(arrays[k])})
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(hdr) > MaxHeaderBytes {
		return nil, fmt.Errorf("header of %d bytes exceeds the limit MaxHeaderBytes = %d", len(hdr), MaxHeaderBytes)
	}
	b := make([]byte, 0, fixedBytes+len(hdr)+4*len(params)*len(arrays))
	b = append(b, fileMagic...)
	b = binary.LittleEndian.AppendUint32(b, FileVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	b = append(b, hdr...)
	for _, k := range names {
		for _, v := range arrays[k] {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// Load reads a model file written by Save. A truncated, corrupt, crafted or
// foreign file is refused with an error saying what is wrong; a file larger
// than MaxFileBytes or not a regular file (a device, a pipe) is refused
// before it is read. The experiment of an older file may name its stimulus
// file by path only: Load then reads it (see
// neuron.Config.EmbedLegacyStimulus) and says so in the model's Warnings.
func Load(path string) (*Model, Extra, error) {
	b, err := inputfile.ReadAll(path, MaxFileBytes, "MaxFileBytes")
	if err != nil {
		return nil, Extra{}, fmt.Errorf("load model: %w", err)
	}
	m, extra, err := decode(b, true)
	if err != nil {
		return nil, Extra{}, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, extra, nil
}

var errTruncated = errors.New("file is truncated or corrupt")

// errUnchecked marks a damaged file that decode's checks missed and a
// panic caught: a bug to fix (the tests count them).
var errUnchecked = errors.New("unchecked damage")

// damaged returns the error of a file whose checksum holds but whose
// content does not: a crafted file, or one written by a faulty program.
func damaged(format string, args ...any) error {
	return fmt.Errorf("damaged model file: "+format, args...)
}

// decode reads a model file's bytes. It never panics and allocates no more
// than a small multiple of len(b) beyond what the experiment asks of the
// simulator (bounded by neuron's limits). With legacy it reads the stimulus
// file an older file's experiment names (the only access to anything but
// b); without, such a file is an error.
func decode(b []byte, legacy bool) (m *Model, extra Extra, err error) {
	defer func() {
		if r := recover(); r != nil { // a last guard: every cause found is checked before
			m, extra, err = nil, Extra{}, fmt.Errorf("damaged model file: %w: %v", errUnchecked, r)
		}
	}()
	if len(b) < len(fileMagic) || string(b[:len(fileMagic)]) != fileMagic {
		return nil, Extra{}, errors.New("not a laa model file (bad magic)")
	}
	if len(b) < fixedBytes {
		return nil, Extra{}, errTruncated
	}
	version := binary.LittleEndian.Uint32(b[len(fileMagic):])
	hlen := binary.LittleEndian.Uint32(b[len(fileMagic)+4:])
	if version != FileVersion {
		return nil, Extra{}, fmt.Errorf("model file version %d, this laa reads version %d", version, FileVersion)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, Extra{}, errTruncated
	}
	rest := body[len(fileMagic)+8:]
	switch {
	case uint64(hlen) > MaxHeaderBytes:
		return nil, Extra{}, damaged("header of %d bytes exceeds the limit MaxHeaderBytes = %d", hlen, MaxHeaderBytes)
	case uint64(hlen) > uint64(len(rest)):
		return nil, Extra{}, damaged("header of %d bytes runs past the end of the file (%d bytes left)", hlen, len(rest))
	}
	var h fileHeader
	if err := json.Unmarshal(rest[:hlen], &h); err != nil {
		return nil, Extra{}, damaged("header: %v", err)
	}
	if h.Format != "laa-model" {
		return nil, Extra{}, fmt.Errorf("file format %q, want laa-model", h.Format)
	}
	data, err := splitArrays(h.Arrays, rest[hlen:])
	if err != nil {
		return nil, Extra{}, err
	}
	m = &Model{Config: h.Config, Names: h.Names, StatNames: h.StatNames, Norm: h.Norm, Seed: h.Seed, WrittenBy: h.LaaVersion}
	if h.Model != nil {
		if m.Generative, err = h.Model.Load(); err != nil {
			return nil, Extra{}, err
		}
	} else if err := json.Unmarshal(h.Experiment, &m.Experiment); err != nil {
		return nil, Extra{}, damaged("experiment: %v", err)
	}
	if legacy && h.Model == nil {
		warning, err := m.Experiment.EmbedLegacyStimulus()
		if err != nil {
			return nil, Extra{}, fmt.Errorf("experiment: %w", err)
		}
		if warning != "" {
			m.Warnings = append(m.Warnings, warning)
		}
	}
	if err := m.init(len(data[ArrayParams]) / 4); err != nil {
		return nil, Extra{}, err
	}
	if err := m.checkDecoded(h); err != nil {
		return nil, Extra{}, err
	}
	off := 0
	for _, p := range m.Params() {
		off += readFloats(p.Value.Data, data[ArrayParams][4*off:])
	}
	if err := checkFinite(m.Params()); err != nil {
		return nil, Extra{}, damaged("%w", err)
	}
	m.flow.SetInitialized(h.FlowReady)
	extra = Extra{Training: h.Training, Arrays: map[string][]float32{}}
	for name, raw := range data {
		if name != ArrayParams {
			v := make([]float32, len(raw)/4)
			readFloats(v, raw)
			extra.Arrays[name] = v
		}
	}
	return m, extra, nil
}

// splitArrays checks the header's array list against the bytes after the
// header (the arrays and nothing else) and returns each array's bytes.
// Every length is checked against the bytes left before it is used, so no
// sum or product of lengths can overflow.
func splitArrays(list []arrayEntry, rest []byte) (map[string][]byte, error) {
	if len(list) > 1+MaxExtraArrays {
		return nil, damaged("%d arrays exceed the weights and the limit MaxExtraArrays = %d", len(list), MaxExtraArrays)
	}
	out := make(map[string][]byte, len(list))
	for _, a := range list {
		if err := checkArrayName(a.Name); err != nil {
			return nil, damaged("array name %q: %v", a.Name, err)
		}
		if _, dup := out[a.Name]; dup {
			return nil, damaged("array %q listed twice", a.Name)
		}
		if a.Len < 0 || a.Len > len(rest)/4 {
			return nil, damaged("array %q of %d values does not fit the %d bytes left", a.Name, a.Len, len(rest))
		}
		out[a.Name], rest = rest[:4*a.Len], rest[4*a.Len:]
	}
	if len(rest) != 0 {
		return nil, damaged("%d bytes after the arrays the header lists", len(rest))
	}
	params, ok := out[ArrayParams]
	if !ok {
		return nil, damaged("no %q array", ArrayParams)
	}
	for name, a := range out {
		if len(a) != len(params) {
			return nil, damaged("array %q has %d values, the weights %d", name, len(a)/4, len(params)/4)
		}
	}
	return out, nil
}

// checkArrayName accepts names of 1 to MaxArrayName lower-case letters,
// digits and underscores.
func checkArrayName(name string) error {
	if name == "" || len(name) > MaxArrayName {
		return fmt.Errorf("length %d outside 1 to MaxArrayName = %d", len(name), MaxArrayName)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return fmt.Errorf("character %q", r)
		}
	}
	return nil
}

// checkDecoded compares what the header says beside the network with the
// network init built: the weights' names and shapes, and the
// standardizations' sizes and values.
func (m *Model) checkDecoded(h fileHeader) error {
	ps := m.Params()
	if len(h.ParamShapes) != len(ps) {
		return damaged("%d weight shapes for a network of %d", len(h.ParamShapes), len(ps))
	}
	for i, p := range ps {
		s := h.ParamShapes[i]
		name, _ := s[0].(string)
		rows, _ := s[1].(float64)
		cols, _ := s[2].(float64)
		if name != p.Name || rows != float64(p.Value.Rows) || cols != float64(p.Value.Cols) {
			return damaged("weight shape %d is %v, the network has %s %d x %d", i, s, p.Name, p.Value.Rows, p.Value.Cols)
		}
	}
	for _, n := range []struct {
		name string
		s    Standardizer
		cols int
	}{{"theta", m.Norm.Theta, len(m.Names)}, {"stats", m.Norm.Stats, len(m.StatNames)},
		{"voltage", m.Norm.Voltage, 1}, {"stimulus", m.Norm.Stimulus, 1}} {
		if len(n.s.Mean) != n.cols || len(n.s.SD) != n.cols {
			return damaged("norms.%s has %d means and %d sds, want %d", n.name, len(n.s.Mean), len(n.s.SD), n.cols)
		}
		for j := range n.cols {
			if mu, sd := n.s.Mean[j], n.s.SD[j]; math.IsNaN(mu) || math.IsInf(mu, 0) || !(sd > 0) || math.IsInf(sd, 0) {
				return damaged("norms.%s column %d: mean %v, sd %v", n.name, j, mu, sd)
			}
		}
	}
	return nil
}

// readFloats fills dst from little-endian float32 bytes and returns
// len(dst).
func readFloats(dst []float32, src []byte) int {
	src = src[:4*len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
	}
	return len(dst)
}

// checkFinite returns an error naming the first weight that is NaN or
// infinite.
func checkFinite(ps []*nn.Param) error {
	for _, p := range ps {
		for i, v := range p.Value.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("weight %s[%d] is %v", p.Name, i, v)
			}
		}
	}
	return nil
}

// FlatParams returns a copy of all parameter values, concatenated.
func FlatParams(ps []*nn.Param) []float32 {
	var out []float32
	for _, p := range ps {
		out = append(out, p.Value.Data...)
	}
	return out
}

// SetParams copies concatenated values (as FlatParams returns) into ps.
func SetParams(ps []*nn.Param, v []float32) error {
	if n := nn.NumValues(ps); n != len(v) {
		return fmt.Errorf("npe: %d parameter values for a model of %d", len(v), n)
	}
	off := 0
	for _, p := range ps {
		off += copy(p.Value.Data, v[off:off+len(p.Value.Data)])
	}
	return nil
}
