package report_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/report"
)

var _ = Describe("Report.ExitCode", func() {
	totals := func(t report.Totals) *report.Report {
		if t.Counts == nil {
			t.Counts = map[report.Verdict]int{}
		}
		return &report.Report{Totals: t}
	}

	It("is 0 for a conformant run", func() {
		Expect(totals(report.Totals{Checks: 3, Counts: map[report.Verdict]int{report.Pass: 2, report.NotApplicable: 1}}).ExitCode()).To(Equal(0))
	})

	It("is 0 when every failure was expected", func() {
		Expect(totals(report.Totals{Checks: 1, Counts: map[report.Verdict]int{report.Fail: 1}, ExpectedFailures: 1}).ExitCode()).To(Equal(0))
	})

	It("sets bit 0 (1) for a MUST failure", func() {
		Expect(totals(report.Totals{MustFailures: 1}).ExitCode()).To(Equal(report.ExitMustFailure))
	})

	It("sets bit 1 (2) for a check in error", func() {
		Expect(totals(report.Totals{Counts: map[report.Verdict]int{report.Error: 1}}).ExitCode()).To(Equal(report.ExitHarnessError))
	})

	It("sets bit 2 (4) for a SHOULD failure only when the run was strict", func() {
		r := totals(report.Totals{ShouldFailures: 2})
		Expect(r.ExitCode()).To(Equal(0))
		r.Run.Strict = true
		Expect(r.ExitCode()).To(Equal(report.ExitShouldFailure))
	})

	It("sets bit 3 (8) for an inconclusive check", func() {
		Expect(totals(report.Totals{Counts: map[report.Verdict]int{report.Inconclusive: 1}}).ExitCode()).To(Equal(report.ExitInconclusive))
	})

	It("sets bit 3 (8) for a failed sanity probe, even with every check passed", func() {
		r := totals(report.Totals{Counts: map[report.Verdict]int{report.Pass: 1}})
		r.Sanity = []report.Probe{{When: "before", OK: true}, {When: "after", OK: false}}
		Expect(r.ExitCode()).To(Equal(report.ExitInconclusive))
	})

	It("sets bit 4 (16) for an unexpected pass", func() {
		Expect(totals(report.Totals{UnexpectedPasses: 1}).ExitCode()).To(Equal(report.ExitUnexpectedPass))
	})

	It("sets each bit of its own cause together", func() {
		r := totals(report.Totals{MustFailures: 1, ShouldFailures: 1, UnexpectedPasses: 1,
			Counts: map[report.Verdict]int{report.Error: 1, report.Inconclusive: 1}})
		r.Run.Strict = true
		Expect(r.ExitCode()).To(Equal(1 | 2 | 4 | 8 | 16))
	})

	It("keeps the documented values of the bits", func() {
		Expect([]int{report.ExitMustFailure, report.ExitHarnessError, report.ExitShouldFailure, report.ExitInconclusive, report.ExitUnexpectedPass}).
			To(Equal([]int{1, 2, 4, 8, 16}))
	})
})
