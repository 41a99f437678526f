package report_test

import (
	"slices"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/report"
	"github.com/idmefcheck/idmefcheck/schema"
)

// fixture is the embedded catalogue and requirements of the manager role picked from it.
type fixture struct {
	cat                    *catalog.Catalog
	must, should, attested *catalog.Requirement
}

// loadCatalog loads the embedded catalogue once (it is immutable; loading is slow under the
// race detector) and picks requirements of the manager role: one MUST and one SHOULD that
// can be tested black-box, and one only attested.
func loadCatalog() (cat *catalog.Catalog, must, should, attested *catalog.Requirement) {
	f := catalogFixture()
	return f.cat, f.must, f.should, f.attested
}

var catalogFixture = sync.OnceValue(func() fixture {
	var (
		cat                    *catalog.Catalog
		must, should, attested *catalog.Requirement
	)
	set, err := schema.Load()
	Expect(err).NotTo(HaveOccurred())
	cat, err = catalog.Load(set)
	Expect(err).NotTo(HaveOccurred())
	for _, r := range cat.Requirements() {
		if !slices.Contains(r.Roles, "manager") {
			continue
		}
		switch {
		case attested == nil && r.Testing == catalog.Attested:
			attested = r
		case must == nil && r.Level == catalog.LevelMust && r.Testing != catalog.Attested:
			must = r
		case should == nil && r.Level == catalog.LevelShould && r.Testing != catalog.Attested:
			should = r
		}
	}
	Expect(must).NotTo(BeNil(), "the catalogue has no testable MUST of the manager role")
	Expect(should).NotTo(BeNil(), "the catalogue has no testable SHOULD of the manager role")
	return fixture{cat, must, should, attested}
})

