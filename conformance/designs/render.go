package designs

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/idmefcheck/idmefcheck/report/page"
)

// errWriter remembers the first write error so that renderers can write freely and report once.
type errWriter struct {
	w   *bufio.Writer
	err error
}

func newWriter(w io.Writer) *errWriter { return &errWriter{w: bufio.NewWriter(w)} }

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) flush() error {
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// short names of provisions for narrow tables.
var shortWord = map[string]string{Yes: "yes", Partial: "partial", No: "no", NotApplicable: "n/a"}

// WriteList lists designs, one line each: ID, revision, counts, title.
func WriteList(w io.Writer, ds []*Design) error {
	ew := newWriter(w)
	ew.printf("%-18s %-8s %4s %8s %4s %4s  %s\n", "DESIGN", "IDMEFv2", "YES", "PARTIAL", "NO", "N/A", "TITLE")
	for _, d := range ds {
		n := map[string]int{}
		for _, a := range d.Assessments {
			n[a.Provides]++
		}
		ew.printf("%-18s %-8s %4d %8d %4d %4d  %s\n", d.ID, d.Version, n[Yes], n[Partial], n[No], n[NotApplicable], d.Title)
	}
	return ew.flush()
}

// WriteDesign prints one design and every assessment, for a terminal.
func WriteDesign(w io.Writer, d *Design) error {
	ew := newWriter(w)
	ew.printf("%s: %s\nIDMEFv2 revision %s; file %s\n", d.ID, d.Title, d.Version, d.File)
	for _, doc := range d.Documents {
		ew.printf("  %-10s %s\n", doc.Key, doc.Reference)
	}
	ew.printf("\n%s\n", d.Summary)
	for _, a := range d.Assessments {
		ew.printf("\n%-17s %-8s %s\n", a.Requirement, shortWord[a.Provides], a.Mechanism.Feature)
		if len(a.Mechanism.Fields) > 0 {
			ew.printf("  fields:   %s\n", strings.Join(a.Mechanism.Fields, ", "))
		}
		if len(a.Mechanism.Values) > 0 {
			ew.printf("  keywords: %s\n", strings.Join(a.Mechanism.Values, ", "))
		}
		ew.printf("  why:      %s\n", a.Reasoning)
		if len(a.Cites) > 0 {
			ew.printf("  cites:    %s\n", strings.Join(a.Cites, "; "))
		}
	}
	return ew.flush()
}

// WriteDiffText prints schema differences for a terminal.
func WriteDiffText(w io.Writer, d *SchemaDiff) error {
	ew := newWriter(w)
	writeDiffText(ew, d)
	return ew.flush()
}

func writeDiffText(ew *errWriter, d *SchemaDiff) {
	n := d.Counts()
	ew.printf("IDMEFv2 %s -> %s: %d added, %d removed, %d renamed, %d retyped, %d required changed, %d bounds changed\n",
		d.From, d.To, n[Added], n[Removed], n[Renamed], n[Retyped], n[Required], n[Bounds])
	if d.Empty() {
		ew.printf("  no differences\n")
		return
	}
	reqs := func(ids []string) string {
		if len(ids) == 0 {
			return ""
		}
		return "  [" + strings.Join(ids, " ") + "]"
	}
	for _, c := range d.Classes {
		ew.printf("  class %-8s %s%s\n", c.Kind, c.Path, reqs(c.Requirements))
	}
	for _, c := range d.Fields {
		ew.printf("  field %-8s %s: %s%s\n", c.Kind, c.Path, fromTo(c.From, c.To), reqs(c.Requirements))
	}
	for _, v := range d.Values {
		switch v.Kind {
		case Renamed:
			ew.printf("  value %-8s %s: %s -> %s (%s)%s\n", v.Kind, v.Enum, v.From, v.To, v.Match, reqs(v.Requirements))
		case Removed:
			ew.printf("  value %-8s %s: %s%s\n", v.Kind, v.Enum, v.From, reqs(v.Requirements))
		default:
			ew.printf("  value %-8s %s: %s%s\n", v.Kind, v.Enum, v.To, reqs(v.Requirements))
		}
	}
	ew.printf("  requirements touched: %s\n", strings.Join(d.Requirements(), " "))
}

func fromTo(from, to string) string {
	switch {
	case from == "":
		return to
	case to == "":
		return from
	}
	return from + " -> " + to
}

// WriteText prints a comparison for a terminal: the designs' counts, the rows that differ,
// the requirements no design meets, and a summary of the schema differences.
func WriteText(w io.Writer, c *Comparison) error {
	ew := newWriter(w)
	ew.printf("%d designs, %d requirements, %d differ\n", len(c.Designs), len(c.Rows), c.Differing)
	for _, col := range c.Designs {
		ew.printf("  %-18s %s  yes %d, partial %d, no %d, n/a %d\n", col.ID, col.Version, col.Counts[Yes], col.Counts[Partial], col.Counts[No], col.Counts[NotApplicable])
	}
	ew.printf("\nrequirements on which the designs differ:\n%-17s", "")
	widths := make([]int, len(c.Designs))
	for i, col := range c.Designs {
		widths[i] = max(len(col.ID), 8)
		ew.printf(" %-*s", widths[i], col.ID)
	}
	ew.printf("\n")
	for _, r := range c.Rows {
		if !r.Differs {
			continue
		}
		ew.printf("%-17s", r.ID)
		for i, a := range r.Cells {
			ew.printf(" %-*s", widths[i], shortWord[a.Provides])
		}
		ew.printf(" %s\n", r.Title)
	}
	ew.printf("\nmet by none of the designs (%d):\n", len(c.Unmet))
	for _, id := range c.Unmet {
		r, _ := c.Row(id)
		ew.printf("  %-17s %-6s %s\n", id, r.Level, r.Title)
	}
	for _, col := range c.Designs {
		if ids := c.OnlyBy[col.ID]; len(ids) > 0 {
			ew.printf("\nmet only by %s (%d): %s\n", col.ID, len(ids), strings.Join(ids, " "))
		}
	}
	for _, d := range c.Diffs {
		n := d.Counts()
		ew.printf("\nschema %s -> %s: %d added, %d removed, %d renamed, %d retyped, %d required changed; touches %d requirements\n",
			d.From, d.To, n[Added], n[Removed], n[Renamed], n[Retyped], n[Required], len(d.Requirements()))
	}
	return ew.flush()
}

// WriteJSON writes the comparison as one indented JSON document.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteMarkdown renders the comparison as a Markdown document: summary, the matrix (rows
// that differ marked ≠), what no design meets, then the schema differences.
func WriteMarkdown(w io.Writer, c *Comparison) error {
	ew := newWriter(w)
	ew.printf("# Comparison of %d designs\n\n", len(c.Designs))
	ew.printf("%d requirements; the designs differ on %d (marked ≠).\n\n", len(c.Rows), c.Differing)
	ew.printf("| design | IDMEFv2 | yes | partial | no | n/a | title |\n|---|---|---|---|---|---|---|\n")
	for _, col := range c.Designs {
		ew.printf("| `%s` | %s | %d | %d | %d | %d | %s |\n", col.ID, col.Version, col.Counts[Yes], col.Counts[Partial], col.Counts[No], col.Counts[NotApplicable], mdCell(col.Title))
	}
	ew.printf("\n## Met by none of the designs\n\n")
	if len(c.Unmet) == 0 {
		ew.printf("None.\n")
	}
	for _, id := range c.Unmet {
		r, _ := c.Row(id)
		ew.printf("- **%s** (%s): %s\n", id, r.Level, mdCell(r.Title))
	}
	for _, col := range c.Designs {
		if ids := c.OnlyBy[col.ID]; len(ids) > 0 {
			ew.printf("\n## Met only by `%s`\n\n", col.ID)
			for _, id := range ids {
				r, _ := c.Row(id)
				ew.printf("- **%s** (%s): %s\n", id, r.Level, mdCell(r.Title))
			}
		}
	}
	ew.printf("\n## Requirements × designs\n\n| | requirement | level | title |")
	for _, col := range c.Designs {
		ew.printf(" `%s` |", col.ID)
	}
	ew.printf("\n|---|---|---|---|%s\n", strings.Repeat("---|", len(c.Designs)))
	for _, r := range c.Rows {
		mark := ""
		if r.Differs {
			mark = "≠"
		}
		ew.printf("| %s | %s | %s | %s |", mark, r.ID, r.Level, mdCell(r.Title))
		for _, a := range r.Cells {
			ew.printf(" **%s**: %s |", shortWord[a.Provides], mdCell(a.Mechanism.Feature))
		}
		ew.printf("\n")
	}
	ew.printf("\n## Schema differences\n")
	for _, d := range c.Diffs {
		writeDiffMarkdown(ew, d)
	}
	ew.printf("\nGenerated by idmefcheck designs compare; catalogue %s.\n", c.CatalogHash[:12])
	return ew.flush()
}

// WriteDiffMarkdown renders schema differences as Markdown.
func WriteDiffMarkdown(w io.Writer, d *SchemaDiff) error {
	ew := newWriter(w)
	writeDiffMarkdown(ew, d)
	return ew.flush()
}

func writeDiffMarkdown(ew *errWriter, d *SchemaDiff) {
	n := d.Counts()
	ew.printf("\n### IDMEFv2 %s → %s\n\n%d added, %d removed, %d renamed (near match), %d retyped, %d required changed, %d bounds changed; %d requirements touched.\n\n",
		d.From, d.To, n[Added], n[Removed], n[Renamed], n[Retyped], n[Required], n[Bounds], len(d.Requirements()))
	if len(d.Classes)+len(d.Fields) > 0 {
		ew.printf("| class or field | change | from | to | requirements touched |\n|---|---|---|---|---|\n")
		for _, c := range d.Classes {
			ew.printf("| %s (class) | %s | | | %s |\n", c.Path, c.Kind, strings.Join(c.Requirements, " "))
		}
		for _, c := range d.Fields {
			ew.printf("| %s | %s | %s | %s | %s |\n", c.Path, c.Kind, c.From, c.To, strings.Join(c.Requirements, " "))
		}
	}
	if len(d.Values) > 0 {
		ew.printf("\n| enumeration | change | from | to | near match | requirements touched |\n|---|---|---|---|---|---|\n")
		for _, v := range d.Values {
			ew.printf("| %s | %s | %s | %s | %s | %s |\n", v.Enum, v.Kind, mdCell(v.From), mdCell(v.To), v.Match, strings.Join(v.Requirements, " "))
		}
	}
}

//go:embed compare.html.tmpl
var compareTemplate string

var htmlPage = func() *template.Template {
	t, err := page.New("designs", template.FuncMap{
		"provWord": func(p string) string { return shortWord[p] },
		"provClass": func(p string) string {
			return map[string]string{Yes: "pass", Partial: "inconclusive", No: "fail", NotApplicable: "not_applicable"}[p]
		},
		"lowerAll": func(s ...string) string { return strings.ToLower(strings.Join(s, " ")) },
		"counts":   func(d *SchemaDiff) map[string]int { return d.Counts() },
		"lookup": func(c *Comparison, id string) *Row {
			r, _ := c.Row(id)
			return r
		},
		"documents": func(c *Comparison) []string {
			var out []string
			for _, r := range c.Rows {
				if len(out) == 0 || out[len(out)-1] != r.Document {
					out = append(out, r.Document)
				}
			}
			return out
		},
	}, compareTemplate)
	if err != nil {
		panic(err) // the template is embedded: a parse error is a build-time bug
	}
	return t
}()

// WriteHTML renders the comparison as one self-contained page (package page): the summary,
// the matrix with a filter and "differences only", and the schema differences beneath.
func WriteHTML(w io.Writer, c *Comparison) error {
	bw := bufio.NewWriter(w)
	if err := htmlPage.Execute(bw, c); err != nil {
		return fmt.Errorf("designs: html: %w", err)
	}
	return bw.Flush()
}
