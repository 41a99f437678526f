package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/report/page"
)

// Comparison sets several reports side by side: implementations × checks and
// implementations × requirements, each row marked when the reports disagree. It is built
// from the reports alone.
type Comparison struct {
	Columns      []Column
	Checks       []CheckRow
	Requirements []RequirementRow
	// SameChecks is false when the reports were made with different checks (their
	// checks_sha256 differ): a difference may then be the suite's, not the implementations'.
	SameChecks bool
	// Roles lists the roles of the reports; more than one makes most rows absent somewhere.
	Roles []string
}

// Column is one report.
type Column struct {
	Label   string
	File    string
	Report  *Report
	Outcome Outcome
}

// CheckRow is one check across the reports.
type CheckRow struct {
	ID, Title, Level, Category string
	Requirements               []string
	// Cells holds one cell per column; a nil Result means the report has no such check.
	Cells   []*Result
	Differs bool
}

// RequirementRow is one requirement across the reports.
type RequirementRow struct {
	ID, Title, Level, Category string
	// Statuses holds one status per column; "" means the report does not roll it up.
	Statuses []string
	Differs  bool
}

// Compare builds the comparison of reports; files name them (for labels and errors) and
// must be as many. Each column is labelled with the implementation's name, followed by the
// file's name when two reports would otherwise share a label. Checks are sorted by ID;
// requirements keep the order of the first report that lists them (catalogue order).
func Compare(files []string, reports []*Report) (*Comparison, error) {
	if len(files) != len(reports) {
		return nil, fmt.Errorf("report: compare: %d files for %d reports", len(files), len(reports))
	}
	if len(reports) < 2 {
		return nil, fmt.Errorf("report: compare: need at least two reports, have %d", len(reports))
	}
	c := &Comparison{SameChecks: true}
	names := map[string]int{}
	for _, r := range reports {
		names[r.Name()]++
	}
	for i, r := range reports {
		label := r.Name()
		if names[label] > 1 {
			label += " [" + filepath.Base(filepath.Dir(files[i])) + "/" + filepath.Base(files[i]) + "]"
		}
		c.Columns = append(c.Columns, Column{Label: label, File: files[i], Report: r, Outcome: r.Outcome()})
		if r.Suite.ChecksHash != reports[0].Suite.ChecksHash {
			c.SameChecks = false
		}
		if !slices.Contains(c.Roles, r.Run.Role) {
			c.Roles = append(c.Roles, r.Run.Role)
		}
	}

	checks := map[string]*CheckRow{}
	reqs := map[string]*RequirementRow{}
	var reqOrder []string
	for col, r := range reports {
		for i := range r.Results {
			res := &r.Results[i]
			row, ok := checks[res.ID]
			if !ok {
				row = &CheckRow{ID: res.ID, Title: res.Title, Level: res.Level, Category: res.Category,
					Requirements: res.Requirements, Cells: make([]*Result, len(reports))}
				checks[res.ID] = row
			}
			row.Cells[col] = res
		}
		for _, q := range r.Requirements {
			row, ok := reqs[q.ID]
			if !ok {
				row = &RequirementRow{ID: q.ID, Title: q.Title, Level: q.Level, Category: q.Category,
					Statuses: make([]string, len(reports))}
				reqs[q.ID] = row
				reqOrder = append(reqOrder, q.ID)
			}
			row.Statuses[col] = q.Status
		}
	}
	for _, row := range checks {
		for _, cell := range row.Cells[1:] {
			if cellKey(cell) != cellKey(row.Cells[0]) {
				row.Differs = true
			}
		}
		c.Checks = append(c.Checks, *row)
	}
	slices.SortFunc(c.Checks, func(a, b CheckRow) int { return strings.Compare(a.ID, b.ID) })
	for _, id := range reqOrder {
		row := reqs[id]
		for _, s := range row.Statuses[1:] {
			if s != row.Statuses[0] {
				row.Differs = true
			}
		}
		c.Requirements = append(c.Requirements, *row)
	}
	return c, nil
}

// cellKey is what makes two cells the same: the verdict, and whether the failure is
// excused (an excused failure and a counted one differ for a reviewer).
func cellKey(r *Result) string {
	if r == nil {
		return ""
	}
	if r.Excused() {
		return "fail-excused"
	}
	return string(r.Verdict)
}

// Differing counts the checks and requirements on which the reports disagree.
func (c *Comparison) Differing() (checks, requirements int) {
	for _, r := range c.Checks {
		if r.Differs {
			checks++
		}
	}
	for _, r := range c.Requirements {
		if r.Differs {
			requirements++
		}
	}
	return checks, requirements
}

//go:embed compare.html.tmpl
var compareContent string

var comparePage = template.Must(page.New("compare", template.FuncMap{
	"cellVerdict": func(r *Result) string {
		if r == nil {
			return "absent"
		}
		return string(r.Verdict)
	},
	"status": func(s string) string {
		if s == "" {
			return "absent"
		}
		return s
	},
	"bar": func(r *Report) []page.Segment {
		counts := make([]int, len(Verdicts))
		for i, v := range Verdicts {
			counts[i] = r.Totals.Counts[v]
		}
		return page.Segments(verdictNames, counts)
	},
	"count":    func(t Totals, v string) int { return t.Counts[Verdict(v)] },
	"levels":   func() []string { return []string{"MUST", "SHALL", "SHOULD", "MAY"} },
	"diffs":    func(c *Comparison) [2]int { a, b := c.Differing(); return [2]int{a, b} },
	"lowerAll": func(parts ...string) string { return strings.ToLower(strings.Join(parts, " ")) },
	"cellTitle": func(r *Result) string {
		if r == nil {
			return "not run by this report"
		}
		return r.Reason + ": " + FirstLine(r.Message, 300)
	},
}, compareContent))

