// Package report holds the compliance report: the canonical record of one conformance run
// (what was tested, how, and each check's verdict with its evidence), the roll-ups by
// requirement and category computed from it, and the exit-code policy CI gates on.
// Renderings read this model; nothing else defines what a run found.
package report

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Format names the report layout; it changes only when a reader of the old layout would
// misread the new one.
const Format = "idmefcheck-report/1"

// Verdict is how one check ended.
type Verdict string

// Verdicts. Only Pass and Fail judge the implementation; the others say why no judgement
// was made.
const (
	Pass          Verdict = "pass"
	Fail          Verdict = "fail"
	Inconclusive  Verdict = "inconclusive"   // the harness could not observe what it needed
	NotApplicable Verdict = "not_applicable" // the implementation does not claim what the check needs
	Error         Verdict = "error"          // the harness or its configuration failed
)

// Verdicts lists every verdict, in the order summaries show them.
var Verdicts = []Verdict{Pass, Fail, Inconclusive, NotApplicable, Error}

// Valid reports whether v is one of the defined verdicts.
func (v Verdict) Valid() bool {
	for _, w := range Verdicts {
		if v == w {
			return true
		}
	}
	return false
}

// Report is one run of the conformance suite against one implementation.
type Report struct {
	Format         string         `json:"format"`
	Suite          Suite          `json:"suite"`
	Implementation Implementation `json:"implementation"`
	Run            Run            `json:"run"`
	Started        time.Time      `json:"started"`
	Ended          time.Time      `json:"ended"`
	Host           Host           `json:"host"`
	// Sanity are the probes run before the first check and after the last: they prove the
	// target was up when the checks started and stayed up.
	Sanity       []Probe       `json:"sanity"`
	Results      []Result      `json:"results"`
	Requirements []Requirement `json:"requirements"`
	Categories   []Category    `json:"categories"`
	Totals       Totals        `json:"totals"`
}

// Suite identifies what judged: the program and the exact catalogue and checks it ran.
type Suite struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// CatalogHash is the SHA-256 of the requirements catalogue's files.
	CatalogHash string `json:"catalog_sha256"`
	// ChecksHash is the SHA-256 of the registry's check definitions (IDs, titles,
	// requirements, levels, needs), so that two reports made with different checks differ.
	ChecksHash string `json:"checks_sha256"`
}

// Implementation is who was judged and what it claims, from the implementation statement.
type Implementation struct {
	Vendor   string   `json:"vendor"`
	Product  string   `json:"product"`
	Version  string   `json:"version"`
	Role     string   `json:"role"`
	Versions []string `json:"versions"`
	Options  []string `json:"options"`
	// Statement is the SHA-256 of the implementation statement file, when one was used.
	Statement string `json:"statement_sha256,omitempty"`
}

// Run is how the suite was run.
type Run struct {
	Role     string   `json:"role"`
	Targets  []string `json:"targets"`
	Observe  string   `json:"observe"`
	Only     []string `json:"only,omitempty"`
	Skip     []string `json:"skip,omitempty"`
	Strict   bool     `json:"strict"`
	Parallel int      `json:"parallel"`
	// Timeout caps every check; zero means each check's own timeout.
	Timeout Duration `json:"timeout"`
	// ExpectedFailures is the SHA-256 of the expected-failures file, when one was used.
	ExpectedFailures string `json:"expected_failures_sha256,omitempty"`
}

// Host is where the harness ran.
type Host struct {
	Name string `json:"name"`
	OS   string `json:"os"`
	Arch string `json:"arch"`
	Go   string `json:"go"`
}

// Probe is one sanity probe of the target.
type Probe struct {
	When    string    `json:"when"` // "before" or "after"
	OK      bool      `json:"ok"`
	Detail  string    `json:"detail"`
	At      time.Time `json:"at"`
	Elapsed Duration  `json:"elapsed"`
}

