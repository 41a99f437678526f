// Package manager is idmefcheck's reference IDMEFv2 manager: it receives alerts over HTTPS as the
// transport draft and the reference profile (docs/profile.md) require, validates, deduplicates
// and durably stores them, pulls from analyzers that cannot reach it, and answers operators'
// queries on a listener of its own.
package manager