// WriteCompareHTML writes the comparison as a self-contained HTML page in the frame the
// report page uses (package page), with both matrices filterable by level, category and
// "differences only".
func WriteCompareHTML(w io.Writer, c *Comparison) error {
	cats := map[string]bool{}
	for _, r := range c.Checks {
		cats[r.Category] = true
	}
	for _, r := range c.Requirements {
		cats[r.Category] = true
	}
	var names []string
	for k := range cats {
		names = append(names, k)
	}
	slices.Sort(names)
	if err := comparePage.Execute(w, struct {
		*Comparison
		Categories []string
	}{c, names}); err != nil {
		return fmt.Errorf("report: compare html: %w", err)
	}
	return nil
}

// WriteCompareMarkdown writes the comparison as Markdown: the implementations with their
// verdicts, then the checks and the requirements on which they differ, each followed by
// the full matrix folded in a <details> (GitHub and GitLab render it).
func WriteCompareMarkdown(w io.Writer, c *Comparison) error {
	var b strings.Builder
	b.WriteString("## idmefcheck: comparison of ")
	fmt.Fprintf(&b, "%d reports\n\n", len(c.Columns))
	if !c.SameChecks {
		b.WriteString("> **The reports were made with different checks** (their checks_sha256 differ): a difference may be the suite's, not the implementations'.\n\n")
	}
	b.WriteString("| | implementation | role | verdict | pass | fail | inconclusive | not applicable | error | checks sha256 |\n|---|---|---|---|---:|---:|---:|---:|---:|---|\n")
	for i, col := range c.Columns {
		r := col.Report
		t := r.Totals
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %d | %d | %d | %d | %.12s |\n", colName(i), md(col.Label), r.Run.Role,
			md(col.Outcome.String()), t.Counts[Pass], t.Counts[Fail], t.Counts[Inconclusive], t.Counts[NotApplicable],
			t.Counts[Error], r.Suite.ChecksHash)
	}
	b.WriteString("\n")
	dc, dr := c.Differing()
	head := func(first string) {
		fmt.Fprintf(&b, "| %s |", first)
		for i := range c.Columns {
			fmt.Fprintf(&b, " %s |", colName(i))
		}
		b.WriteString("\n|---|")
		for range c.Columns {
			b.WriteString("---|")
		}
		b.WriteString("\n")
	}
	checkRow := func(row CheckRow) {
		mark := ""
		if row.Differs {
			mark = "≠ "
		}
		fmt.Fprintf(&b, "| %s**%s** %s (%s) |", mark, md(row.ID), md(FirstLine(row.Title, 70)), row.Level)
		for _, cell := range row.Cells {
			switch {
			case cell == nil:
				b.WriteString(" — |")
			case cell.Excused():
				b.WriteString(" fail (expected) |")
			default:
				fmt.Fprintf(&b, " %s |", strings.ReplaceAll(string(cell.Verdict), "_", " "))
			}
		}
		b.WriteString("\n")
	}
	reqRow := func(row RequirementRow) {
		mark := ""
		if row.Differs {
			mark = "≠ "
		}
		fmt.Fprintf(&b, "| %s**%s** %s (%s) |", mark, md(row.ID), md(FirstLine(row.Title, 70)), row.Level)
		for _, s := range row.Statuses {
			if s == "" {
				s = "—"
			}
			fmt.Fprintf(&b, " %s |", strings.ReplaceAll(s, "_", " "))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "### Checks that differ (%d of %d)\n\n", dc, len(c.Checks))
	if dc > 0 {
		head("check")
		for _, row := range c.Checks {
			if row.Differs {
				checkRow(row)
			}
		}
		b.WriteString("\n")
	} else {
		b.WriteString("Every check has the same verdict in every report.\n\n")
	}
	fmt.Fprintf(&b, "<details><summary>All %d checks</summary>\n\n", len(c.Checks))
	head("check")
	for _, row := range c.Checks {
		checkRow(row)
	}
	b.WriteString("\n</details>\n\n")
	fmt.Fprintf(&b, "### Requirements that differ (%d of %d)\n\n", dr, len(c.Requirements))
	if dr > 0 {
		head("requirement")
		for _, row := range c.Requirements {
			if row.Differs {
				reqRow(row)
			}
		}
		b.WriteString("\n")
	} else {
		b.WriteString("Every requirement has the same status in every report.\n\n")
	}
	fmt.Fprintf(&b, "<details><summary>All %d requirements</summary>\n\n", len(c.Requirements))
	head("requirement")
	for _, row := range c.Requirements {
		reqRow(row)
	}
	b.WriteString("\n</details>\n\n— marks a check or requirement a report does not have; ≠ a row on which the reports differ.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// colName names column i for Markdown tables: A, B, …, Z, AA, AB, …
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
