package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/report"
	"github.com/idmefcheck/idmefcheck/schema"
)

// schemas and the catalogue are loaded once: compiling them is the slowest part of these
// specs under the race detector.
var (
	schemas = func() *schema.Set {
		s, err := schema.Load()
		if err != nil {
			panic(err)
		}
		return s
	}()
	theCatalog = sync.OnceValues(func() (*catalog.Catalog, error) { return catalog.Load(schemas) })
)

// sample builds a summarized report with one result of every kind the renderings treat
// apart: pass, MUST fail, SHOULD fail, inconclusive, not applicable, error, an excused
// failure and an unexpected pass; evidence carries markup and an ampersand, as wire text does.
func sample() *report.Report {
	cat, err := theCatalog()
	Expect(err).NotTo(HaveOccurred())
	at := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	res := func(id, level, cat string, v report.Verdict, reason, msg string) report.Result {
		return report.Result{ID: id, Title: "title of " + id, Requirements: []string{"IDMEF2T-4.5.3-1", "R4766-6.3"}, Level: level,
			Category: cat, Verdict: v, Reason: reason, Message: msg, Started: at, Duration: report.Duration(12 * time.Millisecond),
			Evidence: []report.Evidence{{Kind: "request", Label: "POST /", Text: "POST / HTTP/1.1\nContent-Type: application/json\n\n{\"a\":\"<script>alert(1)</script> & more\"}"}}}
	}
	r := &report.Report{
		Format: report.Format,
		Suite:  report.Suite{Name: "idmefcheck", Version: "test", CatalogHash: strings.Repeat("a", 64), ChecksHash: strings.Repeat("b", 64)},
		Implementation: report.Implementation{Vendor: "Acme", Product: "Sink", Version: "1.2", Role: "manager",
			Versions: []string{"2.D.V08"}, Options: []string{"http2"}},
		Run:     report.Run{Role: "manager", Targets: []string{"https://127.0.0.1:1/"}, Observe: "none", Parallel: 1},
		Started: at, Ended: at.Add(3 * time.Second),
		Host:   report.Host{Name: "ci", OS: "linux", Arch: "amd64", Go: "go1.26"},
		Sanity: []report.Probe{{When: "before", OK: true, Detail: "204", At: at}, {When: "after", OK: true, Detail: "204", At: at}},
		Results: []report.Result{
			res("MGR-AUTH-001", "MUST", "authentication", report.Pass, "ok", "refused"),
			res("MGR-AUTH-002", "MUST", "authentication", report.Fail, "accepted", "the manager answered 204 to a client from another CA\nsecond line"),
			res("MGR-AUTH-008", "SHOULD", "authentication", report.Fail, "no-dns-id", "no DNS-ID"),
			res("MGR-HTTP-001", "MUST", "transport", report.Inconclusive, "no-observation", "no observation channel"),
			res("MGR-AUTH-009", "MUST", "authentication", report.NotApplicable, "option-not-claimed", "require-signatures not claimed"),
			res("MGR-CONF-001", "MUST", "confidentiality", report.Error, "harness-failure", "could not dial"),
			res("MGR-CONF-002", "MUST", "confidentiality", report.Fail, "accepted", "TLS 1.0 accepted"),
			res("MGR-CONF-003", "MUST", "confidentiality", report.Pass, "ok", "negotiated"),
		},
	}
	r.Results[1].Expected, r.Results[1].Actual = "refused", "204"
	r.Results[6].Expectation = &report.Expectation{Reason: "fix on its way", Issue: "https://tracker.example/1", Expires: "2099-01-01", Status: "expected"}
	r.Results[7].Expectation = &report.Expectation{Reason: "was broken", Expires: "2099-01-01", Status: "unexpected-pass"}
	r.Summarize(cat)
	return r
}

var _ = Describe("the report schema", func() {
	It("pins the layout report.Format names", func() {
		var s struct {
			Properties struct {
				Format struct {
					Const string `json:"const"`
				} `json:"format"`
			} `json:"properties"`
		}
		b, err := schema.FS.ReadFile(report.SchemaFile)
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &s)).To(Succeed())
		Expect(s.Properties.Format.Const).To(Equal(report.Format))
	})

	It("knows exactly the categories of the requirements catalogue", func() {
		enum := func(file string, path ...string) []string {
			b, err := schema.FS.ReadFile(file)
			Expect(err).NotTo(HaveOccurred())
			var v any
			Expect(json.Unmarshal(b, &v)).To(Succeed())
			for _, p := range path {
				v = v.(map[string]any)[p]
			}
			var out []string
			for _, e := range v.([]any) {
				out = append(out, e.(string))
			}
			return out
		}
		Expect(enum(report.SchemaFile, "definitions", "category", "enum")).To(ConsistOf(
			enum("requirements.schema.json", "definitions", "requirement", "properties", "category", "enum")),
			"schema/report.schema.json's category enum must follow schema/requirements.schema.json's")
	})
})

