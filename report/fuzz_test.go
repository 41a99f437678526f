package report_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/report"
	"github.com/idmefcheck/idmefcheck/schema"
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

// FuzzParse holds Parse to its contract on any bytes: it never panics; every error names the
// input; what it accepts marshals back into a report it accepts again, unchanged.
func FuzzParse(f *testing.F) {
	gomega.RegisterTestingT(f) // sample() asserts with Gomega
	set, err := schema.Load()
	if err != nil {
		f.Fatal(err)
	}
	good, err := report.Marshal(sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format":"idmefcheck-report/9"}`))
	f.Add([]byte(`{} {}`))
	f.Add(append(append([]byte(nil), good...), '}')) // trailing bytes after the report
	f.Add([]byte(`[1, 2`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := report.Parse(set, "r.json", data)
		if err != nil {
			if r != nil {
				t.Fatalf("an error and a report: %v", err)
			}
			if !strings.Contains(err.Error(), "r.json") {
				t.Fatalf("an error that does not name the input: %v", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted what is not exactly one JSON value: %q", data)
		}
		again, err := report.Marshal(r)
		if err != nil {
			t.Fatalf("an accepted report does not marshal: %v", err)
		}
		r2, err := report.Parse(set, "again.json", again)
		if err != nil {
			t.Fatalf("an accepted report, marshalled, is refused: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("an accepted report changes when marshalled and read again")
		}
	})
}
