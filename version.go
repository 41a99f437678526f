// Package idmefcheck holds what identifies this build of the suite. The suite itself lives
// in the packages below: schema, reference, conformance, vectors, report and cmd/idmefcheck.
package idmefcheck

// Version is the suite's version. Release builds set it with
// -ldflags "-X github.com/idmefcheck/idmefcheck.Version=v1.2.3".
var Version = "0.1.0-dev"
