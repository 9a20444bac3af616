package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/laa-neuro/laa/recording"
	"github.com/laa-neuro/laa/workflow"
)

// TraceRequest is the JSON body of POST /v1/models/{name}/infer: a
// recording as arrays (with their units), an observation of a model other
// than LAA, or the name of one of the model's examples.
type TraceRequest struct {
	Name    string    `json:"name,omitempty"`    // names the trace ["trace"]
	Time    []float64 `json:"time,omitempty"`    // sample times
	Voltage []float64 `json:"voltage,omitempty"` // membrane potential
	Current []float64 `json:"current,omitempty"` // injected current; may be absent with an assumed stimulus
	// Units of Time, Voltage and Current ["ms", "mV", "uA/cm2"], spelled
	// as in a CSV header ("s", "V", "pA", "nA", ...).
	Units struct {
		Time    string `json:"time,omitempty"`
		Voltage string `json:"voltage,omitempty"`
		Current string `json:"current,omitempty"`
	} `json:"units"`
	// Observation is the D values of one observation of a model other
	// than the LAA neuron.
	Observation []float64 `json:"observation,omitempty"`
	Example     string    `json:"example,omitempty"` // one of ModelInfo.Examples
}

// readOptions are the query parameters that say how to read a recording,
// as laa infer's flags do.
type readOptions struct {
	file workflow.RecordingFile // Read, StartMs, Filter (Path is set per upload)
	name string                 // the trace's name for a raw body
}

// parseReadOptions reads the recording options from the query.
func parseReadOptions(q queryValues) (readOptions, error) {
	var o readOptions
	r := &o.file.Read
	r.TimeUnit, r.VoltageUnit, r.CurrentUnit = q.Get("time_unit"), q.Get("voltage_unit"), q.Get("current_unit")
	r.Sweep, o.name = q.Get("sweep"), q.Get("name")
	var err error
	if r.Membrane.AreaCm2, err = q.float("area_cm2", 0); err != nil {
		return o, err
	}
	if r.Membrane.CapacitancePF, err = q.float("capacitance_pf", 0); err != nil {
		return o, err
	}
	if o.file.StartMs, err = q.float("start_ms", 0); err != nil {
		return o, err
	}
	switch f := q.Get("filter"); f {
	case "", "sinc":
		o.file.Filter = recording.FilterSinc
	case "boxcar":
		o.file.Filter = recording.FilterBoxcar
	case "none":
		o.file.Filter = recording.FilterNone
	default:
		return o, fail(http.StatusBadRequest, CodeBadRequest, "filter %q: want sinc, boxcar or none", f)
	}
	return o, nil
}

// readTrace reads the trace a request posts: JSON (TraceRequest), a
// multipart form whose "file" field is a recording, or a recording as the
// body itself (CSV/TSV as text/csv, text/tab-separated-values or
// text/plain; NWB as application/x-nwb, application/x-hdf5 or
// application/octet-stream).
func (s *Server) readTrace(r *http.Request, m *served, opt readOptions) (workflow.Trace, error) {
	ct := r.Header.Get("Content-Type")
	media, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return workflow.Trace{}, fail(http.StatusUnsupportedMediaType, CodeContentType, "Content-Type %q: want application/json, multipart/form-data, text/csv or application/x-nwb", ct)
	}
	switch media {
	case "application/json":
		return s.readJSON(r.Body, m, opt)
	case "multipart/form-data":
		return s.readMultipart(r, params["boundary"], m, opt)
	case "text/csv", "text/tab-separated-values", "text/plain":
		return s.readUpload(r.Body, orDefault(opt.name, "trace")+".csv", m, opt)
	case "application/x-nwb", "application/x-hdf5", "application/octet-stream":
		return s.readUpload(r.Body, orDefault(opt.name, "trace")+".nwb", m, opt)
	}
	return workflow.Trace{}, fail(http.StatusUnsupportedMediaType, CodeContentType, "Content-Type %q: want application/json, multipart/form-data, text/csv or application/x-nwb", media)
}

