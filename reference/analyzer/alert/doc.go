// Package alert builds the IDMEFv2 alerts of the reference analyzer, in any revision from
// 2.D.V04 to 2.D.V08: from the project's own event format, from Suricata EVE alert records and
// from the named scenarios the conformance harness asks for, each with a fresh version 7 UUID,
// CreateTime in local time with its offset, and the analyzer's description of itself.
package alert
