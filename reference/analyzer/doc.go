// Package analyzer is idmefcheck's reference IDMEFv2 analyzer: it turns events into alerts,
// keeps them in a durable spool, and delivers each exactly as spooled to a manager over HTTPS
// as the transport draft and the reference profile (docs/profile.md) require, by push with
// retries and signed requests, or by serving a pulling manager.
package analyzer
