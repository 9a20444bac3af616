package recording

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/laa-neuro/laa/inputfile"
)

// Column names that the CSV reader recognizes (compared without case).
var columnNames = map[string]quantity{
	"t": qTime, "time": qTime, "times": qTime, "timestamp": qTime, "timestamps": qTime,
	"v": qVoltage, "vm": qVoltage, "v_m": qVoltage, "voltage": qVoltage, "potential": qVoltage,
	"membrane_potential": qVoltage, "membrane_voltage": qVoltage,
	"i": qCurrent, "im": qCurrent, "i_m": qCurrent, "iinj": qCurrent, "i_inj": qCurrent, "i_ext": qCurrent,
	"current": qCurrent, "injected_current": qCurrent, "stimulus": qCurrent, "stim": qCurrent, "command": qCurrent,
}

// column is a recognized header field: what it measures and its unit
// spelling, empty when the header gives none.
type column struct {
	q    quantity
	unit string
}

// errUnknownColumn marks a header field that names no known quantity.
var errUnknownColumn = errors.New("unknown column")

// parseHeaderField reads a header field such as "time_ms", "t_s", "V (mV)",
// "current_uA_per_cm2" or "Vm": a known name followed by an optional unit,
// after an underscore, a space or in brackets.
func parseHeaderField(f string) (column, error) {
	f = strings.TrimSpace(f)
	name := func(s string) (quantity, bool) {
		s = strings.Trim(strings.ToLower(strings.Join(strings.Fields(s), "_")), "_")
		q, ok := columnNames[s]
		return q, ok
	}
	if i := strings.IndexAny(f, "(["); i >= 0 {
		q, ok := name(f[:i])
		if !ok {
			return column{}, errUnknownColumn
		}
		u := strings.TrimRight(strings.TrimSpace(f[i+1:]), ")] ")
		if _, err := parseUnitOf(q, u); err != nil {
			return column{}, err
		}
		return column{q, u}, nil
	}
	norm := strings.Join(strings.Fields(f), "_")
	if q, ok := name(norm); ok {
		return column{q: q}, nil
	}
	var unitErr error
	for i, c := range norm {
		if c != '_' {
			continue
		}
		q, ok := name(norm[:i])
		if !ok {
			continue
		}
		u := norm[i+1:]
		if _, err := parseUnitOf(q, u); err != nil {
			if unitErr == nil {
				unitErr = err
			}
			continue
		}
		return column{q, u}, nil
	}
	if unitErr != nil {
		return column{}, unitErr
	}
	return column{}, errUnknownColumn
}