var _ = Describe("Marshal and Parse", func() {
	It("write a report the schema accepts and read it back unchanged", func() {
		r := sample()
		b, err := report.Marshal(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(HaveSuffix("}\n"))
		back, err := report.Parse(schemas, "sample.json", b)
		Expect(err).NotTo(HaveOccurred())
		again, err := report.Marshal(back)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(again)).To(Equal(string(b)))
	})

	It("write empty lists, never null, whatever the model holds", func() {
		r := sample()
		r.Sanity, r.Run.Targets, r.Results[0].Evidence, r.Categories = nil, nil, nil, nil
		b, err := report.Marshal(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).NotTo(ContainSubstring("null"))
		_, err = report.Parse(schemas, "sample.json", b)
		Expect(err).NotTo(HaveOccurred())
	})

	It("name the JSON pointer of every value the schema refuses", func() {
		b, err := report.Marshal(sample())
		Expect(err).NotTo(HaveOccurred())
		bad := strings.Replace(string(b), `"verdict": "pass"`, `"verdict": "passed"`, 1)
		bad = strings.Replace(bad, `"checks_sha256": "bbbb`, `"checks_sha256": "XXbb`, 1)
		_, err = report.Parse(schemas, "bad.json", []byte(bad))
		Expect(err).To(MatchError(ContainSubstring("report: bad.json: /results/0/verdict: ")))
		Expect(err).To(MatchError(ContainSubstring("bad.json: /suite/checks_sha256: ")))
	})

	It("refuses a layout it does not read, saying which it reads", func() {
		_, err := report.Parse(schemas, "old.json", []byte(`{"format": "idmefcheck-report/0"}`))
		Expect(err).To(MatchError(`report: old.json: /format: "idmefcheck-report/0" is not a layout this program reads (it reads idmefcheck-report/1)`))
	})

	It("gives the line and column of broken JSON", func() {
		_, err := report.Parse(schemas, "broken.json", []byte("{\n  \"format\": ,\n}"))
		Expect(err).To(MatchError(ContainSubstring("broken.json: not JSON: line 2, column")))
	})
})

var _ = Describe("Report.Outcome", func() {
	It("says what each exit bit means, and nothing when the code is 0", func() {
		r := sample()
		o := r.Outcome()
		Expect(o.Code).To(Equal(r.ExitCode()))
		Expect(o.Code).To(Equal(report.ExitMustFailure | report.ExitHarnessError | report.ExitInconclusive | report.ExitUnexpectedPass))
		Expect(o.String()).To(Equal("not conformant: MUST failures, harness errors, inconclusive results, unexpected passes (exit 27)"))
		r.Run.Strict = true
		Expect(r.Outcome().Causes).To(ContainElement("SHOULD failures (--strict)"))
		Expect((&report.Report{}).Outcome().String()).To(Equal("conformant"))
	})
})

