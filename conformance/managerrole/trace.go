package managerrole

import (
	"io"
	"net/http"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
)

// Trace makes every connection the checks open log its TLS secrets to keyLog (NSS key log
// format; nil logs none) and every exchange write events to events (nil writes none): the
// ingest listeners' and the operator API's. Call it before the first check runs, never
// during a run. keyLog must be safe for concurrent writes.
//
// The key log weakens the run's confidentiality on purpose: whoever holds it can decrypt a
// capture of everything the harness sent and received.
func (e *Env) Trace(keyLog io.Writer, events *eventlog.Log) {
	e.events = events
	for _, t := range e.Targets {
		t.KeyLog, t.Events = keyLog, events
	}
	if e.API == nil {
		return
	}
	if tr, ok := e.API.Client.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil {
		tr.TLSClientConfig.KeyLogWriter = keyLog
	}
}

// Events is the event log Trace set, nil without one.
func (e *Env) Events() *eventlog.Log { return e.events }
