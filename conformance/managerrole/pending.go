package managerrole

import "github.com/idmefcheck/idmefcheck/conformance/harness"

// Families whose checks are being written; each moves to its own file.
func nonrepChecks() []harness.Check { return nil }
func dosChecks() []harness.Check    { return nil }
func dupChecks() []harness.Check    { return nil }
func relChecks() []harness.Check    { return nil }
func timeChecks() []harness.Check   { return nil }
func extChecks() []harness.Check    { return nil }
func i18nChecks() []harness.Check   { return nil }
func filtChecks() []harness.Check   { return nil }
func addrChecks() []harness.Check   { return nil }