// junitDoc is a reader of JUnit XML written independently of report's own types, as a CI
// server would read it.
type junitDoc struct {
	XMLName xml.Name `xml:"testsuites"`
	Tests   int      `xml:"tests,attr"`
	Fail    int      `xml:"failures,attr"`
	Errors  int      `xml:"errors,attr"`
	Skipped int      `xml:"skipped,attr"`
	Suites  []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Name       string `xml:"name,attr"`
			Classname  string `xml:"classname,attr"`
			Time       string `xml:"time,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

var _ = Describe("WriteJUnit", func() {
	var doc junitDoc
	BeforeEach(func() {
		var b bytes.Buffer
		Expect(report.WriteJUnit(&b, sample())).To(Succeed())
		Expect(b.String()).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>`))
		doc = junitDoc{}
		Expect(xml.Unmarshal(b.Bytes(), &doc)).To(Succeed())
	})

	It("writes one testsuite per category and one testcase per check, with totals that add up", func() {
		Expect(doc.Suites).To(HaveLen(3))
		Expect(doc.Suites[0].Name).To(Equal("idmefcheck.manager.authentication"))
		n := 0
		for _, s := range doc.Suites {
			Expect(s.Cases).To(HaveLen(s.Tests))
			n += len(s.Cases)
		}
		Expect(n).To(Equal(8))
		Expect(doc.Tests).To(Equal(8))
		// MGR-AUTH-002 and MGR-AUTH-008 fail, MGR-CONF-003 passed though listed.
		Expect(doc.Fail).To(Equal(3))
		Expect(doc.Errors).To(Equal(1))
		// inconclusive, not applicable, and the excused failure.
		Expect(doc.Skipped).To(Equal(3))
	})

	It("maps each verdict to the element CI servers know, with the reason", func() {
		byID := map[string]int{}
		cases := doc.Suites[0].Cases
		cases = append(cases, doc.Suites[1].Cases...)
		cases = append(cases, doc.Suites[2].Cases...)
		for i, c := range cases {
			byID[strings.SplitN(c.Name, ":", 2)[0]] = i
		}
		c := func(id string) int { i, ok := byID[id]; Expect(ok).To(BeTrue(), id); return i }
		Expect(cases[c("MGR-AUTH-001")].Failure).To(BeNil())
		Expect(cases[c("MGR-AUTH-001")].Skipped).To(BeNil())
		f := cases[c("MGR-AUTH-002")].Failure
		Expect(f).NotTo(BeNil())
		Expect(f.Type).To(Equal("accepted"))
		Expect(f.Message).To(Equal("accepted: the manager answered 204 to a client from another CA"))
		Expect(f.Text).To(ContainSubstring("expected: refused\nactual:   204"))
		Expect(cases[c("MGR-CONF-001")].Error.Message).To(HavePrefix("harness-failure: "))
		Expect(cases[c("MGR-HTTP-001")].Skipped.Message).To(Equal("inconclusive: no-observation: no observation channel"))
		Expect(cases[c("MGR-AUTH-009")].Skipped.Message).To(HavePrefix("not_applicable: option-not-claimed"))
		Expect(cases[c("MGR-CONF-002")].Skipped.Message).To(Equal("expected failure until 2099-01-01: fix on its way"))
		Expect(cases[c("MGR-CONF-003")].Failure.Type).To(Equal("unexpected-pass"))
		Expect(cases[c("MGR-AUTH-001")].SystemOut).To(ContainSubstring(`<script>alert(1)</script> & more`))
		Expect(cases[c("MGR-AUTH-001")].Classname).To(Equal("idmefcheck.manager.authentication"))
		Expect(cases[c("MGR-AUTH-001")].Time).To(Equal("0.012"))
	})

	It("carries every requirement ID, the level and the verdict as properties", func() {
		props := map[string][]string{}
		for _, p := range doc.Suites[0].Cases[0].Properties {
			props[p.Name] = append(props[p.Name], p.Value)
		}
		Expect(props["requirement"]).To(Equal([]string{"IDMEF2T-4.5.3-1", "R4766-6.3"}))
		Expect(props["level"]).To(Equal([]string{"MUST"}))
		Expect(props["verdict"]).To(Equal([]string{"pass"}))
	})
})

var _ = Describe("WriteMarkdown", func() {
	It("gives the verdict, the totals, what did not pass with its reason, and the categories", func() {
		var b bytes.Buffer
		Expect(report.WriteMarkdown(&b, sample())).To(Succeed())
		md := b.String()
		Expect(md).To(HavePrefix("## ❌ idmefcheck manager: Acme Sink 1.2\n"))
		Expect(md).To(ContainSubstring("**Verdict: not conformant: MUST failures, harness errors, inconclusive results, unexpected passes (exit 27)**"))
		Expect(md).To(ContainSubstring("| MGR-AUTH-002 | MUST | fail | title of MGR-AUTH-002 | `accepted` | the manager answered 204 to a client from another CA |"))
		Expect(md).To(ContainSubstring("| MGR-CONF-002 | MUST | expected failure until 2099-01-01 |"))
		Expect(md).To(ContainSubstring("| MGR-CONF-003 | MUST | unexpected pass: remove the expected-failures entry |"))
		Expect(md).To(ContainSubstring("| confidentiality | 1 | 1 | 0 | 0 | 1 |"))
		Expect(md).NotTo(ContainSubstring("MGR-AUTH-001 |"), "passes are not listed")
	})

	It("stays short enough for a pull-request comment however many checks fail", func() {
		r := sample()
		base := r.Results[1]
		for i := range 2000 {
			res := base
			res.ID = fmt.Sprintf("MGR-BULK-%03d", i)
			res.Message = strings.Repeat("very long message | with pipes ", 40)
			r.Results = append(r.Results, res)
		}
		cat, err := theCatalog()
		Expect(err).NotTo(HaveOccurred())
		r.Summarize(cat)
		var b bytes.Buffer
		Expect(report.WriteMarkdown(&b, r)).To(Succeed())
		Expect(b.Len()).To(BeNumerically("<", 65536))
		Expect(b.String()).To(ContainSubstring("…and 1966 more: see report.html or report.json."))
	})
})