// detectDelimiter picks the most frequent of comma, tab and semicolon in line.
func detectDelimiter(line string) rune {
	best, n := ',', 0
	for _, d := range []rune{',', '\t', ';'} {
		if c := strings.Count(line, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// ReadCSV reads delimited text: a header line naming the time, voltage and
// current columns with their units (e.g. "time_ms,voltage_mV,current_uA_per_cm2"
// or "t_s,v_V,i_pA"), then one row per sample. The delimiter (comma, tab or
// semicolon) is taken from the header line; with semicolons a decimal comma
// is accepted. Lines starting with # are comments, other columns are ignored,
// and an empty cell is a missing sample. Only a regular file of at most
// MaxCSVBytes bytes and MaxCSVRows rows is read.
func ReadCSV(path string, opt Options) (Recording, error) {
	b, err := inputfile.ReadAll(path, MaxCSVBytes, "MaxCSVBytes")
	if err != nil {
		return Recording{}, fmt.Errorf("recording: %w", err)
	}
	rec, err := parseCSV(b, opt, MaxCSVRows)
	if err != nil {
		return Recording{}, fmt.Errorf("recording: %s: %w", path, err)
	}
	rec.Source = path + " (delimited text)"
	if err := applyAssumed(&rec, opt); err != nil {
		return Recording{}, fmt.Errorf("recording: %s: %w", path, err)
	}
	if err := finish(&rec, opt.Membrane); err != nil {
		return Recording{}, fmt.Errorf("%w (in %s)", err, path)
	}
	return rec, nil
}

// parseCSV does ReadCSV's work on the file's bytes, reading at most
// maxRows data rows.
func parseCSV(b []byte, opt Options, maxRows int) (Recording, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	var headerLine string
	for rest := b; len(rest) > 0 && headerLine == ""; {
		l, next, _ := bytes.Cut(rest, []byte("\n"))
		if l = bytes.TrimSpace(l); len(l) > 0 && l[0] != '#' {
			headerLine = string(l)
		}
		rest = next
	}
	if headerLine == "" {
		return Recording{}, errors.New("no header and no data")
	}
	delim := detectDelimiter(headerLine)
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma, r.Comment, r.TrimLeadingSpace, r.ReuseRecord = delim, '#', true, true
	header, err := r.Read()
	if err != nil {
		return Recording{}, csvError(err)
	}
	header = append([]string(nil), header...)
	numeric := true
	for _, f := range header {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
			numeric = false
		}
	}
	if numeric {
		return Recording{}, fmt.Errorf("the first line (%s) is data; a header naming the columns must come first, like time_ms,voltage_mV,current_pA", headerLine)
	}
	idx, units, err := mapColumns(header, opt)
	if err != nil {
		return Recording{}, err
	}
	r.FieldsPerRecord = len(header)
	var cols [3][]float64
	endsMidLine := len(b) > 0 && b[len(b)-1] != '\n'
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) && errors.Is(err, csv.ErrFieldCount) {
			return Recording{}, fmt.Errorf("line %d has %d fields, the header has %d (truncated file?)", pe.Line, len(row), len(header))
		}
		if err != nil {
			return Recording{}, csvError(err)
		}
		line, _ := r.FieldPos(0) // only after a row was read: it panics after an error
		if len(cols[0]) == maxRows {
			return Recording{}, fmt.Errorf("line %d: more than MaxCSVRows = %d data rows", line, maxRows)
		}
		for q := range cols {
			if idx[q] < 0 {
				continue
			}
			s := strings.TrimSpace(row[idx[q]])
			v := math.NaN()
			if s != "" {
				v, err = strconv.ParseFloat(s, 64)
				if err != nil && delim == ';' {
					v, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
				}
				if err != nil {
					if len(cols[0]) == 0 {
						return Recording{}, fmt.Errorf("line %d: %q in column %q is not a number (a second header line?)", line, s, header[idx[q]])
					}
					return Recording{}, fmt.Errorf("line %d: %q in column %q is not a number", line, s, header[idx[q]])
				}
			} else if endsMidLine && r.InputOffset() == int64(len(b)) {
				return Recording{}, fmt.Errorf("line %d: the last line is incomplete (truncated file?)", line)
			}
			cols[q] = append(cols[q], v)
		}
	}
	if len(cols[0]) == 0 {
		return Recording{}, errors.New("a header but no data rows")
	}
	for _, q := range []quantity{qTime, qVoltage} {
		if s := units[q].scale; s != 1 {
			for i := range cols[q] {
				cols[q][i] *= s
			}
		}
	}
	return Recording{TimeMs: cols[qTime], VoltageMV: cols[qVoltage], Current: cols[qCurrent], CurrentUnit: units[qCurrent].current}, nil
}

// applyAssumed uses opt.AssumeStimulus as the current of a recording read
// without one, and notes that it was ignored when the file has a current.
func applyAssumed(r *Recording, opt Options) error {
	switch {
	case opt.AssumeStimulus == nil:
		return nil
	case r.Current != nil:
		r.Warnings = append(r.Warnings, "the file records the current; the assumed stimulus was ignored")
		return nil
	}
	return assumeCurrent(r, *opt.AssumeStimulus)
}

