// Package spool keeps an analyzer's outgoing alerts on disk, exactly as they will be sent,
// until a manager acknowledges them: a durable, bounded, ordered queue in an embedded SQLite
// database that survives a crash of the process or the machine.
package spool
