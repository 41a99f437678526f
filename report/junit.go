package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// JUnit types: the de facto JUnit XML that GitHub (test-reporter actions), GitLab
// (artifacts:reports:junit) and Jenkins (the junit step) read. Exported so that tests and
// tools can parse a rendering back with encoding/xml.
type (
	// JUnitSuites is the document: one suite per category of the report.
	JUnitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []JUnitSuite `xml:"testsuite"`
	}
	// JUnitSuite is one category.
	JUnitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr"`
		Hostname   string          `xml:"hostname,attr"`
		Properties []JUnitProperty `xml:"properties>property"`
		Cases      []JUnitCase     `xml:"testcase"`
	}
	// JUnitCase is one check.
	JUnitCase struct {
		Name       string          `xml:"name,attr"`
		Classname  string          `xml:"classname,attr"`
		Time       string          `xml:"time,attr"`
		Properties []JUnitProperty `xml:"properties>property"`
		Failure    *JUnitProblem   `xml:"failure"`
		Error      *JUnitProblem   `xml:"error"`
		Skipped    *JUnitProblem   `xml:"skipped"`
		SystemOut  string          `xml:"system-out,omitempty"`
	}
	// JUnitProblem is a failure, an error or a skip: a one-line message, a type (the
	// result's reason code) and the details.
	JUnitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr,omitempty"`
		Text    string `xml:",chardata"`
	}
	// JUnitProperty is a name and a value.
	JUnitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
)

// JUnit builds the JUnit document of r: one testsuite per category (sorted, as in
// r.Categories), one testcase per check, named "ID: title" with classname
// idmefcheck.ROLE.CATEGORY, and the check's requirement IDs, level, verdict and reason as
// properties (a requirement property per ID). A fail becomes <failure>, an error <error>,
// not_applicable and inconclusive <skipped> with the reason. Two cases follow the
// expected-failures file, so that the document agrees with the exit code: an excused
// failure is <skipped> ("expected failure"), and a listed check that passed is a <failure>
// (remove the entry). Evidence goes to <system-out>.
func (r *Report) JUnit() *JUnitSuites {
	doc := &JUnitSuites{Name: "idmefcheck " + r.Run.Role + ": " + r.Name(), Time: seconds(r.Elapsed().Seconds())}
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.Category]
		if !ok {
			i = len(doc.Suites)
			index[res.Category] = i
			doc.Suites = append(doc.Suites, JUnitSuite{
				Name: "idmefcheck." + r.Run.Role + "." + res.Category, Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"),
				Hostname: r.Host.Name, Properties: r.junitProperties()})
		}
		s := &doc.Suites[i]
		c := junitCase(r.Run.Role, res)
		s.Cases = append(s.Cases, c)
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
		t, _ := strconv.ParseFloat(s.Time, 64)
		s.Time = seconds(t + res.Duration.Seconds())
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	return doc
}

func (r *Report) junitProperties() []JUnitProperty {
	p := []JUnitProperty{
		{"implementation", r.Name()},
		{"role", r.Run.Role},
		{"suite.version", r.Suite.Version},
		{"suite.catalog_sha256", r.Suite.CatalogHash},
		{"suite.checks_sha256", r.Suite.ChecksHash},
		{"strict", strconv.FormatBool(r.Run.Strict)},
		{"outcome", r.Outcome().String()},
	}
	if r.Implementation.Statement != "" {
		p = append(p, JUnitProperty{"statement_sha256", r.Implementation.Statement})
	}
	return p
}

func junitCase(role string, res Result) JUnitCase {
	c := JUnitCase{Name: res.ID + ": " + res.Title, Classname: "idmefcheck." + role + "." + res.Category,
		Time: seconds(res.Duration.Seconds())}
	for _, id := range res.Requirements {
		c.Properties = append(c.Properties, JUnitProperty{"requirement", id})
	}
	c.Properties = append(c.Properties, JUnitProperty{"level", res.Level}, JUnitProperty{"verdict", string(res.Verdict)},
		JUnitProperty{"reason", res.Reason})
	if e := res.Expectation; e != nil {
		c.Properties = append(c.Properties, JUnitProperty{"expectation", e.Status})
	}
	message := res.Reason + ": " + FirstLine(res.Message, 300)
	details := problemText(res)
	switch {
	case res.Excused():
		e := res.Expectation
		c.Skipped = &JUnitProblem{Message: fmt.Sprintf("expected failure until %s: %s", e.Expires, e.Reason), Type: res.Reason,
			Text: strings.TrimSpace(e.Issue + "\n" + details)}
	case res.UnexpectedPass():
		c.Failure = &JUnitProblem{Message: "listed as an expected failure, but passed: remove the entry (" + res.Expectation.Reason + ")",
			Type: "unexpected-pass", Text: details}
	case res.Verdict == Fail:
		c.Failure = &JUnitProblem{Message: message, Type: res.Reason, Text: details}
	case res.Verdict == Error:
		c.Error = &JUnitProblem{Message: message, Type: res.Reason, Text: details}
	case res.Verdict == Inconclusive || res.Verdict == NotApplicable:
		c.Skipped = &JUnitProblem{Message: string(res.Verdict) + ": " + message, Type: res.Reason, Text: res.Message}
	}
	c.SystemOut = evidenceText(res.Evidence)
	return c
}

// problemText is the body of a failure or error: the message, expected and actual.
func problemText(res Result) string {
	var b strings.Builder
	b.WriteString(res.Message)
	if res.Expected != "" || res.Actual != "" {
		fmt.Fprintf(&b, "\nexpected: %s\nactual:   %s", res.Expected, res.Actual)
	}
	fmt.Fprintf(&b, "\nrequirements: %s", strings.Join(res.Requirements, ", "))
	return b.String()
}

// evidenceText writes evidence as plain text, one block per piece.
func evidenceText(ev []Evidence) string {
	var b strings.Builder
	for i, e := range ev {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "--- %s", e.Kind)
		if e.Label != "" {
			fmt.Fprintf(&b, ": %s", e.Label)
		}
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(e.Text, "\n"))
		b.WriteString("\n")
		if e.Truncated > 0 {
			fmt.Fprintf(&b, "[%d more bytes left out]\n", e.Truncated)
		}
	}
	return b.String()
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }

// WriteJUnit writes r as JUnit XML.
func WriteJUnit(w io.Writer, r *Report) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(r.JUnit()); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
