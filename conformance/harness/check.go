// Package harness runs conformance checks: the Check model every role's checks share, the
// registry that selects them, and the runner that executes them concurrently under deadlines,
// between two sanity probes, and turns each into a report.Result with its evidence.
//
// The harness never retries a check: a check that needs several attempts (a retry an
// implementation is expected to make, a restart) makes them itself and shows each in its
// evidence.
package harness

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/idmefcheck/idmefcheck/report"
)

// Roles a check judges.
const (
	RoleManager  = "manager"
	RoleAnalyzer = "analyzer"
)

// Check is one black-box conformance check.
type Check struct {
	// ID is stable and never positional: MGR-AUTH-001, ANA-TIME-002.
	ID    string
	Title string
	// Requirements are the catalogue IDs the check establishes.
	Requirements []string
	// Level is the force of the check's verdict: MUST, SHALL, SHOULD or MAY. It is the
	// strongest level among the requirements the check can fail.
	Level    string
	Role     string
	Category string
	// Needs are the implementation-statement options the check needs; when one is not
	// claimed the check is not applicable.
	Needs []string
	// Timeout bounds the check; the runner cancels its context then.
	Timeout time.Duration
	// Serial checks run alone: they load, restart or disturb the target.
	Serial bool
	// Doc says how the check works and what passing means, for docs/checks.md.
	Doc string
	// Run performs the check. It must return when ctx ends.
	Run func(ctx context.Context, t *T) Outcome
}

var idPattern = regexp.MustCompile(`^(MGR|ANA)-[A-Z0-9]+-[0-9]{3}$`)

// Outcome is how a check's Run ended.
type Outcome struct {
	Verdict report.Verdict
	Reason  string
	Message string
}

// Passf ends a check with a pass.
func Passf(format string, args ...any) Outcome {
	return Outcome{Verdict: report.Pass, Reason: "ok", Message: fmt.Sprintf(format, args...)}
}

// Failf ends a check with a failure: the implementation did what its requirements forbid.
func Failf(reason, format string, args ...any) Outcome {
	return Outcome{Verdict: report.Fail, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Inconclusivef ends a check that could not observe what it needed.
func Inconclusivef(reason, format string, args ...any) Outcome {
	return Outcome{Verdict: report.Inconclusive, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// NotApplicablef ends a check whose subject the implementation does not claim.
func NotApplicablef(reason, format string, args ...any) Outcome {
	return Outcome{Verdict: report.NotApplicable, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Errorf ends a check that the harness or its configuration could not run.
func Errorf(reason, format string, args ...any) Outcome {
	return Outcome{Verdict: report.Error, Reason: reason, Message: fmt.Sprintf(format, args...)}
}