// csvError rewords an error of encoding/csv, naming the line and what is
// wrong there (never the line's text).
func csvError(err error) error {
	var pe *csv.ParseError
	switch {
	case !errors.As(err, &pe):
		return err
	case errors.Is(err, csv.ErrBareQuote):
		return fmt.Errorf("line %d, column %d: a quote (\") inside a field that does not start with one; remove it, or quote the whole field", pe.Line, pe.Column)
	case errors.Is(err, csv.ErrQuote):
		return fmt.Errorf("line %d: a quote (\") opens a field that is never closed properly (a stray quote?)", pe.StartLine)
	}
	return fmt.Errorf("line %d: %w", pe.Line, pe.Err)
}

// mapColumns finds the time, voltage and current columns of a header and
// their units, from the header and from opt.
func mapColumns(header []string, opt Options) (idx [3]int, units [3]unit, err error) {
	optCol := [3]string{opt.TimeColumn, opt.VoltageColumn, opt.CurrentColumn}
	optUnit := [3]string{opt.TimeUnit, opt.VoltageUnit, opt.CurrentUnit}
	var headerUnit [3]string
	idx = [3]int{-1, -1, -1}
	for j, f := range header {
		c, err := parseHeaderField(f)
		for q := range optCol {
			if optCol[q] != "" && strings.EqualFold(strings.TrimSpace(f), optCol[q]) {
				c, err = column{q: quantity(q)}, nil
				if u, e := parseHeaderField(f); e == nil && u.q == quantity(q) {
					c.unit = u.unit
				}
			}
		}
		switch {
		case errors.Is(err, errUnknownColumn):
			continue
		case err != nil:
			return idx, units, fmt.Errorf("column %q: %w", strings.TrimSpace(f), err)
		case optCol[c.q] != "" && !strings.EqualFold(strings.TrimSpace(f), optCol[c.q]):
			continue // the option names another column for this quantity
		case idx[c.q] >= 0:
			return idx, units, fmt.Errorf("columns %q and %q both look like %s; name the one to use with an option", header[idx[c.q]], f, c.q)
		}
		idx[c.q], headerUnit[c.q] = j, c.unit
	}
	for q := range idx {
		qq := quantity(q)
		if idx[q] < 0 && qq == qCurrent && opt.AssumeStimulus != nil && optCol[q] == "" {
			continue // the current is assumed
		}
		if idx[q] < 0 {
			hint := map[quantity]string{qTime: "time_ms or t_s", qVoltage: "voltage_mV or v_V", qCurrent: "current_uA_per_cm2, i_pA or i_nA"}[qq]
			what := ""
			if qq == qCurrent {
				what = "; the injected current (stimulus) is needed to fit the model, or a protocol to assume in its place"
			}
			if optCol[q] != "" {
				return idx, units, fmt.Errorf("no column %q (header: %s)", optCol[q], strings.Join(header, ", "))
			}
			return idx, units, fmt.Errorf("no %s column in the header (%s)%s; name it like %s", qq, strings.Join(header, ", "), what, hint)
		}
		u := headerUnit[q]
		switch {
		case u == "" && optUnit[q] == "":
			return idx, units, fmt.Errorf("column %q gives no %s unit; put it in the header (like %s) or give it as an option", header[idx[q]], qq, map[quantity]string{qTime: "time_ms", qVoltage: "voltage_mV", qCurrent: "current_pA"}[qq])
		case u == "":
			u = optUnit[q]
		}
		units[q], err = parseUnitOf(qq, u)
		if err != nil {
			return idx, units, fmt.Errorf("column %q: %w", header[idx[q]], err)
		}
		if optUnit[q] != "" {
			o, err := parseUnitOf(qq, optUnit[q])
			if err != nil {
				return idx, units, fmt.Errorf("%s unit option: %w", qq, err)
			}
			if o != units[q] {
				return idx, units, fmt.Errorf("column %q is in %s but the %s unit option says %s", header[idx[q]], u, qq, optUnit[q])
			}
		}
	}
	return idx, units, nil
}
