// Package httpsig signs and verifies HTTP messages as the idmefcheck reference profile requires:
// RFC 9421 HTTP Message Signatures with Ed25519, Content-Digest (RFC 9530), "created" inside a
// freshness window, a nonce cache against replay, keys bound to peer identities, and response
// signatures bound to the request's signature. docs/profile.md is the specification.
package httpsig
