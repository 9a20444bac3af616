// Package report gathers the results of an inference run into one
// self-contained HTML page.
//
// A Report holds sections; each section holds, in order, paragraphs,
// figures, tables, key/value blocks, pretty-printed JSON, verdict badges
// and warnings. Write renders dir/index.html with html/template (so all
// text is escaped), writes each table as CSV beside it, and checks that
// every referenced figure exists. Figures are linked by relative path, or
// embedded as base64 data URIs when Report.Embed is set. The page loads
// nothing from the network: the stylesheet is inline and there is no
// script.
package report
