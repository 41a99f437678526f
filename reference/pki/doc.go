// Package pki makes the test public-key infrastructure of idmefcheck: a certification authority,
// ECDSA P-256 identities with DNS-IDs and IP-IDs for the manager, the analyzer and the harness,
// the deliberately bad identities the conformance checks need, and the Ed25519 keys that sign
// HTTP messages under the reference profile.
package pki
