package report

import (
	"fmt"
	"io"
	"strings"
)

// MarkdownFailureLimit caps the failures a Markdown summary lists one by one: the summary
// must fit a pull-request comment (GitHub's limit is 65,536 characters) whatever the run.
const MarkdownFailureLimit = 40

// WriteMarkdown writes a short summary of r for a pull-request comment or a CI job summary
// (GitHub's $GITHUB_STEP_SUMMARY, GitLab's job summaries): the verdict, the totals, what
// went wrong with its reason (failures, errors, inconclusive results, unexpected passes and
// excused failures, at most MarkdownFailureLimit lines), the counts by category and the
// requirements by status. Evidence stays in the HTML page and report.json.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	o := r.Outcome()
	mark := "✅"
	if !o.Conformant {
		mark = "❌"
	}
	fmt.Fprintf(&b, "## %s idmefcheck %s: %s\n\n", mark, r.Run.Role, md(r.Name()))
	fmt.Fprintf(&b, "**Verdict: %s**\n\n", md(o.String()))
	t := r.Totals
	b.WriteString("| checks | pass | fail | inconclusive | not applicable | error | MUST failures | SHOULD failures | expected failures | unexpected passes |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n", t.Checks, t.Counts[Pass], t.Counts[Fail],
		t.Counts[Inconclusive], t.Counts[NotApplicable], t.Counts[Error], t.MustFailures, t.ShouldFailures,
		t.ExpectedFailures, t.UnexpectedPasses)
	for _, p := range r.Sanity {
		if !p.OK {
			fmt.Fprintf(&b, "> **Sanity probe %s failed:** %s\n\n", p.When, md(FirstLine(p.Detail, 200)))
		}
	}

	var notable []string
	for _, res := range r.Results {
		var what string
		switch {
		case res.UnexpectedPass():
			what = "unexpected pass: remove the expected-failures entry"
		case res.Excused():
			what = "expected failure until " + res.Expectation.Expires
		case res.Verdict == Fail || res.Verdict == Error || res.Verdict == Inconclusive:
			what = string(res.Verdict)
		default:
			continue
		}
		notable = append(notable, fmt.Sprintf("| %s | %s | %s | %s | `%s` | %s |", md(res.ID), res.Level, what,
			md(FirstLine(res.Title, 80)), res.Reason, md(FirstLine(res.Message, 160))))
	}
	if len(notable) > 0 {
		fmt.Fprintf(&b, "### What did not pass (%d)\n\n| check | level | result | title | reason | message |\n|---|---|---|---|---|---|\n", len(notable))
		for i, line := range notable {
			if i == MarkdownFailureLimit {
				fmt.Fprintf(&b, "\n…and %d more: see report.html or report.json.\n", len(notable)-i)
				break
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
	}

	b.WriteString("### By category\n\n| category | pass | fail | inconclusive | not applicable | error |\n|---|---:|---:|---:|---:|---:|\n")
	for _, c := range r.Categories {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", c.Name, c.Counts[Pass], c.Counts[Fail], c.Counts[Inconclusive],
			c.Counts[NotApplicable], c.Counts[Error])
	}
	b.WriteString("\n")

	if len(r.Requirements) > 0 {
		counts := map[string]int{}
		var violated []string
		for _, q := range r.Requirements {
			counts[q.Status]++
			if q.Status == Violated {
				violated = append(violated, q.ID)
			}
		}
		var parts []string
		for _, s := range RequirementStatuses {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(s, "_", " "), counts[s]))
			}
		}
		fmt.Fprintf(&b, "**Requirements (%d):** %s.", len(r.Requirements), strings.Join(parts, ", "))
		if len(violated) > 0 {
			fmt.Fprintf(&b, " Violated: %s.", md(strings.Join(violated, ", ")))
		}
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "<sub>idmefcheck %s · checks sha256 %.12s · catalogue sha256 %.12s · %s · %s on %s</sub>\n",
		md(r.Suite.Version), r.Suite.ChecksHash, r.Suite.CatalogHash, r.Started.UTC().Format("2006-01-02 15:04 UTC"),
		r.Elapsed().Round(1e6), md(r.Host.Name))
	_, err := io.WriteString(w, b.String())
	return err
}

// RequirementStatuses lists the requirement statuses, in the order summaries show them.
var RequirementStatuses = []string{Violated, PartiallyTested, Satisfied, NotTested, NotApplicableR, AttestedOnly}

// md escapes text for a Markdown table cell: pipes would end the cell, and a line break the
// row; the characters that start emphasis, links, code or HTML are escaped so that a
// message quoting the wire shows as written.
func md(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '\n', '\r':
			b.WriteByte(' ')
		case '|', '\\', '`', '*', '_', '[', ']', '<', '>', '#', '~':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
