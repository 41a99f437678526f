package analyzerrole

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/managersim"
)

func tlsChecks() []harness.Check {
	badServer := func(id, kind, title, doc string, reqs []string) harness.Check {
		return check(harness.Check{ID: id, Title: title, Requirements: reqs, Level: "MUST", Category: "authentication", Doc: doc},
			func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
				if why := e.MissingCert(kind); why != "" {
					return harness.Inconclusivef("no-identity", "%s", why)
				}
				return refusesToSend(ctx, t, e, managersim.Behaviour{Certificate: kind}, "a "+kind+" server certificate")
			})
	}
	return []harness.Check{
		check(harness.Check{
			ID: "ANA-TLS-001", Title: "The analyzer does not send over TLS 1.2",
			Requirements: []string{"IDMEF2T-4.5.1-2", "IDMEF2T-4.5.1-1", "R4766-6.4"}, Level: "MUST", Category: "confidentiality",
			Doc: "The harness offers TLS 1.2 only and asks for an alert: the analyzer may try to connect, but no request may arrive while only TLS 1.2 is on offer. The harness then offers TLS 1.3 again and lets the alert through.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			return refusesToSend(ctx, t, e, managersim.Behaviour{TLS12Only: true}, "a manager offering TLS 1.2 only")
		}),
		check(harness.Check{
			ID: "ANA-TLS-002", Title: "The analyzer presents its client certificate",
			Requirements: []string{"IDMEF2T-4.5.3-1", "IDMEF2T-4.5.3-2", "R4766-6.3"}, Level: "MUST", Category: "authentication",
			Doc: "Asks for two basic alerts: every request must come over a TLS session in which the analyzer presented a certificate that verifies against connect.ca.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := emitWatched(ctx, t, e, "basic", 2)
			if o != nil {
				return *o
			}
			var bad []string
			for _, r := range reqs {
				if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
					bad = append(bad, fmt.Sprintf("%s from %s", r.ID, r.Remote))
				}
			}
			t.Expect("a verified client certificate on every request", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("no-client-certificate", "requests without a verified client certificate: %s", strings.Join(bad, ", "))
			}
			return harness.Passf("every request came with a verified client certificate")
		}),
		badServer("ANA-AUTH-001", "other-ca", "Nothing is sent to a manager whose certificate comes from an untrusted CA",
			"The harness presents a certificate with the manager's names from a CA the analyzer cannot trust, and asks for an alert: the analyzer must refuse the handshake and send nothing until the proper certificate is back.",
			[]string{"IDMEF2T-4.5.3-1", "IDMEF2T-4.5.4-1", "R4766-6.3"}),
		badServer("ANA-AUTH-002", "wrong-name", "Nothing is sent to a manager whose certificate names another system",
			"The harness presents a valid certificate from the trusted CA that does not carry the manager's name: the analyzer must check the name and send nothing.",
			[]string{"IDMEF2T-4.5.4-1", "R4766-6.3"}),
		badServer("ANA-AUTH-003", "expired", "Nothing is sent to a manager with an expired certificate",
			"The harness presents the manager's names in a certificate from the trusted CA that expired a day ago: the analyzer must send nothing.",
			[]string{"IDMEF2T-4.5.4-1", "R4766-6.3"}),
		badServer("ANA-AUTH-004", "wildcard", "Nothing is sent to a manager with a wildcard certificate",
			"The harness presents a certificate from the trusted CA whose first DNS-ID is a wildcard (it also carries the manager's names, so only the wildcard rule refuses it): the analyzer must fail verification, close the connection and send nothing.",
			[]string{"IDMEF2T-4.5.4-3", "IDMEF2T-4.5.4-4", "IDMEF2T-4.5.5-13"}),
		badServer("ANA-AUTH-005", "cn-only", "Nothing is sent to a manager named only in its certificate's Common Name",
			"The harness presents a certificate from the trusted CA with the manager's name in the subject Common Name and no subjectAltName: the analyzer must refuse it (no CN-ID fallback) and send nothing.",
			[]string{"IDMEF2T-4.5.3-4", "IDMEF2T-4.5.4-1"}),
	}
}

// refusesToSend sets a behaviour a conforming analyzer must refuse at the TLS layer, asks
// for an alert, and passes when the analyzer tried (a handshake attempt was seen) but nothing
// carrying the alert arrived within Quiet. It then restores the good behaviour and lets the
// alert through, so that later checks start from an empty queue.
func refusesToSend(ctx context.Context, t *harness.T, e *Env, b managersim.Behaviour, what string) harness.Outcome {
	e.Sim.Set(b)
	helloStart := len(e.Sim.Hellos())
	start := time.Now()
	ids, o := e.Emit(ctx, t, "basic", 1)
	if o != nil {
		return *o
	}
	wctx, cancel := context.WithTimeout(ctx, e.Quiet)
	e.Sim.Wait(wctx, func(reqs []*managersim.Request, _ []managersim.Hello) bool { return len(ByID(reqs, ids)) > 0 })
	cancel()
	var sent []*managersim.Request
	for _, r := range e.Sim.Requests() {
		if !r.At.Before(start) {
			sent = append(sent, r)
		}
	}
	tried := len(e.Sim.Hellos()) - helloStart
	e.Sim.Set(managersim.Behaviour{})
	_, _ = e.Delivered(ctx, ids, e.DeliverWithin) // drain, not judged
	t.Expect("handshake attempts, no request", fmt.Sprintf("%d handshake attempts, %d requests", tried, len(sent)))
	if len(sent) > 0 {
		for _, r := range sent {
			t.Evidence("request", "sent to "+what, r.Describe())
		}
		return harness.Failf("sent-anyway", "the analyzer sent %s to %s", plural(len(sent), "request"), what)
	}
	if tried == 0 {
		return harness.Inconclusivef("no-attempt", "the analyzer did not even try to connect within %s, so its refusal could not be seen", e.Quiet)
	}
	return harness.Passf("the analyzer tried %s and sent nothing to %s", plural(tried, "handshake"), what)
}
