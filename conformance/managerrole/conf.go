package managerrole

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/conformance/tlsprobe"
)

// suiteIDs are the TLS 1.3 cipher suites by name (RFC 8446 appendix B.4).
var suiteIDs = map[string]uint16{
	"TLS_AES_128_GCM_SHA256":       tls.TLS_AES_128_GCM_SHA256,
	"TLS_AES_256_GCM_SHA384":       tls.TLS_AES_256_GCM_SHA384,
	"TLS_CHACHA20_POLY1305_SHA256": tls.TLS_CHACHA20_POLY1305_SHA256,
}

// strongTLS12 are TLS 1.2 suites any TLS 1.2 server would take: offering them makes a
// refusal mean "no TLS 1.2", not "no suite in common".
var strongTLS12 = []uint16{0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009c, 0x009d, 0xc013, 0xc009, 0x002f, 0x0035}

// weakTLS12 are suites with known weaknesses or without forward secrecy or authentication:
// NULL, EXPORT, RC4, DES and 3DES, anonymous Diffie-Hellman, and static-RSA key exchange.
var weakTLS12 = []uint16{
	0x0001, 0x0002, 0x003b, // NULL
	0x0003, 0x0006, 0x0008, // EXPORT
	0x0004, 0x0005, 0xc011, 0xc007, // RC4
	0x0009, 0x000a, 0xc012, 0xc008, 0x0016, // DES, 3DES
	0x0018, 0x001b, 0x0034, 0x003a, 0x006c, 0x006d, 0x00a6, 0x00a7, // anonymous DH
	0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d, // static RSA: no forward secrecy
}

func confChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-CONF-001", Title: "TLS 1.2 is refused",
			Requirements: []string{"IDMEF2T-4.5.1-2", "R4766-6.4"}, Level: "MUST", Category: "confidentiality",
			Doc: "Offers TLS 1.2 only, twice: with Go's TLS 1.2 client and the harness's identity, and with a raw ClientHello offering the usual TLS 1.2 suites. Neither may negotiate.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alerts.Spec{Description: "sent over TLS 1.2"})
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, "TLS 1.2 client", target.Dial{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}, target.Request{Body: m.Body, Sign: e.Signs()})
			a, err := tlsprobe.Send(ctx, e.Target().Addr(), tlsprobe.Hello{Version: tlsprobe.VersionTLS12, Suites: strongTLS12, ServerName: e.Target().ServerName})
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			t.Evidence("tls", "raw TLS 1.2 ClientHello", a.String())
			t.Expect("no TLS 1.2 session", fmt.Sprintf("Go client: %s; raw hello: %s", x.Outcome(), a))
			if a.Accepted && a.Version <= tlsprobe.VersionTLS12 {
				return harness.Failf("tls12-negotiated", "the manager chose %s for a TLS 1.2 ClientHello", tlsprobe.VersionName(a.Version))
			}
			if x.TLS != nil && x.TLS.Version == tls.VersionTLS12 {
				return harness.Failf("tls12-negotiated", "a TLS 1.2 session was established (%s)", x.Outcome())
			}
			return harness.Passf("TLS 1.2 was refused (%s)", a)
		}),
		check(harness.Check{
			ID: "MGR-CONF-002", Title: "SSL 3.0, TLS 1.0 and TLS 1.1 are refused",
			Requirements: []string{"IDMEF2T-4.5.1-2", "R4766-6.4"}, Level: "MUST", Category: "confidentiality",
			Doc: "Sends raw ClientHellos offering SSL 3.0, TLS 1.0 and TLS 1.1 with the suites of their time. The manager must answer each with an alert or by closing, never with a ServerHello.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			legacy := []uint16{0xc014, 0xc013, 0xc00a, 0xc009, 0x0039, 0x0033, 0x0035, 0x002f, 0x000a}
			var accepted []string
			for _, v := range []uint16{tlsprobe.VersionSSL30, tlsprobe.VersionTLS10, tlsprobe.VersionTLS11} {
				a, err := tlsprobe.Send(ctx, e.Target().Addr(), tlsprobe.Hello{Version: v, Suites: legacy, ServerName: e.Target().ServerName})
				if err != nil {
					return harness.Errorf(reasonHarness, "%s hello: %v", tlsprobe.VersionName(v), err)
				}
				t.Evidence("tls", tlsprobe.VersionName(v)+" ClientHello", a.String())
				if a.Accepted {
					accepted = append(accepted, fmt.Sprintf("%s (answered %s)", tlsprobe.VersionName(v), a))
				}
			}
			t.Expect("every legacy hello refused", fmt.Sprint(accepted))
			if len(accepted) > 0 {
				return harness.Failf("legacy-tls-negotiated", "the manager negotiated %s", strings.Join(accepted, ", "))
			}
			return harness.Passf("SSL 3.0, TLS 1.0 and TLS 1.1 were refused")
		}),
		check(harness.Check{
			ID: "MGR-CONF-003", Title: "Each claimed TLS 1.3 cipher suite negotiates",
			Requirements: []string{"IDMEF2T-4.5.1-1", "IDMEF2T-4.5.2-1", "IDMEF2T-4.5.2-3"}, Level: "MUST", Category: "confidentiality",
			Doc: "For each suite of tls.suites (default: the three of RFC 8446 that carry AEAD encryption with ephemeral key exchange), sends a TLS 1.3 ClientHello offering that suite alone; the manager must choose TLS 1.3 and that suite.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			suites := e.Statement.TLS.Suites
			if len(suites) == 0 {
				suites = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}
			}
			var bad []string
			for _, name := range suites {
				id := suiteIDs[name]
				a, err := tlsprobe.Send(ctx, e.Target().Addr(), tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: []uint16{id},
					ServerName: e.Target().ServerName, ALPN: []string{"h2", "http/1.1"}})
				if err != nil {
					return harness.Errorf(reasonHarness, "%s: %v", name, err)
				}
				t.Evidence("tls", name+" alone", a.String())
				if !a.Accepted || a.Version != tlsprobe.VersionTLS13 || a.Suite != id {
					bad = append(bad, fmt.Sprintf("%s: %s", name, a))
				}
			}
			t.Expect("each claimed suite chosen when offered alone", fmt.Sprint(bad))
			if len(bad) > 0 {
				return harness.Failf("suite-not-negotiated", "claimed suites did not negotiate: %s", strings.Join(bad, "; "))
			}
			return harness.Passf("TLS 1.3 negotiated with each of %s", strings.Join(suites, ", "))
		}),
		check(harness.Check{
			ID: "MGR-CONF-004", Title: "Weak cipher suites are refused",
			Requirements: []string{"IDMEF2T-4.5.2-2", "IDMEF2T-4.5.2-3"}, Level: "MUST", Category: "confidentiality",
			Doc: "Offers TLS 1.2 with only suites that have known weaknesses or lack forward secrecy or authentication (NULL, EXPORT, RC4, DES, 3DES, anonymous DH, static RSA). The manager must not negotiate any of them.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			a, err := tlsprobe.Send(ctx, e.Target().Addr(), tlsprobe.Hello{Version: tlsprobe.VersionTLS12, Suites: weakTLS12, ServerName: e.Target().ServerName})
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			t.Evidence("tls", "weak suites only", a.String())
			t.Expect("refused", a.String())
			if a.Accepted {
				return harness.Failf("weak-suite-negotiated", "the manager accepted a weak suite: %s", a)
			}
			return harness.Passf("no weak suite was negotiated (%s)", a)
		}),
		check(harness.Check{
			ID: "MGR-CONF-005", Title: "Alert content never appears on the wire",
			Requirements: []string{"R4766-6.4", "IDMEF2-6-1"}, Level: "MUST", Category: "confidentiality",
			Doc: "Sends an alert carrying a random canary string over TLS and records every byte of the connection in both directions: the alert must be acknowledged and the canary appear nowhere in those bytes. Then offers a second canary alert the way a misconfigured analyzer would, in plain text on the same port: the manager must not take it, since that would carry alert content across the network in clear.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var raw [16]byte
			_, _ = rand.Read(raw[:])
			canary := "CANARY-" + hex.EncodeToString(raw[:])
			m, o := makeAlert(e, alerts.Spec{Canary: canary})
			if o != nil {
				return *o
			}
			var wire target.Wire
			x := e.Send(ctx, t, "alert with canary", target.Dial{Record: &wire}, target.Request{Body: m.Body, Sign: e.Signs()})
			sent, recv := wire.Sent(), wire.Received()
			t.Notef("recorded %d bytes sent and %d received; canary %s", len(sent), len(recv), canary)
			if !x.Success() {
				return harness.Failf(reasonNotAcked, "the alert was not acknowledged over TLS: %s", x.Outcome())
			}
			for _, form := range []string{canary, canary[7:]} {
				if bytes.Contains(sent, []byte(form)) || bytes.Contains(recv, []byte(form)) {
					t.Expect("canary absent from the wire", "present")
					return harness.Failf("plaintext-on-wire", "the canary %q travelled in clear", form)
				}
			}
			if !bytes.Contains(m.Body, []byte(canary)) {
				return harness.Errorf(reasonHarness, "the alert does not carry the canary")
			}
			clear, o := makeAlert(e, alerts.Spec{Canary: canary + "-CLEAR"})
			if o != nil {
				return *o
			}
			req := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
				e.Target().URL.Path, e.Target().URL.Host, len(clear.Body), clear.Body)
			got, err := rawExchange(ctx, e.Target().Addr(), []byte(req), 3*time.Second)
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			t.Evidence("response", "the canary alert offered in plain text", printableBytes(got))
			if status := httpStatus(got); status >= 200 && status < 300 {
				t.Expect("canary absent from the wire; plain text refused", fmt.Sprintf("plain text answered %d", status))
				return harness.Failf("accepted-in-clear", "the manager took an alert offered in plain text (%d): its content crossed the network in clear", status)
			}
			t.Expect("canary absent from the wire; plain text refused", "absent; refused")
			return harness.Passf("the alert was acknowledged, its canary appears nowhere in %d bytes on the wire, and the plain-text copy was refused", len(sent)+len(recv))
		}),
		check(harness.Check{
			ID: "MGR-CONF-006", Title: "Plain HTTP is refused",
			Requirements: []string{"R4766-6.4", "IDMEF2T-3-1"}, Level: "MUST", Category: "confidentiality",
			Doc: "Sends a valid alert as a plain-text HTTP/1.1 POST to the manager's port, without TLS. The manager must not acknowledge it and must store nothing.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alerts.Spec{Description: "sent without TLS"})
			if o != nil {
				return *o
			}
			req := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
				e.Target().URL.Path, e.Target().URL.Host, len(m.Body), m.Body)
			t.Evidence("request", "plain HTTP", req)
			got, err := rawExchange(ctx, e.Target().Addr(), []byte(req), 3*time.Second)
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			t.Evidence("response", "plain HTTP", printableBytes(got))
			if status := httpStatus(got); status >= 200 && status < 300 {
				t.Expect("no 2xx", fmt.Sprint(status))
				return harness.Failf(reasonAccepted, "the manager answered %d to a plain-text HTTP POST", status)
			}
			stored, err := e.NotStored(ctx, m.ID)
			if err != nil {
				return observationOutcome(err)
			}
			if len(stored[keyOf(m.ID)]) > 0 {
				return harness.Failf(reasonStored, "the plain-text alert %s was stored", m.ID)
			}
			return harness.Passf("the plain-text POST was not acknowledged and nothing was stored")
		}),
		check(harness.Check{
			ID: "MGR-CONF-007", Title: "Cleartext HTTP/2 (h2c) is refused",
			Requirements: []string{"IDMEF2T-4.3-4"}, Level: "MUST", Category: "confidentiality",
			Doc: "Sends the HTTP/2 connection preface with a SETTINGS frame over plain TCP (prior knowledge), and an HTTP/1.1 request with Upgrade: h2c over TLS. The manager must answer neither with HTTP/2 (a SETTINGS frame, or 101 Switching Protocols).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			preface := append([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 0, 0, 0, 4, 0, 0, 0, 0, 0) // empty SETTINGS
			got, err := rawExchange(ctx, e.Target().Addr(), preface, 3*time.Second)
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			t.Evidence("response", "h2c prior knowledge", printableBytes(got))
			if len(got) >= 9 && got[3] == 4 && got[0] == 0 { // a SETTINGS frame header
				return harness.Failf("h2c-accepted", "the manager answered the cleartext HTTP/2 preface with an HTTP/2 SETTINGS frame")
			}
			m, o := makeAlert(e, alerts.Spec{Description: "h2c upgrade"})
			if o != nil {
				return *o
			}
			h := map[string][]string{"Connection": {"Upgrade, HTTP2-Settings"}, "Upgrade": {"h2c"}, "Http2-Settings": {"AAMAAABkAAQCAAAAAAIAAAAA"}}
			x := e.Send(ctx, t, "Upgrade: h2c", target.Dial{HTTP1: true}, target.Request{Body: m.Body, Header: h, Sign: e.Signs()})
			t.Expect("no HTTP/2 over cleartext, no 101", x.Outcome())
			if x.Status == 101 {
				return harness.Failf("h2c-accepted", "the manager agreed to upgrade to h2c (101)")
			}
			return harness.Passf("neither the h2c preface nor the h2c upgrade was accepted")
		}),
	}
}

// rawExchange writes data on a plain TCP connection and reads what comes back until the
// peer closes or wait passes.
func rawExchange(ctx context.Context, addr string, data []byte, wait time.Duration) ([]byte, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(wait))
	if _, err := c.Write(data); err != nil {
		return nil, nil // refused mid-write: nothing came back
	}
	got, _ := io.ReadAll(io.LimitReader(c, 64<<10)) // a timeout or reset ends the answer
	return got, nil
}

// httpStatus reads the status code of an HTTP/1.x response, 0 when data is not one.
func httpStatus(data []byte) int {
	var major, minor, status int
	if _, err := fmt.Sscanf(string(data), "HTTP/%d.%d %d", &major, &minor, &status); err != nil {
		return 0
	}
	return status
}

func printableBytes(b []byte) string {
	if len(b) == 0 {
		return "(nothing; the connection was closed)"
	}
	if len(b) > 512 {
		b = b[:512]
	}
	return fmt.Sprintf("%q", b)
}
