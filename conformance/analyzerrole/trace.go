package analyzerrole

import (
	"io"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
)

// Trace makes the harness's manager log the TLS secrets of every later handshake to keyLog
// (NSS key log format; nil logs none) and write an event for every later connection and
// request to events (nil writes none). Call it before the first check runs. Whoever holds
// the key log can decrypt a capture of the run's traffic.
func (e *Env) Trace(keyLog io.Writer, events *eventlog.Log) {
	e.Sim.Trace(keyLog, events)
}

// SetCheck names the check the harness's manager's events belong to from now on.
func (e *Env) SetCheck(id string) { e.Sim.SetCheck(id) }
