package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/idmefcheck/idmefcheck/report"
)

const goodExpectations = `# known failures of the example manager
expected_failures:
  - check: MGR-HTTP-005          # an ID
    reason: "406 not implemented"
    issue: https://tracker.example.net/MGR-1234
    expires: 2027-03-31
  - check: MGR-DOS-*             # a glob
    reason: no rate limit yet
    expires: "2027-01-15"
`

var _ = Describe("ParseExpectations", func() {
	It("reads every entry of a well-formed file with its check, reason, issue and date", func() {
		x, err := report.ParseExpectations("ef.yaml", []byte(goodExpectations))
		Expect(err).NotTo(HaveOccurred())
		Expect(x.Entries).To(HaveLen(2))
		Expect(x.Entries[0]).To(MatchFields(IgnoreExtras, Fields{
			"Check": Equal("MGR-HTTP-005"), "Reason": Equal("406 not implemented"),
			"Issue": Equal("https://tracker.example.net/MGR-1234"), "Expires": Equal("2027-03-31"),
		}))
		Expect(x.Entries[1].Check).To(Equal("MGR-DOS-*"))
		Expect(x.Entries[1].Expires).To(Equal("2027-01-15"))
	})

	It("identifies the file by the SHA-256 of its bytes", func() {
		x, err := report.ParseExpectations("ef.yaml", []byte(goodExpectations))
		Expect(err).NotTo(HaveOccurred())
		Expect(x.SHA256).To(MatchRegexp(`^[0-9a-f]{64}$`))
		y, err := report.ParseExpectations("ef.yaml", []byte(goodExpectations+"# one more comment\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(y.SHA256).NotTo(Equal(x.SHA256))
	})

	It("reads an empty file as a list of nothing", func() {
		x, err := report.ParseExpectations("ef.yaml", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(x.Entries).To(BeEmpty())
	})

	DescribeTable("refuses a bad file with an error naming file and line",
		func(text string, line int, words string) {
			_, err := report.ParseExpectations("ci/ef.yaml", []byte(text))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(HavePrefix("ci/ef.yaml:%d: ", line))
			Expect(err.Error()).To(ContainSubstring(words))
		},
		Entry("an entry without check", "expected_failures:\n  - check: A\n    reason: r\n    expires: 2027-01-01\n  - reason: r\n    expires: 2027-01-01\n", 5, "no check"),
		Entry("an entry without reason", "expected_failures:\n\n  - check: MGR-A-001\n    expires: 2027-01-01\n", 3, "no reason"),
		Entry("an entry without expiry", "expected_failures:\n  - check: MGR-A-001\n    reason: r\n", 2, `expires ""`),
		Entry("an expiry that is not a date", "expected_failures:\n  - check: MGR-A-001\n    reason: r\n    expires: next week\n", 2, "YYYY-MM-DD"),
		Entry("an expiry with a time", "expected_failures:\n  - check: MGR-A-001\n    reason: r\n    expires: 2027-01-01T00:00:00Z\n", 2, "YYYY-MM-DD"),
		Entry("a malformed glob", "expected_failures:\n  - check: MGR-[A-001\n    reason: r\n    expires: 2027-01-01\n", 2, "syntax error in pattern"),
		Entry("an unknown key in an entry", "expected_failures:\n  - check: MGR-A-001\n    reason: r\n    expires: 2027-01-01\n    owner: me\n", 5, "field owner not found"),
		Entry("an unknown top-level key", "expected_failure:\n  - check: MGR-A-001\n", 1, "field expected_failure not found"),
		Entry("a list where a mapping belongs", "- check: MGR-A-001\n", 1, "cannot unmarshal"),
		Entry("an unclosed flow sequence", "expected_failures:\n  - check: MGR-A-001\n    reason: [r\n    expires: 2027-01-01\n", 3, "did not find expected"),
		Entry("a mapping where a scalar belongs", "expected_failures:\n  - check: MGR-A-001\n    reason: a: b\n", 3, "mapping values are not allowed"),
		Entry("a control character", "expected_failures:\n  - check: MGR-A-001\n    reason: \x01\n", 3, "control characters"),
		Entry("invalid UTF-8", "# fine\n# fine\nexpected_failures: \xff\n", 3, "UTF-8"),
	)

	It("names every bad entry, not only the first", func() {
		_, err := report.ParseExpectations("ef.yaml", []byte("expected_failures:\n  - check: A\n  - check: B\n    reason: r\n    expires: soon\n"))
		Expect(err).To(HaveOccurred())
		lines := strings.Split(err.Error(), "\n")
		Expect(lines).To(ConsistOf(
			HavePrefix(`ef.yaml:2: "A" has no reason`),
			HavePrefix(`ef.yaml:2: "A": expires`),
			HavePrefix(`ef.yaml:3: "B": expires`),
		))
	})
})

var _ = Describe("LoadExpectations", func() {
	It("reads the file and names it in errors", func() {
		dir := GinkgoT().TempDir()
		good := filepath.Join(dir, "good.yaml")
		Expect(os.WriteFile(good, []byte(goodExpectations), 0o644)).To(Succeed())
		x, err := report.LoadExpectations(good)
		Expect(err).NotTo(HaveOccurred())
		Expect(x.Entries).To(HaveLen(2))

		bad := filepath.Join(dir, "bad.yaml")
		Expect(os.WriteFile(bad, []byte("expected_failures:\n  - check: X\n"), 0o644)).To(Succeed())
		_, err = report.LoadExpectations(bad)
		Expect(err).To(MatchError(HavePrefix(bad + ":2: ")))
	})

	It("says which file it could not read", func() {
		_, err := report.LoadExpectations(filepath.Join(GinkgoT().TempDir(), "missing.yaml"))
		Expect(err).To(MatchError(And(HavePrefix("expected failures: "), ContainSubstring("missing.yaml"))))
	})
})

var _ = Describe("Expectations.Apply", func() {
	var x *report.Expectations
	BeforeEach(func() {
		var err error
		x, err = report.ParseExpectations("ef.yaml", []byte(`expected_failures:
  - check: MGR-HTTP-005
    reason: not yet
    issue: T-1
    expires: 2027-03-31
  - check: MGR-DOS-*
    reason: no limits
    expires: 2027-03-31
`))
		Expect(err).NotTo(HaveOccurred())
	})
	apply := func(now time.Time, results ...report.Result) *report.Report {
		r := &report.Report{Results: results}
		x.Apply(r, now)
		return r
	}
	res := func(id string, v report.Verdict) report.Result { return report.Result{ID: id, Verdict: v} }

	It("marks a listed failure as expected, with the entry's reason, issue and date", func() {
		r := apply(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), res("MGR-HTTP-005", report.Fail))
		Expect(r.Results[0].Expectation).To(Equal(&report.Expectation{Reason: "not yet", Issue: "T-1", Expires: "2027-03-31", Status: "expected"}))
	})

	It("matches globs", func() {
		r := apply(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), res("MGR-DOS-003", report.Fail), res("MGR-DOSX-001", report.Fail))
		Expect(r.Results[0].Expectation).NotTo(BeNil())
		Expect(r.Results[0].Expectation.Status).To(Equal("expected"))
		Expect(r.Results[1].Expectation).To(BeNil())
	})

	It("excuses a failure up to the last instant of the expiry date in UTC", func() {
		last := time.Date(2027, 3, 31, 23, 59, 59, 999999999, time.UTC)
		Expect(apply(last, res("MGR-HTTP-005", report.Fail)).Results[0].Expectation.Status).To(Equal("expected"))
		// The same instant seen from UTC+2 is already April 1st locally: UTC decides.
		east := last.In(time.FixedZone("UTC+2", 2*3600))
		Expect(apply(east, res("MGR-HTTP-005", report.Fail)).Results[0].Expectation.Status).To(Equal("expected"))
	})

	It("marks the failure expired from the first instant after the expiry date in UTC", func() {
		next := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
		Expect(apply(next, res("MGR-HTTP-005", report.Fail)).Results[0].Expectation.Status).To(Equal("expired"))
		// Still March 31st in UTC-5 but April 1st in UTC: expired.
		west := next.In(time.FixedZone("UTC-5", -5*3600))
		Expect(apply(west, res("MGR-HTTP-005", report.Fail)).Results[0].Expectation.Status).To(Equal("expired"))
	})

	It("marks a listed check that passed as an unexpected pass, expired or not", func() {
		Expect(apply(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), res("MGR-HTTP-005", report.Pass)).Results[0].Expectation.Status).To(Equal("unexpected-pass"))
		Expect(apply(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), res("MGR-HTTP-005", report.Pass)).Results[0].Expectation.Status).To(Equal("unexpected-pass"))
	})

	It("leaves listed checks that were not applicable, inconclusive or in error alone", func() {
		r := apply(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
			res("MGR-HTTP-005", report.NotApplicable), res("MGR-DOS-001", report.Inconclusive), res("MGR-DOS-002", report.Error))
		for _, x := range r.Results {
			Expect(x.Expectation).To(BeNil(), x.ID)
		}
	})

	It("leaves checks the file does not list alone", func() {
		r := apply(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), res("MGR-AUTH-001", report.Fail))
		Expect(r.Results[0].Expectation).To(BeNil())
	})

	It("records the file's hash in the run", func() {
		r := apply(time.Now())
		Expect(r.Run.ExpectedFailures).To(Equal(x.SHA256))
	})

	It("does nothing without a file", func() {
		var none *report.Expectations
		r := &report.Report{Results: []report.Result{res("MGR-HTTP-005", report.Fail)}}
		none.Apply(r, time.Now())
		Expect(r.Results[0].Expectation).To(BeNil())
		Expect(r.Run.ExpectedFailures).To(BeEmpty())
	})
})
