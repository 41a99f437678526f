// Package shim speaks the stdio protocol through which the conformance harness makes any
// analyzer produce alerts (schema/shim.schema.json, docs/shim.md): JSON lines, a versioned
// start, emit requests answered emitted, skipped or errored with their seq, and stop. Serve is
// the shim's side, Client the harness's.
package shim
