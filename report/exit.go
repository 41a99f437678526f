package report

// Exit-code bits of `idmefcheck run` (docs/exit-codes.md). Each bit is set by its own cause,
// so a CI script can test the one it cares about; 0 means conformant.
const (
	ExitMustFailure    = 1  // a MUST (or SHALL) check failed
	ExitHarnessError   = 2  // the harness or its configuration failed (bad flags included)
	ExitShouldFailure  = 4  // a SHOULD check failed and the run was --strict
	ExitInconclusive   = 8  // a check could not decide (observation missing, sanity probe failed)
	ExitUnexpectedPass = 16 // a check the expected-failures file lists passed
)

// ExitCode maps a summarized report to the exit code of the run that made it.
func (r *Report) ExitCode() int {
	code := 0
	t := r.Totals
	if t.MustFailures > 0 {
		code |= ExitMustFailure
	}
	if r.Run.Strict && t.ShouldFailures > 0 {
		code |= ExitShouldFailure
	}
	if t.Counts[Error] > 0 {
		code |= ExitHarnessError
	}
	if t.Counts[Inconclusive] > 0 {
		code |= ExitInconclusive
	}
	for _, p := range r.Sanity {
		if !p.OK {
			code |= ExitInconclusive
		}
	}
	if t.UnexpectedPasses > 0 {
		code |= ExitUnexpectedPass
	}
	return code
}