// readJSON reads a TraceRequest.
func (s *Server) readJSON(body io.Reader, m *served, opt readOptions) (workflow.Trace, error) {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	var t TraceRequest
	if err := dec.Decode(&t); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return workflow.Trace{}, err
		}
		return workflow.Trace{}, fail(http.StatusBadRequest, CodeBadRequest, "the JSON body: %v", err)
	}
	name := orDefault(orDefault(t.Name, opt.name), "trace")
	switch {
	case t.Example != "":
		csv, ok := m.examples[t.Example]
		if !ok {
			return workflow.Trace{}, fail(http.StatusNotFound, CodeNotFound, "model %s has no example %q (it has %s)", m.info.Name, t.Example, strings.Join(m.info.Examples, ", "))
		}
		return s.readUpload(bytes.NewReader(csv), t.Example+".csv", m, opt)
	case t.Observation != nil:
		if m.base.IsLAA() {
			return workflow.Trace{}, fail(http.StatusBadRequest, CodeBadRequest, "model %s is the LAA neuron: post a recording (time, voltage and current with their units), not an observation", m.info.Name)
		}
		tr := workflow.Trace{Name: recording.SafeName(name), Source: name + " (JSON)", Voltage: t.Observation}
		if _, err := m.base.Observe(tr.Voltage); err != nil { // the length and values, before a replica is taken
			return workflow.Trace{}, fail(http.StatusUnprocessableEntity, CodeBadTrace, "observation: %v", err)
		}
		return tr, nil
	case !m.base.IsLAA():
		return workflow.Trace{}, fail(http.StatusBadRequest, CodeBadRequest, "model %s (%s) takes {\"observation\": [%d numbers]}", m.info.Name, m.info.Kind, m.info.Samples)
	}
	if len(t.Time) == 0 || len(t.Voltage) == 0 {
		return workflow.Trace{}, fail(http.StatusBadRequest, CodeBadRequest, "the JSON body needs \"time\" and \"voltage\" arrays (and \"current\", with their \"units\"), an \"example\" or, for a model other than LAA, an \"observation\"")
	}
	// The arrays become the CSV recording laa infer would read, so they are
	// checked, converted and prepared by the same reader.
	var b bytes.Buffer
	cols := [][]float64{t.Time, t.Voltage}
	fmt.Fprintf(&b, "time (%s),voltage (%s)", orDefault(t.Units.Time, "ms"), orDefault(t.Units.Voltage, "mV"))
	if t.Current != nil {
		cols = append(cols, t.Current)
		fmt.Fprintf(&b, ",current (%s)", orDefault(t.Units.Current, "uA/cm2"))
	}
	b.WriteByte('\n')
	for _, c := range cols[1:] {
		if len(c) != len(t.Time) {
			return workflow.Trace{}, fail(http.StatusUnprocessableEntity, CodeBadTrace, "time has %d samples, voltage %d and current %d: they must be equal", len(t.Time), len(t.Voltage), len(t.Current))
		}
	}
	for k := range t.Time {
		for j, c := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(c[k], 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return s.readUpload(&b, name+".csv", m, opt)
}

// readMultipart reads the form's "file" part as a recording.
func (s *Server) readMultipart(r *http.Request, boundary string, m *served, opt readOptions) (workflow.Trace, error) {
	part, name, err := filePart(r, boundary, orDefault(opt.name, "trace")+".csv")
	if err != nil {
		return workflow.Trace{}, err
	}
	return s.readUpload(part, name, m, opt)
}

// filePart returns the "file" part of a multipart form and its file name
// (def when it gives none); other fields are skipped.
func filePart(r *http.Request, boundary, def string) (io.Reader, string, error) {
	if boundary == "" {
		return nil, "", fail(http.StatusBadRequest, CodeBadRequest, "multipart/form-data without a boundary")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", fail(http.StatusBadRequest, CodeBadRequest, "multipart body: %v", err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", fail(http.StatusBadRequest, CodeBadRequest, "the form has no \"file\" field holding the recording")
		}
		if err != nil {
			return nil, "", badBody("multipart body", err)
		}
		if p.FormName() == "file" {
			return p, orDefault(p.FileName(), def), nil
		}
	}
}

// spool spools the file a request posts (the body, or the "file" field of
// a multipart form) and calls fn on it, as spoolFile does.
func (s *Server) spool(r *http.Request, def string, fn func(path, display string) error) error {
	body, name := io.Reader(r.Body), def
	if media, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && media == "multipart/form-data" {
		if body, name, err = filePart(r, params["boundary"], def); err != nil {
			return err
		}
	}
	return s.spoolFile(body, name, fn)
}

// badBody is the error of a body that could not be read: 413 past the
// limit, else 400.
func badBody(what string, err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return fail(http.StatusBadRequest, CodeBadRequest, "%s: %v", what, err)
}

// spoolFile writes body to a private folder under Config.SpoolDir as
// fileName (made safe, its extension one the readers know), calls fn with
// the file's path and the name to show for it, and removes the folder.
func (s *Server) spoolFile(body io.Reader, fileName string, fn func(path, display string) error) error {
	base := filepath.Base(fileName)
	ext := strings.ToLower(filepath.Ext(base))
	if ext != ".nwb" && ext != ".h5" && ext != ".hdf5" && ext != ".tsv" && ext != ".txt" {
		ext = ".csv"
	}
	display := recording.SafeName(strings.TrimSuffix(base, filepath.Ext(base))) + ext
	dir, err := os.MkdirTemp(s.cfg.SpoolDir, "laa-serve-")
	if err != nil {
		return fmt.Errorf("spooling the upload: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, display)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("spooling the upload: %w", err)
	}
	_, err = io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return badBody("reading the upload", err)
	}
	return fn(path, display)
}

// unspooled is a reader's error on a spooled file: 422, naming the upload
// rather than the spool.
func unspooled(err error, path, display string) error {
	return fail(http.StatusUnprocessableEntity, CodeBadTrace, "%s", strings.ReplaceAll(err.Error(), path, display))
}

// readUpload reads a recording as laa infer reads a --trace
// (workflow.RecordingFile.Trace), spooled by spoolFile.
func (s *Server) readUpload(body io.Reader, fileName string, m *served, opt readOptions) (workflow.Trace, error) {
	if !m.base.IsLAA() {
		return workflow.Trace{}, fail(http.StatusUnsupportedMediaType, CodeContentType, "model %s (%s) takes JSON {\"observation\": [%d numbers]}, not a recording file", m.info.Name, m.info.Kind, m.info.Samples)
	}
	var tr workflow.Trace
	err := s.spoolFile(body, fileName, func(path, display string) error {
		file := opt.file
		file.Path = path
		var err error
		if tr, err = file.Trace(m.base.Experiment); err != nil {
			return unspooled(err, path, display)
		}
		tr.Source = display
		for i, w := range tr.Warnings {
			tr.Warnings[i] = strings.ReplaceAll(w, path, display)
		}
		return nil
	})
	return tr, err
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
