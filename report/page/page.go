// Package page is the frame every idmefcheck HTML page shares: one self-contained file with
// its style sheet and script inline and nothing fetched, so that it works opened from
// file://, mailed, or archived beside a report, and prints cleanly.
//
// A page parses its own content into the frame with New. The content defines "title" (plain
// text: the <title> and the heading), "main" (the body) and optionally "subtitle" and
// "footer". The frame supplies what pages have in common:
//
//   - a Content-Security-Policy that forbids every fetch and admits only the frame's own
//     style sheet and script (by hash): content must not use style attributes or inline
//     event handlers, which the policy refuses; bars are drawn with inline SVG instead;
//   - styles for tables (class "grid"), badges (template "badge" with a verdict or status),
//     tiles, stacked bars (template "bar" with a []Segment), evidence blocks (<pre>);
//   - filters: a <form class="filters" data-for="ID"> whose <select name="K"> hides the rows
//     (elements with data-row) of element ID whose data-K differs from the chosen value, whose
//     <input type="search" name="q"> matches data-text, and whose checkbox name="differs"
//     keeps only rows with data-differs; an <output> in the form counts the rows shown;
//   - links with data-filter="ID:K=V" that set a filter and scroll to it;
//   - buttons with data-expand="ID" or data-collapse="ID" that open or close every <details>
//     inside element ID;
//   - printing: filters and buttons are left out, the active filters are said in words, and
//     <details data-print-open> are opened for the printout and closed again after.
//
// Without a script (some mail readers, a locked-down browser) every row shows and the
// filters are hidden. A parsed template is safe for concurrent Execute calls.
package page

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"
)

//go:embed frame.html style.css script.js
var files embed.FS

var (
	frame  = mustRead("frame.html")
	style  = mustRead("style.css")
	script = mustRead("script.js")
	// policy forbids every fetch: no default source, and only the embedded style sheet and
	// script, admitted by their hashes rather than by 'unsafe-inline', so that nothing a
	// report carries (evidence is attacker-chosen wire text) could ever run even if it
	// escaped its escaping.
	policy = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src data:; base-uri 'none'; form-action 'none'",
		hash(style), hash(script))
)

func mustRead(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("page: " + err.Error()) // embedded at build time: cannot happen
	}
	return string(b)
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Segment is one part of a stacked bar: a class (a verdict or status name, which picks the
// colour), its share in percent, and a label for its tooltip.
type Segment struct {
	Class string
	X, W  float64
	Label string
}

// Segments turns counts into the parts of a stacked bar, in the order of names, leaving out
// the zeros.
func Segments(names []string, counts []int) []Segment {
	total := 0
	for _, c := range counts {
		total += c
	}
	var out []Segment
	x := 0.0
	for i, c := range counts {
		if c == 0 || total == 0 {
			continue
		}
		w := 100 * float64(c) / float64(total)
		out = append(out, Segment{Class: names[i], X: x, W: w, Label: fmt.Sprintf("%s: %d", strings.ReplaceAll(names[i], "_", " "), c)})
		x += w
	}
	return out
}

// Funcs are the functions the frame's templates use; New adds them to a page's own.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"pageStyle":  func() template.CSS { return template.CSS(style) },
		"pageScript": func() template.JS { return template.JS(script) },
		"pagePolicy": func() string { return policy },
		"words":      func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		"lower":      strings.ToLower,
		"join":       strings.Join,
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
	}
}

// New returns the frame with content parsed into it under name. funcs are the content's own
// functions (they may not replace the frame's).
func New(name string, funcs template.FuncMap, content string) (*template.Template, error) {
	all := Funcs()
	for k, f := range funcs {
		if _, ok := all[k]; ok {
			return nil, fmt.Errorf("page: %s: function %q is the frame's", name, k)
		}
		all[k] = f
	}
	t, err := template.New(name).Funcs(all).Parse(frame)
	if err != nil {
		return nil, fmt.Errorf("page: frame: %w", err)
	}
	if _, err := t.New(name + ".content").Parse(content); err != nil {
		return nil, fmt.Errorf("page: %s: %w", name, err)
	}
	return t, nil
}
