package managerrole

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

func authChecks() []harness.Check {
	badIdentity := func(id, kind, title, doc string, reqs []string, needs ...string) harness.Check {
		return check(harness.Check{
			ID: id, Title: title, Requirements: reqs, Level: "MUST", Category: "authentication", Needs: needs, Doc: doc,
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			cert, why := e.Identity(kind)
			if cert == nil {
				return harness.Inconclusivef(reasonNoIdentity, "%s", why)
			}
			if len(cert.Certificate) > 0 {
				if leaf, err := parseLeaf(cert); err == nil {
					t.Notef("presenting: %s", describeCert(leaf))
				}
			}
			m, o := makeAlert(e, alerts.Spec{Description: "sent with a " + kind + " client identity"})
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, kind+" identity", target.Dial{Cert: cert, HTTP1: true}, target.Request{Body: m.Body, Sign: e.Signs()})
			return refusedNotStored(ctx, t, e, x, m.ID, "an alert from a "+kind+" client identity")
		})
	}
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-AUTH-001", Title: "A client without a certificate is refused",
			Requirements: []string{"IDMEF2T-4.5.3-1", "IDMEF2T-4.5.3-2", "R4766-6.3"}, Level: "MUST", Category: "authentication",
			Doc: "Connects with TLS 1.3 presenting no client certificate and sends a valid alert. The manager must end the handshake (or answer 4xx) and store nothing.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alerts.Spec{Description: "sent without a client certificate"})
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, "no client certificate", target.Dial{NoCert: true, HTTP1: true}, target.Request{Body: m.Body, Sign: e.Signs()})
			return refusedNotStored(ctx, t, e, x, m.ID, "an alert from a client without a certificate")
		}),
		badIdentity("MGR-AUTH-002", IdentityOtherCA, "A client certificate from an untrusted CA is refused",
			"Presents a certificate with proper DNS-IDs issued by a CA the harness made on the spot, which the manager cannot trust, and sends a valid alert. The manager must refuse it and store nothing.",
			[]string{"IDMEF2T-4.5.3-1", "IDMEF2T-4.5.4-1", "R4766-6.3"}),
		badIdentity("MGR-AUTH-003", IdentityExpired, "An expired client certificate is refused",
			"Presents a certificate from the trusted CA whose validity ended a day ago (from identities.expired, or issued with identities.issuer). The manager must refuse it and store nothing.",
			[]string{"IDMEF2T-4.5.4-1", "R4766-6.3"}),
		badIdentity("MGR-AUTH-004", IdentityUnlisted, "A valid client left off the allow-list is refused",
			"Presents identities.unlisted: a valid certificate from the trusted CA that the manager's allow-list does not name. The manager must refuse it and store nothing.",
			[]string{"IDMEF2T-4.5.4-7", "R4766-6.3"}, "allow-list"),
		badIdentity("MGR-AUTH-005", IdentityCNOnly, "A client certificate naming its system only in the Common Name is refused",
			"Presents a certificate from the trusted CA with no subjectAltName, its name only in the subject Common Name (a CN-ID). The transport draft identifies peers by DNS-ID and forbids CN-IDs: the manager must refuse it and store nothing.",
			[]string{"IDMEF2T-4.5.3-4", "IDMEF2T-4.5.4-1"}),
		badIdentity("MGR-AUTH-006", IdentityWildcard, "A wildcard client certificate is refused and the connection closed",
			"Presents a certificate from the trusted CA whose first DNS-ID is a wildcard (*.idmefcheck.test). Verification must fail, the connection be closed, and nothing stored.",
			[]string{"IDMEF2T-4.5.4-3", "IDMEF2T-4.5.4-4", "IDMEF2T-4.5.5-13"}),
		check(harness.Check{
			ID: "MGR-AUTH-007", Title: "The manager's certificate identifies it by DNS-ID or IP-ID, without CN-ID or wildcard",
			Requirements: []string{"IDMEF2T-4.5.3-2", "IDMEF2T-4.5.3-4", "IDMEF2T-4.5.4-2", "IDMEF2T-4.5.5-1", "IDMEF2T-4.5.5-2"},
			Level:        "MUST", Category: "authentication",
			Doc: "Completes a handshake with every listener and inspects the certificate the manager presents: it must verify against connect.ca for connect.server_name, carry a DNS-ID or an IP-ID, no wildcard, and no domain name or address in its subject Common Name.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var problems []string
			for _, tg := range e.Targets {
				m, o := makeAlert(e, alerts.Spec{Description: "server identity check"})
				if o != nil {
					return *o
				}
				x := e.SendTo(ctx, t, tg, "handshake with "+tg.Addr(), target.Dial{}, target.Request{Body: m.Body, Sign: e.Signs()})
				if x.TLS == nil {
					if r := x.Refusal(); r == "tls" {
						if strings.Contains(fmt.Sprint(x.Err), "certificate") {
							problems = append(problems, fmt.Sprintf("%s: its certificate does not verify for %q: %v", tg.Addr(), tg.ServerName, x.Err))
							continue
						}
					}
					return harness.Errorf(reasonHarness, "no TLS session with %s: %v", tg.Addr(), x.Err)
				}
				leaf := x.TLS.PeerCertificates[0]
				if err := transport.CheckLeaf(leaf); err != nil {
					problems = append(problems, fmt.Sprintf("%s: %v (%s)", tg.Addr(), err, describeCert(leaf)))
				}
			}
			if len(problems) > 0 {
				t.Expect("a verifiable certificate with DNS-IDs or IP-IDs, no wildcard, no CN-ID", strings.Join(problems, "; "))
				return harness.Failf("bad-server-identity", "%s", strings.Join(problems, "; "))
			}
			return harness.Passf("every listener presents a certificate that verifies and names the manager by DNS-ID or IP-ID")
		}),
		check(harness.Check{
			ID: "MGR-AUTH-008", Title: "The manager's certificate carries a DNS-ID",
			Requirements: []string{"IDMEF2T-4.5.3-3"}, Level: "SHOULD", Category: "authentication",
			Doc: "Inspects the manager's certificate on the first listener: it should name the manager by a DNS-ID (an IP-ID alone satisfies the MUST of MGR-AUTH-007 but not this SHOULD).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alerts.Spec{Description: "server identity check"})
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, "handshake", target.Dial{}, target.Request{Body: m.Body, Sign: e.Signs()})
			if x.TLS == nil {
				return harness.Errorf(reasonHarness, "no TLS session: %v", x.Err)
			}
			leaf := x.TLS.PeerCertificates[0]
			t.Expect("at least one DNS-ID", fmt.Sprint(leaf.DNSNames))
			if len(leaf.DNSNames) == 0 {
				return harness.Failf("no-dns-id", "the manager's certificate has no DNS-ID (%s)", describeCert(leaf))
			}
			return harness.Passf("the manager's certificate carries DNS-IDs %v", leaf.DNSNames)
		}),
		check(harness.Check{
			ID: "MGR-AUTH-009", Title: "(profile) An unsigned alert is refused when signatures are required",
			Requirements: []string{"R4766-6.3.1", "R4766-6.3"}, Level: "MUST", Category: "authentication", Needs: []string{"require-signatures"},
			Doc: "Sends a valid alert without an HTTP message signature from the connect identity, which the statement says must sign. Authentication must not rest on TLS alone: the manager must refuse it (the profile answers 403) and store nothing.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alerts.Spec{Description: "unsigned"})
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, "unsigned alert", target.Dial{}, target.Request{Body: m.Body})
			return refusedNotStored(ctx, t, e, x, m.ID, "an unsigned alert")
		}),
		check(harness.Check{
			ID: "MGR-AUTH-010", Title: "(profile) An alert signed with the wrong key is refused",
			Requirements: []string{"R4766-6.3.1", "R4766-6.5"}, Level: "MUST", Category: "authentication", Needs: []string{"signatures"},
			Doc: "Signs a valid alert under the harness's own keyid but with a key the harness made on the spot, so the signature cannot verify. A manager that verifies signatures must refuse it and store nothing.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			_, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			m, o := makeAlert(e, alerts.Spec{Description: "signed with a wrong key"})
			if o != nil {
				return *o
			}
			s := &httpsig.Signer{KeyID: e.Signer.KeyID, Private: priv}
			x := e.Send(ctx, t, "wrong key", target.Dial{}, target.Request{Body: m.Body, Sign: true, SignWith: s})
			return refusedNotStored(ctx, t, e, x, m.ID, "an alert whose signature does not verify")
		}),
		check(harness.Check{
			ID: "MGR-AUTH-011", Title: "(profile) An alert signed under an unknown keyid is refused",
			Requirements: []string{"R4766-6.3.1"}, Level: "MUST", Category: "authentication", Needs: []string{"signatures"},
			Doc: "Signs a valid alert with a fresh key under a keyid the manager cannot know. The manager must refuse it and store nothing.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			_, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			m, o := makeAlert(e, alerts.Spec{Description: "signed under an unknown keyid"})
			if o != nil {
				return *o
			}
			s := &httpsig.Signer{KeyID: "idmefcheck-unknown-" + m.ID[:8], Private: priv}
			x := e.Send(ctx, t, "unknown keyid", target.Dial{}, target.Request{Body: m.Body, Sign: true, SignWith: s})
			return refusedNotStored(ctx, t, e, x, m.ID, "an alert signed under an unknown keyid")
		}),
		check(harness.Check{
			ID: "MGR-AUTH-012", Title: "(profile) The manager's answer is signed and bound to the request's signature",
			Requirements: []string{"R4766-6.3", "R4766-6.3.1"}, Level: "MUST", Category: "authentication", Needs: []string{"signatures"},
			Doc: "Sends a signed valid alert and verifies the answer's signature with signing.peer_key: it must verify, carry the response tag and cover the request's signature, so that the analyzer knows which manager acknowledged which alert.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if e.ManagerKey == nil {
				return harness.Inconclusivef(reasonNoKey, "the statement gives no signing.peer_key to verify the manager's answers with")
			}
			m, o := makeAlert(e, alerts.Spec{Description: "signed answer check"})
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, "signed alert", target.Dial{}, target.Request{Body: m.Body, Sign: true})
			if !x.Success() {
				return harness.Failf(reasonNotAcked, "a signed valid alert was not acknowledged: %s", x.Outcome())
			}
			t.Expect("a response signature that verifies and is bound to the request", fmt.Sprint(errOrOK(x.ResponseSignature)))
			if x.ResponseSignature != nil {
				return harness.Failf("response-signature", "the answer's signature does not hold: %v", x.ResponseSignature)
			}
			return harness.Passf("the %d answer is signed by the manager's key and bound to the request's signature", x.Status)
		}),
	}
}

func errOrOK(err error) string {
	if err == nil {
		return "verified"
	}
	return err.Error()
}
