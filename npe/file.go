package npe

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"sort"

	"github.com/laa-neuro/laa/atomicfile"
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
// another kind fails the magic.
const (
	FileVersion = 1
	fileMagic   = "LAAMODEL"
	// ArrayParams holds the model's weights, in Params order.
	ArrayParams = "params"
)

type fileHeader struct {
	Format      string          `json:"format"`
	LaaVersion  string          `json:"laa_version"`
	Config      Config          `json:"config"`
	Experiment  json.RawMessage `json:"experiment"`
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
// named float32 arrays (optimizer moments, best weights).
type Extra struct {
	Training json.RawMessage
	Arrays   map[string][]float32
}

// Version is recorded in model files; the command line sets it.
var Version = "devel"

// Save writes the model and extra state to path atomically.
func Save(path string, m *Model, extra Extra) error {
	exp, err := json.Marshal(m.Experiment)
	if err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	h := fileHeader{Format: "laa-model", LaaVersion: Version, Config: m.Config, Experiment: exp, Names: m.Names,
		StatNames: m.StatNames, Norm: m.Norm, Seed: m.Seed, FlowReady: m.flow.Initialized(), Training: extra.Training}
	var params []float32
	for _, p := range m.Params() {
		h.ParamShapes = append(h.ParamShapes, [3]any{p.Name, p.Value.Rows, p.Value.Cols})
		params = append(params, p.Value.Data...)
	}
	arrays := map[string][]float32{ArrayParams: params}
	for k, v := range extra.Arrays {
		arrays[k] = v
	}
	names := make([]string, 0, len(arrays))
	for k := range arrays {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		h.Arrays = append(h.Arrays, arrayEntry{k, len(arrays[k])})
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(fileMagic)
	binary.Write(&buf, binary.LittleEndian, uint32(FileVersion))
	binary.Write(&buf, binary.LittleEndian, uint32(len(hdr)))
	buf.Write(hdr)
	for _, k := range names {
		for _, v := range arrays[k] {
			binary.Write(&buf, binary.LittleEndian, math.Float32bits(v))
		}
	}
	binary.Write(&buf, binary.LittleEndian, crc32.ChecksumIEEE(buf.Bytes()))
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(buf.Bytes())
		return err
	})
}

// Load reads a model file written by Save. A truncated, corrupt or foreign
// file is refused with an error saying which.
func Load(path string) (*Model, Extra, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, Extra{}, fmt.Errorf("load model: %w", err)
	}
	m, extra, err := decode(b)
	if err != nil {
		return nil, Extra{}, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, extra, nil
}

var errTruncated = errors.New("file is truncated or corrupt")

func decode(b []byte) (*Model, Extra, error) {
	if len(b) < len(fileMagic) || string(b[:len(fileMagic)]) != fileMagic {
		return nil, Extra{}, errors.New("not a laa model file (bad magic)")
	}
	if len(b) < len(fileMagic)+12 {
		return nil, Extra{}, errTruncated
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	r := bytes.NewReader(b[len(fileMagic):])
	var version, hlen uint32
	binary.Read(r, binary.LittleEndian, &version)
	binary.Read(r, binary.LittleEndian, &hlen)
	if version != FileVersion {
		return nil, Extra{}, fmt.Errorf("model file version %d, this laa reads version %d", version, FileVersion)
	}
	if crc32.ChecksumIEEE(body) != sum {
		return nil, Extra{}, errTruncated
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, Extra{}, errTruncated
	}
	var h fileHeader
	if err := json.Unmarshal(hdr, &h); err != nil {
		return nil, Extra{}, fmt.Errorf("header: %w", err)
	}
	if h.Format != "laa-model" {
		return nil, Extra{}, fmt.Errorf("file format %q, want laa-model", h.Format)
	}
	m := &Model{Config: h.Config, Names: h.Names, StatNames: h.StatNames, Norm: h.Norm, Seed: h.Seed}
	if err := json.Unmarshal(h.Experiment, &m.Experiment); err != nil {
		return nil, Extra{}, fmt.Errorf("experiment: %w", err)
	}
	if err := m.init(); err != nil {
		return nil, Extra{}, err
	}
	m.flow.SetInitialized(h.FlowReady)
	arrays := map[string][]float32{}
	for _, a := range h.Arrays {
		v := make([]float32, a.Len)
		for i := range v {
			var bits uint32
			if err := binary.Read(r, binary.LittleEndian, &bits); err != nil {
				return nil, Extra{}, errTruncated
			}
			v[i] = math.Float32frombits(bits)
		}
		arrays[a.Name] = v
	}
	if err := SetParams(m.Params(), arrays[ArrayParams]); err != nil {
		return nil, Extra{}, err
	}
	delete(arrays, ArrayParams)
	return m, Extra{Training: h.Training, Arrays: arrays}, nil
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
