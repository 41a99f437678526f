package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/report/page"
)

//go:embed report.html.tmpl
var reportContent string

// reportPage is the report's page, parsed once; a parsed template is safe for concurrent
// use.
var reportPage = template.Must(page.New("report", template.FuncMap{
	"seconds": func(d Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) },
	"stamp":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"badge":   func(v Verdict) string { return string(v) },
}, reportContent))

// htmlView is what the report page shows, worked out from the report so that the template
// only lays it out.
type htmlView struct {
	*Report
	Outcome    Outcome
	Bar        []page.Segment
	Tiles      []tile
	Categories []categoryRow
	Results    []resultRow
	Levels     []string
	CatNames   []string
	Statuses   []string
	Verdicts   []Verdict
	ReqCounts  []tile
}

type tile struct {
	Class, Key string
	N          int
	Filter     string
}

type categoryRow struct {
	Name   string
	Counts map[Verdict]int
	Total  int
	Bar    []page.Segment
}

type resultRow struct {
	Result
	Text      string // lower-case ID, title, reason and requirements, for the text filter
	Notable   bool   // not a pass nor not applicable: its message shows in the table
	Annotated string // expectation wording, if any
}

var verdictNames = func() []string {
	var s []string
	for _, v := range Verdicts {
		s = append(s, string(v))
	}
	return s
}()

// WriteHTML writes r as a self-contained HTML page (package page): the verdict at a
// glance, the run's facts, the results by category, every requirement's status, and every
// check with its evidence behind a <details>, filterable by verdict, level, category and
// text. The page depends on r alone, so rendering the same report twice gives the same bytes.
func WriteHTML(w io.Writer, r *Report) error {
	v := htmlView{Report: r, Outcome: r.Outcome(), Verdicts: Verdicts, Statuses: RequirementStatuses}
	counts := make([]int, len(Verdicts))
	for i, vd := range Verdicts {
		counts[i] = r.Totals.Counts[vd]
		v.Tiles = append(v.Tiles, tile{Class: string(vd), Key: strings.ReplaceAll(string(vd), "_", " "), N: counts[i],
			Filter: "checks:verdict=" + string(vd)})
	}
	v.Bar = page.Segments(verdictNames, counts)
	for _, c := range r.Categories {
		row := categoryRow{Name: c.Name, Counts: c.Counts}
		cs := make([]int, len(Verdicts))
		for i, vd := range Verdicts {
			cs[i] = c.Counts[vd]
			row.Total += cs[i]
		}
		row.Bar = page.Segments(verdictNames, cs)
		v.Categories = append(v.Categories, row)
		v.CatNames = append(v.CatNames, c.Name)
	}
	for _, q := range r.Requirements {
		if !slices.Contains(v.CatNames, q.Category) {
			v.CatNames = append(v.CatNames, q.Category)
		}
	}
	slices.Sort(v.CatNames)
	rc := map[string]int{}
	for _, q := range r.Requirements {
		rc[q.Status]++
	}
	for _, s := range RequirementStatuses {
		v.ReqCounts = append(v.ReqCounts, tile{Class: s, Key: strings.ReplaceAll(s, "_", " "), N: rc[s], Filter: "requirements:status=" + s})
	}
	for _, res := range r.Results {
		row := resultRow{Result: res, Notable: res.Verdict != Pass && res.Verdict != NotApplicable}
		row.Text = strings.ToLower(strings.Join(append([]string{res.ID, res.Title, res.Reason, res.Message}, res.Requirements...), " "))
		switch {
		case res.Excused():
			row.Annotated = "expected failure until " + res.Expectation.Expires
		case res.UnexpectedPass():
			row.Annotated = "unexpected pass: remove the expected-failures entry"
			row.Notable = true
		case res.Expectation != nil && res.Expectation.Status == "expired":
			row.Annotated = "expected-failures entry expired on " + res.Expectation.Expires
		}
		v.Results = append(v.Results, row)
		if !slices.Contains(v.Levels, res.Level) {
			v.Levels = append(v.Levels, res.Level)
		}
	}
	slices.SortFunc(v.Levels, func(a, b string) int { return levelRank(a) - levelRank(b) })
	if err := reportPage.Execute(w, v); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}

func levelRank(l string) int {
	switch l {
	case "MUST":
		return 0
	case "SHALL":
		return 1
	case "SHOULD":
		return 2
	case "MAY":
		return 3
	}
	return 4
}
