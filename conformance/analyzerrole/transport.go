package analyzerrole

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/managersim"
)

func transportChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "ANA-HTTP-001", Title: "One message per request, as the request body",
			Requirements: []string{"IDMEF2T-4.3-5", "IDMEF2T-4.3-12"}, Level: "MUST", Category: "transport",
			Doc: "Asks for a burst of 8 alerts and looks at every request received for them: each body must be exactly one JSON object (the message), not an array, not several objects.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := emitWatched(ctx, t, e, "burst", 8)
			if o != nil {
				return *o
			}
			var bad []string
			for _, r := range reqs {
				if !singleObject(r.Body) {
					bad = append(bad, fmt.Sprintf("a %d-byte body starting %q", len(r.Body), head(r.Body)))
					t.Evidence("request", "not one message", r.Describe())
				}
			}
			t.Expect("one JSON object per request", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("several-messages", "%s", strings.Join(bad, "; "))
			}
			return harness.Passf("each request carried exactly one message")
		}),
		check(harness.Check{
			ID: "ANA-HTTP-002", Title: "Messages are sent with POST",
			Requirements: []string{"IDMEF2T-4.3-7"}, Level: "MUST", Category: "transport",
			Doc: "Asks for three basic alerts: every request carrying them must use the POST method.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := emitWatched(ctx, t, e, "basic", 3)
			if o != nil {
				return *o
			}
			var bad []string
			for _, r := range reqs {
				if r.Method != "POST" {
					bad = append(bad, r.Method+" "+r.Target)
				}
			}
			t.Expect("POST", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("not-post", "messages sent with %s", strings.Join(bad, ", "))
			}
			return harness.Passf("every message came with POST")
		}),
		check(harness.Check{
			ID: "ANA-HTTP-003", Title: "Content-Type names JSON",
			Requirements: []string{"IDMEF2T-4.3-13", "IDMEF2T-4.3-19"}, Level: "MUST", Category: "transport",
			Doc: "Asks for three basic alerts: every request must carry Content-Type application/json (parameters allowed).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := emitWatched(ctx, t, e, "basic", 3)
			if o != nil {
				return *o
			}
			var bad []string
			for _, r := range reqs {
				mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
				if err != nil || mt != "application/json" {
					bad = append(bad, fmt.Sprintf("%q", r.Header.Get("Content-Type")))
				}
			}
			t.Expect("application/json", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("content-type", "requests with Content-Type %s", strings.Join(bad, ", "))
			}
			return harness.Passf("every request said application/json")
		}),
		check(harness.Check{
			ID: "ANA-HTTP-004", Title: "HTTP/2 is negotiated by ALPN",
			Requirements: []string{"IDMEF2T-4.3-2", "IDMEF2T-4.3-3", "IDMEF2T-4.3-4"}, Level: "SHOULD", Category: "transport", Needs: []string{"http2"},
			Doc: "The harness offers h2 and http/1.1 by ALPN. Asks for three basic alerts: they must arrive over HTTP/2 on TLS (never cleartext h2c, which the harness does not serve).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := emitWatched(ctx, t, e, "basic", 3)
			if o != nil {
				return *o
			}
			var protos []string
			h2 := true
			for _, r := range reqs {
				protos = append(protos, r.Proto)
				h2 = h2 && r.Proto == "HTTP/2.0" && r.TLS != nil && r.TLS.NegotiatedProtocol == "h2"
			}
			t.Expect("HTTP/2.0 negotiated as h2", strings.Join(protos, ", "))
			if !h2 {
				return harness.Failf("no-http2", "the analyzer claims HTTP/2 but sent with %s", strings.Join(protos, ", "))
			}
			return harness.Passf("the alerts came over HTTP/2, negotiated by ALPN")
		}),
		check(harness.Check{
			ID: "ANA-HTTP-005", Title: "Connections are reused for several alerts",
			Requirements: []string{"IDMEF2T-4.3-25"}, Level: "SHOULD", Category: "transport",
			Doc: "Asks for a burst of 20 alerts while the harness accepts everything: they should travel over a few persistent connections (at most 4 TLS handshakes for the 20), not one connection each.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			before := len(e.Sim.Hellos())
			if _, o := emitAccepted(ctx, t, e, "burst", 20); o != nil {
				return *o
			}
			n := len(e.Sim.Hellos()) - before
			t.Expect("at most 4 handshakes for 20 alerts", fmt.Sprint(n))
			if n > 4 {
				return harness.Failf("no-reuse", "%d TLS handshakes for 20 alerts: connections are not reused", n)
			}
			return harness.Passf("20 alerts over %s", plural(n, "new connection"))
		}),
	}
}

// emitAccepted emits with the simulator accepting and waits for delivery.
func emitAccepted(ctx context.Context, t *harness.T, e *Env, scenario string, count int) ([]string, *harness.Outcome) {
	ids, _, o := emitDelivered(ctx, t, e, scenario, count)
	return ids, o
}

// emitWatched emits with the simulator accepting and returns every request received from the
// emission on, delivered or not: the checks that judge the shape of requests judge even those
// a broken analyzer never gets acknowledged. The outcome is set only when the trigger failed.
func emitWatched(ctx context.Context, t *harness.T, e *Env, scenario string, count int) ([]*managersim.Request, *harness.Outcome) {
	start := time.Now()
	ids, _, o := emitDelivered(ctx, t, e, scenario, count)
	if o != nil && o.Reason != "not-delivered" {
		return nil, o
	}
	if o != nil {
		t.Notef("%s", o.Message)
	}
	var out []*managersim.Request
	for _, r := range e.Sim.Requests() {
		if !r.At.Before(start) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		f := harness.Failf("not-delivered", "nothing arrived for the %d %s alerts %v", count, scenario, ids)
		return nil, &f
	}
	return out, nil
}

func singleObject(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return false
	}
	var extra json.RawMessage
	return dec.Decode(&extra) != nil
}

func head(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}
