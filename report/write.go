package report

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/laa-neuro/laa/atomicfile"
)

// imageTypes maps accepted figure extensions to MIME types.
var imageTypes = map[string]string{
	".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg",
	".jpeg": "image/jpeg", ".gif": "image/gif",
}

// page is the template's view of a report.
type page struct {
	Title, Subtitle string
	Warnings        []string
	Sections        []sectionView
}

type sectionView struct {
	ID, Title string
	Blocks    []blockView
}

// blockView is a block ready for the template; exactly one field is set.
type blockView struct {
	Paragraph string
	Figure    *figureView
	Table     *tableView
	KeyValues *keyValues
	Code      *code
	Verdicts  []Verdict
	Warning   string
}

type figureView struct {
	Src          any    // a relative path (string) or a data URI (template.URL)
	SVG          string // relative path of a vector version, if any
	Caption, Alt string
}

type tableView struct {
	Caption, CSV string
	Header       []string
	Rows         [][]cell
}

// cell is a table cell; numbers are right-aligned.
type cell struct {
	Text string
	Num  bool
}

// Write writes the report to dir/index.html and its tables to
// dir/NAME.csv, creating dir if needed. Every file is written to a
// temporary file and renamed into place. It fails, writing nothing, if a
// section holds an error, a figure file is missing or outside dir, or a
// table is malformed.
func (r *Report) Write(dir string) error {
	pg, tables, err := r.view(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, t := range tables {
		var buf bytes.Buffer
		if err := csv.NewWriter(&buf).WriteAll(append([][]string{t.Header}, t.Rows...)); err != nil {
			return fmt.Errorf("report: table %s: %w", t.Name, err)
		}
		if err := atomicfile.WriteBytes(filepath.Join(dir, t.Name+".csv"), buf.Bytes()); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, pg); err != nil {
		return fmt.Errorf("report: rendering: %w", err)
	}
	return atomicfile.WriteBytes(filepath.Join(dir, "index.html"), buf.Bytes())
}

// view checks the report against dir and builds the template's view and
// the list of tables to save.
func (r *Report) view(dir string) (*page, []*Table, error) {
	pg := &page{Title: r.Title, Subtitle: r.Subtitle, Warnings: r.Warnings}
	var tables []*Table
	names := map[string]bool{}
	for i, s := range r.Sections {
		if s.err != nil {
			return nil, nil, s.err
		}
		sv := sectionView{ID: fmt.Sprintf("s%d", i+1), Title: s.Title}
		for _, b := range s.blocks {
			bv := blockView{Paragraph: b.Paragraph, KeyValues: b.KeyValues, Code: b.Code, Warning: b.Warning}
			switch {
			case b.Figure != nil:
				fv, err := r.figure(dir, b.Figure)
				if err != nil {
					return nil, nil, fmt.Errorf("report: section %q: %w", s.Title, err)
				}
				bv.Figure = fv
			case b.Table != nil:
				t := *b.Table
				if t.Name == "" {
					t.Name = fmt.Sprintf("table-%d", len(tables)+1)
				}
				tv, err := tableOf(&t)
				if err == nil && names[t.Name] {
					err = fmt.Errorf("table name %q used twice", t.Name)
				}
				if err != nil {
					return nil, nil, fmt.Errorf("report: section %q: %w", s.Title, err)
				}
				names[t.Name] = true
				tables = append(tables, &t)
				bv.Table = tv
			case b.Verdicts != nil:
				for _, v := range b.Verdicts {
					if v.Label == "" {
						v.Label = map[bool]string{true: "pass", false: "fail"}[v.Pass]
					}
					bv.Verdicts = append(bv.Verdicts, v)
				}
			}
			sv.Blocks = append(sv.Blocks, bv)
		}
		pg.Sections = append(pg.Sections, sv)
	}
	return pg, tables, nil
}

// figure checks that f names an image inside dir and builds its view.
func (r *Report) figure(dir string, f *Figure) (*figureView, error) {
	if !filepath.IsLocal(f.File) {
		return nil, fmt.Errorf("figure %q is not a path inside the report directory", f.File)
	}
	mime, ok := imageTypes[strings.ToLower(filepath.Ext(f.File))]
	if !ok {
		return nil, fmt.Errorf("figure %q: unsupported image type", f.File)
	}
	full := filepath.Join(dir, f.File)
	info, err := os.Stat(full)
	if err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	if !info.Mode().IsRegular() || info.Size() == 0 {
		return nil, fmt.Errorf("figure %q is not a non-empty file", f.File)
	}
	rel := filepath.ToSlash(f.File)
	fv := &figureView{Src: rel, Caption: f.Caption, Alt: f.Caption}
	if fv.Alt == "" {
		fv.Alt = path.Base(rel)
	}
	if ext := path.Ext(rel); ext == ".png" {
		svg := strings.TrimSuffix(rel, ext) + ".svg"
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(svg))); err == nil {
			fv.SVG = svg
		}
	}
	if r.Embed {
		b, err := os.ReadFile(full)
		if err != nil {
			return nil, fmt.Errorf("figure: %w", err)
		}
		// Safe: the URI is our own base64 encoding of a file of a known image type.
		fv.Src = template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b))
	}
	return fv, nil
}

// tableOf checks t's shape and name and builds its view.
func tableOf(t *Table) (*tableView, error) {
	if strings.ContainsAny(t.Name, `/\`) || !filepath.IsLocal(t.Name) {
		return nil, fmt.Errorf("bad table name %q", t.Name)
	}
	if len(t.Header) == 0 {
		return nil, errors.New("table " + t.Name + " has no header")
	}
	tv := &tableView{Caption: t.Caption, CSV: t.Name + ".csv", Header: t.Header}
	for i, row := range t.Rows {
		if len(row) != len(t.Header) {
			return nil, fmt.Errorf("table %s row %d has %d cells, header has %d", t.Name, i, len(row), len(t.Header))
		}
		cells := make([]cell, len(row))
		for j, s := range row {
			_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			cells[j] = cell{Text: s, Num: err == nil}
		}
		tv.Rows = append(tv.Rows, cells)
	}
	return tv, nil
}
