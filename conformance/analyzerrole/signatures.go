package analyzerrole

import (
	"context"
	"fmt"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/managersim"
)

func signatureChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "ANA-SIG-001", Title: "(profile) Every request is signed and the signature verifies",
			Requirements: []string{"R4766-6.3.1", "R4766-6.5"}, Level: "MUST", Category: "integrity", Needs: []string{"require-signatures"},
			Doc: "Asks for three basic alerts: every request must carry a reference-profile signature (RFC 9421, Ed25519, Content-Digest, created, nonce) that verifies with the analyzer's key (signing.peer_key).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if e.AnalyzerKey == nil {
				return harness.Inconclusivef("no-analyzer-key", "the statement gives no signing.peer_key to verify the analyzer's signatures with")
			}
			reqs, o := emitWatched(ctx, t, e, "basic", 3)
			if o != nil {
				return *o
			}
			var bad []string
			for _, r := range reqs {
				switch {
				case !r.Signed:
					bad = append(bad, r.ID+": unsigned")
				case r.SignatureErr != nil:
					bad = append(bad, fmt.Sprintf("%s: %v", r.ID, r.SignatureErr))
				}
			}
			t.Expect("a verifying signature on every request", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("unsigned", "%s", strings.Join(bad, "; "))
			}
			return harness.Passf("every request was signed with the analyzer's key")
		}),
		check(harness.Check{
			ID: "ANA-SIG-002", Title: "(profile) An answer with a bad signature is not an acknowledgement",
			Requirements: []string{"R4766-6.3", "R4766-6.1"}, Level: "MUST", Category: "authentication", Needs: []string{"signatures"},
			Doc: "The harness answers the first attempt 204 but signs the answer with a key the analyzer cannot know, then answers properly. An analyzer that checks the manager's receipt must count the first answer as no answer and send the alert again (same ID and bytes).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := retriedUntilDelivered(ctx, t, e, managersim.Behaviour{BadReceipt: true, Refuse: 1})
			if o != nil {
				return *o
			}
			return harness.Passf("the badly signed 204 was not taken as a receipt: the alert was sent again (%s)", plural(len(reqs), "attempt"))
		}),
	}
}

func addressingChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "ANA-ADDR-001", Title: "Alerts travel over IPv6",
			Requirements: []string{"R4766-4.2"}, Level: "MUST", Category: "addressing", Needs: []string{"ipv6"},
			Doc: "The harness listens on every connect.listen address; an analyzer claiming IPv6 is configured to send to the harness's IPv6 listener. Asks for two basic alerts: they must arrive from an IPv6 address.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := emitWatched(ctx, t, e, "basic", 2)
			if o != nil {
				return *o
			}
			var remotes []string
			v6 := true
			for _, r := range reqs {
				remotes = append(remotes, r.Remote)
				v6 = v6 && strings.HasPrefix(r.Remote, "[")
			}
			t.Expect("requests from IPv6 addresses", strings.Join(remotes, ", "))
			if !v6 {
				return harness.Failf("not-ipv6", "the analyzer claims IPv6 but sent from %s", strings.Join(remotes, ", "))
			}
			return harness.Passf("the alerts arrived over IPv6")
		}),
	}
}
