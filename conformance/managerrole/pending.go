package managerrole

import "github.com/idmefcheck/idmefcheck/conformance/harness"

// Families whose checks are being written; each moves to its own file.
func dosChecks() []harness.Check { return nil }
func dupChecks() []harness.Check { return nil }
func relChecks() []harness.Check { return nil }