var _ = Describe("Report.Summarize", func() {
	var (
		cat                    *catalog.Catalog
		must, should, attested *catalog.Requirement
	)
	BeforeEach(func() { cat, must, should, attested = loadCatalog() })

	result := func(id, level, category string, v report.Verdict, reqs ...string) report.Result {
		return report.Result{ID: id, Level: level, Category: category, Verdict: v, Requirements: reqs}
	}
	summarize := func(results ...report.Result) *report.Report {
		r := &report.Report{Run: report.Run{Role: "manager"}, Results: results}
		r.Summarize(cat)
		return r
	}
	statusOf := func(r *report.Report, id string) string {
		for _, q := range r.Requirements {
			if q.ID == id {
				return q.Status
			}
		}
		Fail("requirement " + id + " is not in the summary")
		return ""
	}

	It("has one row per catalogue requirement of the run's role, none of another role", func() {
		r := summarize()
		var want []string
		for _, q := range cat.Requirements() {
			if slices.Contains(q.Roles, "manager") {
				want = append(want, q.ID)
			}
		}
		var got []string
		for _, q := range r.Requirements {
			got = append(got, q.ID)
			Expect(q.Checks).NotTo(BeNil(), "checks of %s are [] in JSON, not null", q.ID)
		}
		Expect(got).To(Equal(want))
	})

	DescribeTable("judges a requirement from the verdicts of the checks citing it",
		func(want string, verdicts ...report.Verdict) {
			var results []report.Result
			for i, v := range verdicts {
				results = append(results, result(string(rune('A'+i)), catalog.LevelMust, "c", v, must.ID))
			}
			Expect(statusOf(summarize(results...), must.ID)).To(Equal(want))
		},
		Entry("no check at all", report.NotTested),
		Entry("every check passed", report.Satisfied, report.Pass, report.Pass),
		Entry("one failure among passes", report.Violated, report.Pass, report.Fail, report.Pass),
		Entry("a failure beside an error", report.Violated, report.Error, report.Fail),
		Entry("passes beside an inconclusive", report.PartiallyTested, report.Pass, report.Inconclusive),
		Entry("a pass beside an error", report.PartiallyTested, report.Error, report.Pass),
		Entry("only inconclusive and error", report.NotTested, report.Inconclusive, report.Error),
		Entry("only not applicable", report.NotApplicableR, report.NotApplicable, report.NotApplicable),
		Entry("a pass beside a not applicable", report.Satisfied, report.NotApplicable, report.Pass),
		Entry("an inconclusive beside a not applicable", report.NotTested, report.NotApplicable, report.Inconclusive),
	)

	It("calls a requirement no check cites and that only attestation can establish attested_only", func() {
		if attested == nil {
			Skip("the catalogue has no attested requirement of the manager role")
		}
		Expect(statusOf(summarize(), attested.ID)).To(Equal(report.AttestedOnly))
	})

	It("lists the checks citing each requirement, in result order", func() {
		r := summarize(result("MGR-B-001", "MUST", "b", report.Pass, must.ID, should.ID), result("MGR-A-001", "MUST", "a", report.Pass, must.ID))
		for _, q := range r.Requirements {
			switch q.ID {
			case must.ID:
				Expect(q.Checks).To(Equal([]string{"MGR-B-001", "MGR-A-001"}))
			case should.ID:
				Expect(q.Checks).To(Equal([]string{"MGR-B-001"}))
			}
		}
	})

	It("counts verdicts per category, categories sorted by name", func() {
		r := summarize(result("1", "MUST", "tls", report.Pass), result("2", "MUST", "auth", report.Fail),
			result("3", "MAY", "tls", report.Inconclusive), result("4", "MUST", "tls", report.Pass))
		Expect(r.Categories).To(HaveLen(2))
		Expect(r.Categories[0].Name).To(Equal("auth"))
		Expect(r.Categories[0].Counts).To(Equal(map[report.Verdict]int{report.Pass: 0, report.Fail: 1, report.Inconclusive: 0, report.NotApplicable: 0, report.Error: 0}))
		Expect(r.Categories[1].Name).To(Equal("tls"))
		Expect(r.Categories[1].Counts).To(Equal(map[report.Verdict]int{report.Pass: 2, report.Fail: 0, report.Inconclusive: 1, report.NotApplicable: 0, report.Error: 0}))
	})

	It("counts failures by level, SHALL as MUST and MAY nowhere", func() {
		r := summarize(result("1", catalog.LevelMust, "c", report.Fail), result("2", catalog.LevelShall, "c", report.Fail),
			result("3", catalog.LevelShould, "c", report.Fail), result("4", catalog.LevelMay, "c", report.Fail),
			result("5", catalog.LevelMust, "c", report.Pass))
		Expect(r.Totals.Checks).To(Equal(5))
		Expect(r.Totals.Counts[report.Fail]).To(Equal(4))
		Expect(r.Totals.MustFailures).To(Equal(2))
		Expect(r.Totals.ShouldFailures).To(Equal(1))
	})

	It("does not count expected failures as failures, and counts expired ones again", func() {
		expected := result("1", catalog.LevelMust, "c", report.Fail)
		expected.Expectation = &report.Expectation{Status: "expected"}
		expired := result("2", catalog.LevelShould, "c", report.Fail)
		expired.Expectation = &report.Expectation{Status: "expired"}
		unexpected := result("3", catalog.LevelMust, "c", report.Pass)
		unexpected.Expectation = &report.Expectation{Status: "unexpected-pass"}
		r := summarize(expected, expired, unexpected)
		Expect(r.Totals).To(MatchFieldsLoosely(report.Totals{Checks: 3, MustFailures: 0, ShouldFailures: 1, ExpectedFailures: 1, UnexpectedPasses: 1}))
		Expect(r.Totals.Counts[report.Fail]).To(Equal(2), "the verdict stays a failure; only the totals excuse it")
	})

	It("replaces the roll-ups of an earlier run without touching what a caller kept", func() {
		r := summarize(result("1", "MUST", "a", report.Pass, must.ID))
		kept := r.Requirements
		keptStatus := statusOf(r, must.ID)
		r.Results[0].Verdict = report.Fail
		r.Summarize(cat)
		Expect(statusOf(r, must.ID)).To(Equal(report.Violated))
		Expect(r.Totals.Counts[report.Fail]).To(Equal(1))
		Expect(r.Totals.Counts[report.Pass]).To(Equal(0))
		for _, q := range kept {
			if q.ID == must.ID {
				Expect(q.Status).To(Equal(keptStatus))
			}
		}
	})

	It("writes empty roll-ups as empty lists, not null", func() {
		r := &report.Report{Run: report.Run{Role: "nobody"}}
		r.Summarize(cat)
		Expect(r.Requirements).NotTo(BeNil())
		Expect(r.Categories).NotTo(BeNil())
		Expect(r.Totals.Counts).To(HaveLen(len(report.Verdicts)))
	})
})

// MatchFieldsLoosely compares the integer fields of Totals, ignoring the Counts map.
func MatchFieldsLoosely(want report.Totals) OmegaMatcher {
	return WithTransform(func(t report.Totals) report.Totals { t.Counts = nil; return t }, Equal(want))
}
