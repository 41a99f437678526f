package report_test

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/report"
)

var _ = Describe("Verdict", func() {
	It("knows the five verdicts and nothing else", func() {
		for _, v := range report.Verdicts {
			Expect(v.Valid()).To(BeTrue(), string(v))
		}
		Expect(report.Verdict("").Valid()).To(BeFalse())
		Expect(report.Verdict("PASS").Valid()).To(BeFalse())
		Expect(report.Verdicts).To(HaveLen(5))
	})
})

var _ = Describe("Duration", func() {
	It("is written as a number of seconds", func() {
		b, err := json.Marshal(report.Duration(1500 * time.Millisecond))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(Equal("1.5"))
	})

	It("reads back to the nanosecond what it wrote", func() {
		for _, d := range []time.Duration{0, 1, 999, 1000000001, 1234567891, 3*time.Hour + 7, -42 * time.Millisecond} {
			b, err := json.Marshal(report.Duration(d))
			Expect(err).NotTo(HaveOccurred())
			var back report.Duration
			Expect(json.Unmarshal(b, &back)).To(Succeed())
			Expect(time.Duration(back)).To(Equal(d), "%s written as %s", d, b)
		}
	})

	It("refuses what is not a number of seconds, or too many of them", func() {
		var d report.Duration
		Expect(json.Unmarshal([]byte(`"2s"`), &d)).To(MatchError(ContainSubstring("want seconds as a number")))
		Expect(json.Unmarshal([]byte(`1e300`), &d)).To(MatchError(ContainSubstring("out of range")))
	})
})

var _ = Describe("Report", func() {
	It("survives a JSON round trip", func() {
		at := time.Date(2026, 11, 24, 8, 20, 55, 410000000, time.UTC)
		r := report.Report{
			Format: report.Format, Suite: report.Suite{Name: "idmefcheck", Version: "1"},
			Run:     report.Run{Role: "manager", Targets: []string{"https://127.0.0.1:1/"}, Timeout: report.Duration(time.Minute)},
			Started: at, Ended: at.Add(time.Second),
			Sanity: []report.Probe{{When: "before", OK: true, Detail: "204", At: at, Elapsed: report.Duration(3 * time.Millisecond)}},
			Results: []report.Result{{ID: "MGR-A-001", Verdict: report.Fail, Requirements: []string{"R"}, Evidence: []report.Evidence{{Kind: "note", Text: "x", Truncated: 3}},
				Expectation: &report.Expectation{Status: "expected", Expires: "2027-01-01"}, Started: at, Duration: report.Duration(time.Second)}},
		}
		b, err := json.Marshal(r)
		Expect(err).NotTo(HaveOccurred())
		var back report.Report
		Expect(json.Unmarshal(b, &back)).To(Succeed())
		Expect(back).To(Equal(r))
	})
})