// Result is one check's outcome.
type Result struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Requirements []string `json:"requirements"`
	Level        string   `json:"level"`
	Category     string   `json:"category"`
	Verdict      Verdict  `json:"verdict"`
	// Reason is a stable code for why the check ended as it did (docs/checks.md lists them).
	Reason string `json:"reason"`
	// Message says the same for a person, with the specifics.
	Message  string     `json:"message"`
	Expected string     `json:"expected,omitempty"`
	Actual   string     `json:"actual,omitempty"`
	Evidence []Evidence `json:"evidence"`
	Started  time.Time  `json:"started"`
	Duration Duration   `json:"duration"`
	// Expectation is set when the expected-failures file lists the check.
	Expectation *Expectation `json:"expectation,omitempty"`
}

// Evidence is one thing the harness saw: a request, a response, a TLS handshake, an
// observation, a timing.
type Evidence struct {
	Kind  string `json:"kind"` // request, response, tls, observation, timing, note, wire
	Label string `json:"label"`
	Text  string `json:"text"`
	// Truncated is how many bytes of Text were left out.
	Truncated int `json:"truncated,omitempty"`
}

// Expectation is an entry of the expected-failures file that matched a result.
type Expectation struct {
	Reason  string `json:"reason"`
	Issue   string `json:"issue,omitempty"`
	Expires string `json:"expires"` // YYYY-MM-DD
	// Status is "expected" (the check failed as listed), "expired" (listed, but the entry is
	// past its date, so the failure counts) or "unexpected-pass" (listed, but it passed).
	Status string `json:"status"`
}

// Requirement rolls up the results of the checks that cite one requirement.
type Requirement struct {
	ID       string `json:"id"`
	Level    string `json:"level"`
	Category string `json:"category"`
	Title    string `json:"title"`
	// Status is satisfied, violated, partially_tested, not_tested, not_applicable or
	// attested_only.
	Status string   `json:"status"`
	Checks []string `json:"checks"`
}

// Requirement statuses.
const (
	Satisfied       = "satisfied"        // every check citing it passed
	Violated        = "violated"         // a check citing it failed
	PartiallyTested = "partially_tested" // some checks passed, others were inconclusive or erred
	NotTested       = "not_tested"       // no check citing it reached a verdict
	NotApplicableR  = "not_applicable"   // every check citing it was not applicable
	AttestedOnly    = "attested_only"    // no black-box check can establish it
)

// Category rolls up the results of one category.
type Category struct {
	Name   string          `json:"name"`
	Counts map[Verdict]int `json:"counts"`
}

// Totals counts the results by verdict and the failures by level.
type Totals struct {
	Checks int             `json:"checks"`
	Counts map[Verdict]int `json:"counts"`
	// MustFailures and ShouldFailures count failed checks by level (MUST and SHALL count as
	// MUST; MAY failures count nowhere), expected failures excluded.
	MustFailures   int `json:"must_failures"`
	ShouldFailures int `json:"should_failures"`
	// ExpectedFailures counts failures the expected-failures file excused; UnexpectedPasses
	// counts listed checks that passed.
	ExpectedFailures int `json:"expected_failures"`
	UnexpectedPasses int `json:"unexpected_passes"`
}

// Duration is a time.Duration written as seconds in JSON, so that reports are read the same
// in every language.
type Duration time.Duration

// MarshalJSON writes d as a number of seconds.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Seconds())
}

// UnmarshalJSON reads a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s float64
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want seconds as a number: %w", err)
	}
	if math.Abs(s) > math.MaxInt64/float64(time.Second) {
		return fmt.Errorf("duration: %g s is out of range", s)
	}
	// Rounded, not truncated: 1.000000001 s times 1e9 is 1000000000.9999999 in binary.
	*d = Duration(math.Round(s * float64(time.Second)))
	return nil
}

func (d Duration) String() string { return time.Duration(d).String() }
