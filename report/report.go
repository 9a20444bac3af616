package report

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Report is an HTML report under construction. The zero value is an
// empty report; New sets the title.
type Report struct {
	Title string
	// Subtitle, if not empty, is a line under the title (run, date, ...).
	Subtitle string
	// Embed puts figures into the page as base64 data URIs instead of
	// linking the files beside it (links to SVG and CSV files remain).
	Embed bool
	// Warnings are shown in a box at the top of the page.
	Warnings []string
	// Sections appear in order, with a table of contents.
	Sections []*Section
}

// New returns an empty report with the given title.
func New(title string) *Report { return &Report{Title: title} }

// Warn adds a warning shown at the top of the page.
func (r *Report) Warn(text string) { r.Warnings = append(r.Warnings, text) }

// Section appends a new section and returns it for filling.
func (r *Report) Section(title string) *Section {
	s := &Section{Title: title}
	r.Sections = append(r.Sections, s)
	return s
}

// Section is a titled part of a report. Its methods append blocks and
// return the section, so calls chain; an error in building a block (such
// as a value that does not marshal to JSON) is kept and returned by
// Report.Write.
type Section struct {
	Title  string
	blocks []block
	err    error
}

// block is one item of a section; exactly one field is set.
type block struct {
	Paragraph string
	Figure    *Figure
	Table     *Table
	KeyValues *keyValues
	Code      *code
	Verdicts  []Verdict
	Warning   string
}

// Figure is an image file in the report directory.
type Figure struct {
	// File is the path relative to the report directory, e.g. "loss.png";
	// .png, .svg, .jpg and .gif are accepted.
	File    string
	Caption string
}

// Table is a captioned table, shown in the page and written as Name.csv
// beside it.
type Table struct {
	// Name is the CSV file's base name, without extension; empty means
	// "table-N" with N counting the report's tables from 1.
	Name    string
	Caption string
	Header  []string
	Rows    [][]string
}

// KV is one key/value pair, e.g. a version or a setting.
type KV struct{ Key, Value string }

// Verdict is the outcome of one check, drawn as a green or red badge.
type Verdict struct {
	Name string // what was checked, e.g. "C_m"
	Pass bool
	// Label is the badge text; empty means "pass" or "fail".
	Label string
	// Detail, if not empty, follows the badge, e.g. "KS p = 0.41".
	Detail string
}

// keyValues is a captioned list of key/value pairs.
type keyValues struct {
	Caption string
	Pairs   []KV
}

// code is a captioned preformatted text block.
type code struct {
	Caption, Text string
}

// Paragraph appends a paragraph of plain text.
func (s *Section) Paragraph(text string) *Section {
	return s.add(block{Paragraph: text})
}

// Figure appends the image at file (relative to the report directory)
// with a caption. When file is a .png with a .svg of the same name beside
// it, the page links to the SVG too.
func (s *Section) Figure(file, caption string) *Section {
	return s.add(block{Figure: &Figure{File: file, Caption: caption}})
}

// Table appends a table; Write also saves it as CSV.
func (s *Section) Table(t Table) *Section {
	return s.add(block{Table: &t})
}

// KeyValues appends a captioned list of key/value pairs.
func (s *Section) KeyValues(caption string, pairs ...KV) *Section {
	return s.add(block{KeyValues: &keyValues{Caption: caption, Pairs: pairs}})
}

// JSON appends v as indented JSON, e.g. a run's configuration.
func (s *Section) JSON(caption string, v any) *Section {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the template escapes
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		if s.err == nil {
			s.err = fmt.Errorf("report: section %q: %s: %w", s.Title, caption, err)
		}
		return s
	}
	return s.add(block{Code: &code{Caption: caption, Text: buf.String()}})
}

// Verdicts appends a row of pass/fail badges.
func (s *Section) Verdicts(vs ...Verdict) *Section {
	return s.add(block{Verdicts: vs})
}

// Warn appends a highlighted warning.
func (s *Section) Warn(text string) *Section {
	return s.add(block{Warning: text})
}

// add appends b.
func (s *Section) add(b block) *Section {
	s.blocks = append(s.blocks, b)
	return s
}
