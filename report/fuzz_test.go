package report_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idmefcheck/idmefcheck/report"
)

// FuzzParseExpectations holds ParseExpectations to its contract on any bytes: it never
// panics; every error it returns names the file and a line; what it accepts has a check, a
// reason and a date for every entry, and can be applied.
func FuzzParseExpectations(f *testing.F) {
	f.Add([]byte(goodExpectations))
	f.Add([]byte("expected_failures:\n  - check: MGR-[\n    reason: r\n    expires: 2027-01-01\n"))
	f.Add([]byte("expected_failures: []\n"))
	f.Add([]byte("expected_failures:\n  - {check: A, reason: b, expires: 2027-02-30}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("expected_failures:\n  - check: \xff\n"))
	f.Add([]byte("---\n...\n---\n"))
	located := regexp.MustCompile(`^ef\.yaml:[1-9][0-9]*: `)
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := report.ParseExpectations("ef.yaml", data)
		if err != nil {
			if x != nil {
				t.Fatalf("an error and expectations: %v", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !located.MatchString(line) {
					t.Fatalf("an error that does not name file:line: %q", line)
				}
			}
			return
		}
		for _, e := range x.Entries {
			if e.Check == "" || e.Reason == "" {
				t.Fatalf("an entry without check or reason accepted: %+v", e)
			}
			if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
				t.Fatalf("an entry with a bad date accepted: %+v", e)
			}
		}
		r := &report.Report{Results: []report.Result{{ID: "MGR-A-001", Verdict: report.Fail}, {ID: "MGR-B-001", Verdict: report.Pass}}}
		x.Apply(r, time.Now())
		if r.Run.ExpectedFailures != x.SHA256 {
			t.Fatal("the file's hash is not recorded")
		}
	})
}
