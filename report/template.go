package report

import "html/template"

// pageTemplate renders a page. It is XHTML-compatible (void elements are
// self-closed) so tests can parse it with encoding/xml.
var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{.Title}}</title>
<style>
:root { --fg: #1d232b; --muted: #5b6573; --line: #d9dee5; --bg: #ffffff; --soft: #f5f7fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #b42318; --fail-bg: #fee4e2;
  --warn: #8a5a00; --warn-bg: #fff4d6; --accent: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; }
header { border-bottom: 2px solid var(--line); margin-bottom: 16px; }
h1 { font-size: 1.8em; margin: 0 0 4px; }
h2 { font-size: 1.35em; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.subtitle { color: var(--muted); margin: 0 0 12px; }
nav ol { margin: 8px 0 0; padding-left: 1.4em; columns: 2; }
nav a, a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
figure { margin: 20px 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: 0.92em; margin-top: 6px; }
table { border-collapse: collapse; margin: 12px 0; font-size: 0.92em; }
caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 12px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.csv { font-size: 0.85em; margin: -6px 0 12px; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 8px 0 16px; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; font-family: ui-monospace, "Liberation Mono", monospace; font-size: 0.92em; }
.caption { font-weight: 600; margin: 12px 0 4px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 10px 14px;
  overflow-x: auto; font: 0.88em/1.45 ui-monospace, "Liberation Mono", monospace; }
.verdicts { display: flex; flex-wrap: wrap; gap: 8px 20px; margin: 12px 0; }
.verdict .name { font-weight: 600; margin-right: 6px; }
.verdict .detail { color: var(--muted); margin-left: 6px; font-size: 0.9em; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 0.85em; font-weight: 600; }
.badge.pass { color: var(--pass); background: var(--pass-bg); border: 1px solid var(--pass); }
.badge.fail { color: var(--fail); background: var(--fail-bg); border: 1px solid var(--fail); }
.warning { color: var(--warn); background: var(--warn-bg); border-left: 4px solid var(--warn);
  padding: 8px 14px; margin: 12px 0; border-radius: 0 4px 4px 0; }
.warning ul { margin: 4px 0 0; padding-left: 1.2em; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
</style>
</head>
<body>
<main>
<header>
<h1>{{.Title}}</h1>
{{- if .Subtitle}}
<p class="subtitle">{{.Subtitle}}</p>
{{- end}}
</header>
{{- if .Warnings}}
<div class="warning" role="alert"><strong>Warnings ({{len .Warnings}})</strong>
<ul>
{{- range .Warnings}}
<li>{{.}}</li>
{{- end}}
</ul>
</div>
{{- end}}
{{- if .Sections}}
<nav><strong>Contents</strong>
<ol>
{{- range .Sections}}
<li><a href="#{{.ID}}">{{.Title}}</a></li>
{{- end}}
</ol>
</nav>
{{- end}}
{{- range .Sections}}
<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{- range .Blocks}}
{{- with .Paragraph}}
<p>{{.}}</p>
{{- end}}
{{- with .Figure}}
<figure>
<img src="{{.Src}}" alt="{{.Alt}}" />
{{- if or .Caption .SVG}}
<figcaption>{{.Caption}}{{if .SVG}} (<a href="{{.SVG}}">SVG</a>){{end}}</figcaption>
{{- end}}
</figure>
{{- end}}
{{- with .Table}}
<table>
{{- if .Caption}}
<caption>{{.Caption}}</caption>
{{- end}}
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td{{if .Num}} class="num"{{end}}>{{.Text}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
<p class="csv"><a href="{{.CSV}}">{{.CSV}}</a></p>
{{- end}}
{{- with .KeyValues}}
{{- if .Caption}}
<p class="caption">{{.Caption}}</p>
{{- end}}
<dl class="kv">
{{- range .Pairs}}
<dt>{{.Key}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- end}}
{{- with .Code}}
{{- if .Caption}}
<p class="caption">{{.Caption}}</p>
{{- end}}
<pre>{{.Text}}</pre>
{{- end}}
{{- with .Verdicts}}
<div class="verdicts">
{{- range .}}
<span class="verdict"><span class="name">{{.Name}}</span><span class="badge {{if .Pass}}pass{{else}}fail{{end}}">{{.Label}}</span>{{with .Detail}}<span class="detail">{{.}}</span>{{end}}</span>
{{- end}}
</div>
{{- end}}
{{- with .Warning}}
<div class="warning" role="alert">{{.}}</div>
{{- end}}
{{- end}}
</section>
{{- end}}
</main>
</body>
</html>
`))