var _ = Describe("WriteHTML", func() {
	var page string
	BeforeEach(func() {
		var b bytes.Buffer
		Expect(report.WriteHTML(&b, sample())).To(Succeed())
		page = b.String()
	})

	It("writes one self-contained page that fetches nothing", func() {
		Expect(page).To(HavePrefix("<!DOCTYPE html>"))
		Expect(page).To(MatchRegexp(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;; script-src &#39;sha256-`))
		Expect(page).NotTo(MatchRegexp(`(?i)<link|<img|<iframe|\ssrc=|url\(|@import`))
		Expect(regexp.MustCompile(`(?i)https?://`).FindAllString(page, -1)).To(HaveLen(2), "only the report's own target and issue URL, as text")
	})

	It("shows evidence as text, never as markup", func() {
		Expect(page).NotTo(ContainSubstring("<script>alert(1)"))
		Expect(page).To(ContainSubstring("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
	})

	It("gives every check a filterable row and its evidence behind a details element", func() {
		Expect(strings.Count(page, `<tbody class="row" id="check-`)).To(Equal(8))
		Expect(page).To(ContainSubstring(`id="check-MGR-AUTH-002" data-row data-verdict="fail" data-level="MUST" data-category="authentication"`))
		Expect(strings.Count(page, `<details class="evidence"`)).To(Equal(8))
		Expect(page).To(ContainSubstring(`<p class="word" id="verdict-word">Not conformant</p>`))
	})

	It("gives the same bytes for the same report", func() {
		var b bytes.Buffer
		Expect(report.WriteHTML(&b, sample())).To(Succeed())
		Expect(b.String()).To(Equal(page))
	})
})

var _ = Describe("Compare", func() {
	var a, b *report.Report
	BeforeEach(func() {
		a, b = sample(), sample()
		b.Implementation.Product = "Other"
		b.Results[0].Verdict = report.Fail
		b.Results = b.Results[:len(b.Results)-1]
		cat, err := theCatalog()
		Expect(err).NotTo(HaveOccurred())
		b.Summarize(cat)
	})

	It("marks the checks and requirements on which the reports differ, and absent checks", func() {
		c, err := report.Compare([]string{"a/report.json", "b/report.json"}, []*report.Report{a, b})
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SameChecks).To(BeTrue())
		var differ []string
		for _, row := range c.Checks {
			if row.Differs {
				differ = append(differ, row.ID)
			}
		}
		Expect(differ).To(Equal([]string{"MGR-AUTH-001", "MGR-CONF-003"}))
		for _, row := range c.Checks {
			if row.ID == "MGR-CONF-003" {
				Expect(row.Cells[0].Verdict).To(Equal(report.Pass))
				Expect(row.Cells[1]).To(BeNil(), "absent from the second report")
			}
		}
		checks, _ := c.Differing()
		Expect(checks).To(Equal(2))
	})

	It("labels columns by implementation, adding the file when two share a name", func() {
		c, err := report.Compare([]string{"x/a/report.json", "x/b/report.json"}, []*report.Report{a, sample()})
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Columns[0].Label).To(Equal("Acme Sink 1.2 [a/report.json]"))
		Expect(c.Columns[1].Label).To(Equal("Acme Sink 1.2 [b/report.json]"))
	})

	It("warns when the reports were made with different checks", func() {
		b.Suite.ChecksHash = strings.Repeat("c", 64)
		c, err := report.Compare([]string{"a", "b"}, []*report.Report{a, b})
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SameChecks).To(BeFalse())
		var md bytes.Buffer
		Expect(report.WriteCompareMarkdown(&md, c)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("The reports were made with different checks"))
	})

	It("renders the matrix as Markdown and as a page in the report's frame", func() {
		c, err := report.Compare([]string{"a", "b"}, []*report.Report{a, b})
		Expect(err).NotTo(HaveOccurred())
		var md, html bytes.Buffer
		Expect(report.WriteCompareMarkdown(&md, c)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("### Checks that differ (2 of 8)"))
		Expect(md.String()).To(ContainSubstring("| ≠ **MGR-CONF-003** title of MGR-CONF-003 (MUST) | pass | — |"))
		Expect(report.WriteCompareHTML(&html, c)).To(Succeed())
		Expect(html.String()).To(ContainSubstring(`<meta http-equiv="Content-Security-Policy"`))
		Expect(strings.Count(html.String(), `data-differs class="differs"`)).To(BeNumerically(">=", 2))
	})

	It("needs two reports", func() {
		_, err := report.Compare([]string{"a"}, []*report.Report{a})
		Expect(err).To(MatchError("report: compare: need at least two reports, have 1"))
	})
})
