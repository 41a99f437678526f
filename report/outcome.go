package report

import (
	"fmt"
	"strings"
	"time"
)

// Outcome is the overall verdict of a run, as every rendering states it: the exit code of
// the run and, when it is not zero, the cause of each bit. It is derived from ExitCode alone,
// so that the console, JUnit, Markdown and HTML can never disagree with the exit status.
type Outcome struct {
	Code       int
	Conformant bool
	// Causes name each bit set, in bit order ("MUST failures", …).
	Causes []string
}

// ExitBits names each exit-code bit, in bit order, as the renderings word it.
var ExitBits = []struct {
	Bit  int
	Text string
}{
	{ExitMustFailure, "MUST failures"},
	{ExitHarnessError, "harness errors"},
	{ExitShouldFailure, "SHOULD failures (--strict)"},
	{ExitInconclusive, "inconclusive results"},
	{ExitUnexpectedPass, "unexpected passes"},
}

// Outcome returns the overall verdict of a summarized report.
func (r *Report) Outcome() Outcome {
	o := Outcome{Code: r.ExitCode()}
	o.Conformant = o.Code == 0
	for _, b := range ExitBits {
		if o.Code&b.Bit != 0 {
			o.Causes = append(o.Causes, b.Text)
		}
	}
	return o
}

// String words the outcome in one line: "conformant", or "not conformant: MUST failures,
// inconclusive results (exit 9)".
func (o Outcome) String() string {
	if o.Conformant {
		return "conformant"
	}
	return fmt.Sprintf("not conformant: %s (exit %d)", strings.Join(o.Causes, ", "), o.Code)
}

// Name is how renderings name the implementation: vendor, product and version.
func (r *Report) Name() string {
	return strings.Join(strings.Fields(r.Implementation.Vendor+" "+r.Implementation.Product+" "+r.Implementation.Version), " ")
}

// Elapsed is how long the run took.
func (r *Report) Elapsed() time.Duration { return r.Ended.Sub(r.Started) }

// Excused reports whether res is a failure the expected-failures file excuses: it counts in
// no exit bit, and renderings show it apart from the failures that do.
func (res *Result) Excused() bool {
	return res.Verdict == Fail && res.Expectation != nil && res.Expectation.Status == "expected"
}

// UnexpectedPass reports whether res passed though the expected-failures file lists it.
func (res *Result) UnexpectedPass() bool {
	return res.Verdict == Pass && res.Expectation != nil && res.Expectation.Status == "unexpected-pass"
}

// FirstLine returns the first line of s, cut to n runes with an ellipsis, for summaries.
func FirstLine(s string, n int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// Seconds is d in seconds, as report.json writes it.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }
