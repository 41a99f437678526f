// Package transport holds the TLS side of IDMEFv2 over HTTPS that analyzers, managers and the
// conformance harness share: TLS 1.3-only configurations with mutual X.509 authentication, the
// transport draft's refusal of CN-only and wildcard identities, the allow-list of approved peers,
// and the reference profile's definition of a peer's identity.
package transport
